"""TMX exchange: reviewed entries out, an agency's memory back in, nothing reviewed lost.

End to end through the CLI on the sample project; TMX files from outside are
hostile input (entity bombs, external entities, broken XML).
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import polib
from hypothesis import given
from hypothesis import strategies as st

from pipeline import catalog, tmx
from tests.test_cli import postlingo

REPO = Path(__file__).resolve().parent.parent
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def sample(tmp_path: Path, name: str = "project") -> Path:
    project = tmp_path / name
    shutil.copytree(REPO / "source", project / "source")
    shutil.copy(REPO / "postlingo.toml", project / "postlingo.toml")
    return project


def review(project: Path, every: int = 3) -> dict[tuple[str, str], str]:
    """A reviewer corrects every `every`-th entry of each catalog: (catalog, msgid) → msgstr."""
    reviewed = {}
    for path in sorted((project / "locales").glob("*/*.po")):
        po = polib.pofile(str(path))
        for index, entry in enumerate(e for e in po if not e.obsolete):
            if index % every:
                continue
            entry.msgstr = f'검토 & "ok" <b> ]]> {entry.msgid}'
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            key = (f"{path.parent.name}/{path.name}", entry.msgid)
            reviewed[key] = entry.msgstr
        po.save(str(path))
    return reviewed


def entries(project: Path) -> dict[tuple[str, str], polib.POEntry]:
    found = {}
    for path in sorted((project / "locales").glob("*/*.po")):
        for entry in polib.pofile(str(path)):
            found[(f"{path.parent.name}/{path.name}", entry.msgid)] = entry
    return found


def test_export_then_import_into_fresh_catalogs_gives_the_reviewed_texts_back_fuzzy(tmp_path):
    project = sample(tmp_path)
    assert postlingo(project, "translate", "--engine", "pseudo").returncode == 0
    reviewed = review(project)
    out = postlingo(project, "tm", "export", "memory.tmx")
    assert out.returncode == 0, out.stderr
    assert f"wrote {len(reviewed)} reviewed entries to memory.tmx" in out.stdout

    root = ET.parse(project / "memory.tmx").getroot()
    header = root.find("header")
    assert root.get("version") == "1.4" and header is not None
    assert header.get("segtype") == "sentence" and header.get("creationtool") == "postlingo"
    assert header.get("o-tmf") and header.get("srclang")
    units = root.findall("body/tu")
    assert len(units) == len(reviewed)
    posts = {p.text for p in root.iter("prop") if p.get("type") == "x-post"}
    assert posts == {"mini-thread-lifting", "mini-facelift-recovery"}
    assert all(len(tu.findall("tuv")) == 2 and tu.get("srclang") for tu in units)
    assert {tuv.get(XML_LANG) for tuv in root.iter("tuv")} >= {"ko", "en", "zh-Hans"}
    tagged = [seg for seg in root.iter("seg") if seg.find("bpt") is not None]
    assert tagged, "placeholder pairs travel as <bpt>/<ept>"

    fresh = sample(tmp_path, "fresh")
    shutil.copy(project / "memory.tmx", fresh / "agency.tmx")
    back = postlingo(fresh, "tm", "import", "agency.tmx")
    assert back.returncode == 0, back.stderr
    assert f"{len(reviewed)} entries filled from agency.tmx" in back.stdout
    got = entries(fresh)
    for key, text in reviewed.items():
        entry = got[key]
        assert entry.msgstr == text
        assert entry.fuzzy
        assert catalog.tool_notes(entry, "tm:") == ["agency.tmx"]
    assert all(not e.msgstr for k, e in got.items() if k not in reviewed)
    if shutil.which("msgfmt"):
        import subprocess

        for path in (fresh / "locales").glob("*/*.po"):
            check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)])
            assert check.returncode == 0


def test_import_fills_machine_output_and_never_touches_a_reviewed_entry(tmp_path):
    project = sample(tmp_path)
    postlingo(project, "translate", "--engine", "pseudo", "--to", "en")
    path = project / "locales" / "en" / "mini-facelift-recovery.po"
    po = polib.pofile(str(path))
    first, second = [e for e in po if not e.obsolete][:2]
    first.msgstr, first.flags = "Reviewer's own words", []
    po.save(str(path))
    memory = tmx.write(
        [
            tmx.TranslationUnit("ko", (tmx.Variant("ko", e.msgid), tmx.Variant("en", f"TM {i}")))
            for i, e in enumerate((first, second))
        ],
        "test",
    )
    (project / "agency.tmx").write_bytes(memory)
    result = postlingo(project, "tm", "import", "agency.tmx")
    assert result.returncode == 0, result.stderr
    after = {e.msgid: e for e in polib.pofile(str(path))}
    assert after[first.msgid].msgstr == "Reviewer's own words"
    assert not after[first.msgid].fuzzy
    assert after[second.msgid].msgstr == "TM 1" and after[second.msgid].fuzzy
    assert catalog.tool_notes(after[second.msgid], "machine:") == []  # provenance replaced
    assert catalog.tool_notes(after[second.msgid], "tm:") == ["agency.tmx"]


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<tmx version="1.4"><header srclang="ko"/><body><tu><tuv xml:lang="ko"><seg>&lol9;</seg></tuv></tu></body></tmx>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE tmx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<tmx version="1.4"><header srclang="ko"/><body><tu><tuv xml:lang="ko"><seg>&secret;</seg></tuv></tu></body></tmx>
"""


def test_hostile_and_broken_tmx_is_one_line_naming_file_and_line(tmp_path):
    project = sample(tmp_path)
    cases = {
        "bomb.tmx": (BOMB, "bomb.tmx:2: refused"),
        "external.tmx": (EXTERNAL, "external.tmx:2: refused"),
        "broken.tmx": (
            '<tmx version="1.4">\n<header srclang="ko"/>\n<body>\n<tu>\n</body>',
            "broken.tmx:5: not well-formed XML",
        ),
        "noseg.tmx": (
            '<tmx version="1.4">\n<header srclang="ko"/>\n<body>\n<tu>\n<tuv xml:lang="ko"/>\n</tu></body></tmx>',
            "noseg.tmx:5: <tuv> without <seg>",
        ),
        "other.tmx": ("<html/>", "other.tmx:1: not a TMX file"),
    }
    for name, (text, expected) in cases.items():
        (project / name).write_text(text, encoding="utf-8")
        result = postlingo(project, "tm", "import", name)
        assert result.returncode == 2, (name, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], (name, result.stderr)
        assert "passwd" not in result.stdout + result.stderr
    assert not (project / "locales").exists() or not list((project / "locales").glob("*/*.po"))


TEXT = st.lists(
    st.sampled_from([*"가나 ab&<>\"']]>\\\t\n.🙂\x01", "<1>", "</1>", "<2/>"]), max_size=40
).map("".join)


@given(source=TEXT, target=TEXT, context=st.none() | TEXT)
def test_texts_and_context_survive_write_and_read(source, target, context):
    unit = tmx.TranslationUnit(
        "ko", (tmx.Variant("ko", source), tmx.Variant("en", target)), "post", context
    )
    (back,) = tmx.read(tmx.write([unit], "test"), Path("t.tmx"))
    clean = tmx._NOT_XML_RE.sub  # XML 1.0 cannot carry C0 controls at all
    assert back.variants == tuple(tmx.Variant(v.lang, clean("", v.text)) for v in unit.variants)
    assert back.context == (None if context is None else clean("", context))
    assert back.post == "post" and back.srclang == "ko"
