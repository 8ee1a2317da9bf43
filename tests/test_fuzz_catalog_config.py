"""Fuzz targets for the PO reader and the config reader (issue 12).

Random bytes and mutations of real catalogs and configs: each is read, or gets
a PostlingoError; nothing else escapes. An accepted catalog must also survive
what translate does with it next (merge, fill, write, read back).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import catalog, config, files
from pipeline.engines import MachineTranslation
from pipeline.errors import PostlingoError
from pipeline.scaffold import CONFIG_TEMPLATE
from tests.fuzzing import FUZZ, mutated, within_memory

REPO = Path(__file__).resolve().parent.parent

PO_SEED = """\
# Translator comment
# machine: pseudo
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: blog\\n"
"Language: ko\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

#. heading
#: source/post.md:3
msgid "Mini <1>thread</1> lifting"
msgstr "미니 <1>실</1>리프팅"

#: source/post.md:5 source/post.md:9
#, fuzzy, python-format
#| msgid "Old \\"quoted\\" text"
msgid ""
"A long sentence that wraps across lines, with \\"quotes\\", a tab\\t and a "
"backslash \\\\ too."
msgstr "긴 문장\\n두 줄"

msgctxt "menu"
msgid "Open"
msgid_plural "Opens"
msgstr[0] "열기"

#~ msgid "Gone"
#~ msgstr "사라짐"
""".encode()
PO_TOKENS = [
    b'msgid "', b'msgstr "', b"msgstr[0] ", b"msgstr[7] ", b'msgid_plural "', b'msgctxt "',
    b"#~ ", b'#| msgid "', b"#, fuzzy\n", b"#: ", b"#. ", b'"\n', b'""\n', b"\\n", b"\\x41",
    b"\\u00e9", b'msgid ""\nmsgstr ""\n',
]  # fmt: skip
CONFIG_SEEDS = [
    CONFIG_TEMPLATE.encode(),
    (REPO / "postlingo.toml").read_bytes(),
    b'targets = ["ko", "ja"]\n[locale.ko]\nmin_translated = 80\n[mt]\nbeam_size = 2\n'
    b'[checks]\ntags = "warning"\n',
    b'[tool.postlingo]\ntargets = ["pt-BR"]\nignore = ["^Next image$"]\n',
]
CONFIG_TOKENS = [
    b"targets = ", b"[locale.", b"[mt]\n", b"[checks]\n", b"wrap_width = -1\n", b" = true\n",
    b'engine = "x"\n', b"= 1e999\n", b"= 1979-05-27\n", b"[[locale]]\n", b"{a = {b = 1}}",
    b"[tool.postlingo]\n", b"min_translated = ", b'"xx-Nope"', b"ignore = ['(']\n",
]  # fmt: skip


def read_po(data: bytes) -> polib.POFile | None:
    """What translate does with a catalog: read, merge, fill, write, read back."""
    path = Path("locales/ko/post.po")
    try:
        po = catalog.parse(files.decode(data, path), path)
    except PostlingoError as exc:
        assert exc.path == str(path)
        return None
    template = polib.POFile()
    template.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in po:
        if not entry.obsolete and entry.msgid:
            template.append(polib.POEntry(msgid=entry.msgid, occurrences=entry.occurrences))
    template.append(polib.POEntry(msgid="A new sentence."))
    merged = catalog.merge(template, po, "ko")
    catalog.fill(merged, {"A new sentence.": MachineTranslation("새 문장.", "pseudo")})
    catalog.stats(merged)
    for width in (79, 0):
        text = catalog.dump(merged, width)
        again = catalog.parse(text, path)  # what we write, we can read
        assert catalog.dump(again, width) == text
    return po


@FUZZ
@given(st.binary(max_size=400) | mutated([PO_SEED], PO_TOKENS))
def test_fuzz_po_reader(data):
    read_po(PO_SEED)  # warm up: the bound is on the input, not on first-use costs
    within_memory(lambda: read_po(data), len(data))


def test_the_po_seed_is_read():
    po = read_po(PO_SEED)
    assert po is not None and len(po) == 4


def read_config(data: bytes, name: str) -> config.Config | None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / name).write_bytes(data)
        try:
            return config.load(root)
        except PostlingoError as exc:
            assert exc.path == str(root / name)
            return None


@FUZZ
@given(
    st.sampled_from(["postlingo.toml", "pyproject.toml"]),
    st.binary(max_size=300) | mutated(CONFIG_SEEDS, CONFIG_TOKENS),
)
def test_fuzz_config_reader(name, data):
    within_memory(lambda: read_config(data, name), len(data))


KEYS = [
    "targets", "engine", "ignore", "source_dir", "wrap_width", "base_url", "cache", "mt",
    "locale", "checks", "project", "glossary", "unknown",
]  # fmt: skip
SCALARS = (
    st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
    | st.sampled_from(["ko", "pt-BR", "error", "pseudo", "(", "zz"])
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["ko", "beam_size", "tags", "min_translated", "x"]), inner
        )
    ),
    max_leaves=8,
)


@FUZZ
@given(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5))
def test_fuzz_config_tables(raw: dict[str, Any]):
    """Every shape TOML can give a key: accepted or a PostlingoError."""
    path = Path("postlingo.toml")
    try:
        config.parse(raw, path, "", Path("."))
    except PostlingoError as exc:
        assert exc.path == str(path)


@pytest.mark.parametrize("seed", CONFIG_SEEDS, ids=["template", "repo", "tables", "pyproject"])
def test_the_config_seeds_are_read(seed):
    name = "pyproject.toml" if b"[tool.postlingo]" in seed else "postlingo.toml"
    assert read_config(seed, name) is not None


@pytest.mark.parametrize("cut", ['msgid "half a save', '#~ msgstr "gone', '"continued'])
def test_a_string_without_its_closing_quote_is_an_error_not_a_shorter_string(cut):
    """polib would read `msgid "half a save` as "half a sav", and accept the file."""
    text = PO_SEED.decode() + f'\nmsgid "x"\n{cut}\n'
    with pytest.raises(PostlingoError) as info:
        catalog.parse(text, Path("p.po"))
    assert info.value.line == text.count("\n") and "closing quote" in info.value.message
