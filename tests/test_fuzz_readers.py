"""Fuzz targets for the post readers: Markdown, HTML, plain text and front matter.

Each input is read, segmented, templated and rendered; the property is that
it is accepted or gets a PostlingoError, never any other exception. Seeds
are the corpus posts, mutated; hostile cases (deep nesting, YAML alias
bombs and cycles) are pinned as exact one-line errors.
"""

from __future__ import annotations

import functools
import resource
import tempfile
from pathlib import Path

import pytest
from hypothesis import given

from pipeline import catalog, sources
from pipeline.article import localize
from pipeline.errors import PostlingoError
from pipeline.segment import segment_document
from tests.fuzzing import FUZZ, mutated, within_memory

CORPUS = Path(__file__).parent / "fixtures" / "faithful"
SEEDS = {
    suffix: [p.read_bytes() for p in sorted(CORPUS.glob(f"*{suffix}"))]
    for suffix in (".md", ".html", ".txt")
}
TOKENS = [
    b"<div>", b"</div>", b"<table><tr><td>", b"<ul><li>", b"> ", b"- ", b"1. ", b"```\n",
    b"{{< figure caption=\"a. b\" >}}", b"{{% x %}}", b"{% include a %}", b"{: .c}", b"!!! note\n",
    b"[^1]", b"[^1]: n\n", b"~~", b"|a|b|\n|-|-|\n", b"---\n", b"+++\n", b"&nbsp;", b"<1>", b"</2>",
    b"<img alt='x. y.' src=", b"<script>", b"*a*", b"\n\n",
]  # fmt: skip


def _read(tmp: Path, suffix: str, data: bytes) -> None:
    """Read, segment, template and render one input, within the memory bound."""
    _warm_up()
    within_memory(lambda: _read_unbounded(tmp, suffix, data), len(data))


@functools.cache
def _warm_up() -> None:
    """Load what is loaded once per process (language profiles, parsers) before measuring."""
    tmp = Path(tempfile.mkdtemp(prefix="postlingo-warm-"))
    for suffix, seeds in SEEDS.items():
        for seed in seeds:
            _read_unbounded(tmp, suffix, seed)
    _read_unbounded(tmp, ".txt", b"A post that declares no language, so it is detected.\n")


def _read_unbounded(tmp: Path, suffix: str, data: bytes) -> None:
    path = tmp / "source" / f"fuzz{suffix}"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    try:
        doc = segment_document(sources.read(path, tmp))
    except PostlingoError as exc:
        assert exc.path == f"source/fuzz{suffix}", exc
        assert "\n" not in str(exc)
        return
    pot = catalog.template(doc, "fuzz")
    localize(doc, "de", {e.msgid: e.msgid for e in pot})


@pytest.mark.parametrize("suffix", [".md", ".html", ".txt"])
@FUZZ
@given(data=mutated(SEEDS[".md"] + SEEDS[".html"] + SEEDS[".txt"], TOKENS))
def test_a_reader_accepts_or_reports_any_input(
    tmp_path_factory: pytest.TempPathFactory, suffix: str, data: bytes
) -> None:
    _read(tmp_path_factory.mktemp("fuzz"), suffix, data)


BOMB = (
    "---\ntitle: x\na: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "---\nBody text here.\n"
)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "deep.html",
            "<div>" * 500 + "Deep text." + "</div>" * 500,
            "nesting deeper than 200 levels",
        ),
        (
            "spans.md",
            "A " + "<span>" * 5000 + "deep" + "</span>" * 5000 + " text.\n",
            "nesting deeper",
        ),
        ("cycle.md", "---\ntags: &a [x, *a]\n---\nText.\n", "YAML alias"),
        ("bomb.md", BOMB, "YAML alias"),
        ("map.md", "---\ntitle: {a: b}\n---\nText.\n", "'title' must be text"),
    ],
)
def test_hostile_posts_get_one_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / "source" / name
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(PostlingoError) as caught:
        sources.read(path, tmp_path)
    assert message in caught.value.message
    assert str(caught.value).startswith(f"source/{name}:")
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 200_000, f"reading {name} took {grown_kb} kB"
