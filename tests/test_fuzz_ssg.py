"""Fuzz target: the SSG writer on mutated real Markdown posts.

Whatever the reader accepts, identity translation gives the body back byte for
byte, pseudo translation keeps markdown-it's block structure, and every run
written again from its units renders as the source does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given

from pipeline import markdown_out
from pipeline.errors import PostlingoError
from tests.fuzzing import FUZZ, NASTY, mutated
from tests.test_ssg import CORPUS, blocks, check_rewritten, identity, pseudo, read, target

SEEDS = [p.read_bytes() for p in CORPUS]
TOKENS = [*NASTY, b"**", b"_", b"`", b"[x](y)", b"![a](b)", b"  \n", b"> ", b"- ", b"{{< x >}}", b"<b>", b"|"]


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
        assert markdown_out.translate_body(body, doc.lang, locale, identity(doc), "sanitize") == body
        out = markdown_out.translate_body(body, doc.lang, locale, pseudo(doc), "sanitize")
        assert blocks(out) == blocks(body)
        check_rewritten(path)
