"""Fuzz target: the SSG writer on mutated real Markdown posts.

Whatever the reader accepts, identity translation gives the body back byte for
byte and pseudo translation keeps markdown-it's block structure. (That every
rewritten run renders as the source does is checked on the corpus and on
generated posts, in test_ssg.py: on mangled raw HTML the page renderer drops
attributes a browser would keep, by design.)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given

from pipeline import markdown_out
from pipeline.errors import PostlingoError
from tests.fuzzing import FUZZ, NASTY, mutated
from tests.test_ssg import CORPUS, blocks, identity, pseudo, read, target

SEEDS = [p.read_bytes() for p in CORPUS]
TOKENS = [
    *NASTY,
    b"**",
    b"_",
    b"`",
    b"[x](y)",
    b"![a](b)",
    b"  \n",
    b"> ",
    b"- ",
    b"{{< x >}}",
    b"<b>",
    b"|",
]


@FUZZ
@given(data=mutated(SEEDS, TOKENS))
def test_fuzz_ssg_writer(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.md"
        path.write_bytes(data)
        try:
            doc, source = read(path)
        except PostlingoError:
            return
        _, body = markdown_out.split(source)
        locale = target(doc)
        assert (
            markdown_out.translate_body(body, doc.lang, locale, identity(doc), "sanitize") == body
        )
        out = markdown_out.translate_body(body, doc.lang, locale, pseudo(doc), "sanitize")
        assert blocks(out) == blocks(body)
