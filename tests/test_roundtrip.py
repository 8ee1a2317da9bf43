"""Catalogs rewritten by GNU gettext tools or other PO editors come back with nothing lost.

The real msgcat and msgmerge run on a catalog that holds every kind of entry a
reviewer meets: reviewed, machine (fuzzy), fuzzy with a previous msgid, obsolete,
with translator comments, quotes, backslashes, long Korean lines. After the
rewrite, the catalog reads back the same, and the next `translate` writes the
very bytes it wrote before.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import polib
import pytest

from pipeline import catalog, project
from pipeline.config import load as load_config

FIXTURE = Path(__file__).parent / "fixtures" / "checks"
POST = "thread-lifting"
GETTEXT = shutil.which("msgcat", path="/usr/bin:/usr/local/bin:/bin") and shutil.which(
    "msgmerge", path="/usr/bin:/usr/local/bin:/bin"
)
needs_gettext = pytest.mark.skipif(
    not GETTEXT, reason="GNU gettext (msgcat, msgmerge) is not installed: apt-get install gettext"
)

REVIEWED = {
    "Thread lifting notes": '실 리프팅 "노트" — 역슬래시 \\ 도 그대로',
    "Read <1>the aftercare guide</1> before your visit.": (
        "방문 전에 <1>사후 관리 안내</1>를 꼭 읽어 주세요. 이 문장은 일부러 아주 길게 써서 "
        "한 줄에 다 들어가지 않고 여러 줄로 나뉘도록 했습니다. 한글은 한 글자가 두 칸을 "
        "차지합니다."
    ),
    "A mini facelift lifts the SMAS layer itself.": "미니 안면거상은 SMAS 층 자체를 들어 올립니다.",
}


def translate(root: Path, wrap_width: int | None = None) -> None:
    config = load_config(root)
    if wrap_width is not None:
        config = replace(config, wrap_width=wrap_width)
    project.translate(config, project.load_documents(config), engine="pseudo")


def review(path: Path, changes: dict[str, str], comment: str = "") -> None:
    po = catalog.load(path)
    for entry in po:
        if entry.msgid in changes:
            entry.msgstr, entry.flags = changes[entry.msgid], []
            if comment:
                entry.tcomment = comment
    path.write_text(catalog.dump(po, 79), encoding="utf-8")


def rich_project(root: Path) -> Path:
    """A project whose ko catalog has every kind of entry."""
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    translate(root)
    po = root / "locales" / "ko" / f"{POST}.po"
    review(po, REVIEWED, comment="reviewer: checked with Dr. Kim\n\ttab and trailing")
    source = root / "source" / f"{POST}.md"
    text = source.read_text(encoding="utf-8")
    text = text.replace("before your visit", "before your first visit")  # fuzzy + previous
    text = text.replace("A mini facelift lifts the SMAS layer itself.\n", "")  # obsolete
    source.write_text(text, encoding="utf-8")
    translate(root)
    return po


def meaning(po: polib.POFile) -> list[tuple[object, ...]]:
    """Everything a reviewer could have written, wrapping aside."""
    return [
        (
            e.msgid,
            e.msgstr,
            tuple(f for f in e.flags if f),
            e.tcomment,
            e.comment,
            tuple(e.occurrences),
            e.previous_msgid or "",
            e.obsolete,
        )
        for e in po
    ] + [tuple(po.metadata.items())]


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rich")
    rich_project(root)
    return root


@pytest.fixture
def root(rich: Path, tmp_path: Path) -> Path:
    shutil.copytree(rich, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_the_rich_catalog_has_every_kind_of_entry(rich: Path):
    po = catalog.load(rich / "locales" / "ko" / f"{POST}.po")
    assert any(not e.fuzzy and e.msgstr and not e.obsolete for e in po)
    assert any(e.fuzzy and e.previous_msgid for e in po)
    assert any(e.obsolete and e.msgstr for e in po)
    assert any("\n" in e.tcomment for e in po)


def run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


def _polib_save(width: int) -> Callable[[Path, Path], None]:
    def rewrite(path: Path, pot: Path) -> None:
        po = polib.pofile(str(path), wrapwidth=width)
        po.save(str(path))

    return rewrite


def _crlf(path: Path, pot: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


REWRITES: dict[str, Callable[[Path, Path], None]] = {
    "msgcat": lambda po, pot: run("msgcat", str(po), "-o", str(po)),
    "msgcat --width=40": lambda po, pot: run("msgcat", "--width=40", str(po), "-o", str(po)),
    "msgcat --width=120": lambda po, pot: run("msgcat", "--width=120", str(po), "-o", str(po)),
    "msgcat --no-wrap": lambda po, pot: run("msgcat", "--no-wrap", str(po), "-o", str(po)),
    "msgmerge --previous": lambda po, pot: run(
        "msgmerge", "-q", "--previous", str(po), str(pot), "-o", str(po)
    ),
    "msgmerge --width=60": lambda po, pot: run(
        "msgmerge", "-q", "--previous", "--width=60", str(po), str(pot), "-o", str(po)
    ),
    "polib at width 60 (an editor that wraps its own way)": _polib_save(60),
    "Windows line endings": _crlf,
}


@needs_gettext
@pytest.mark.parametrize("tool", REWRITES)
def test_rewritten_catalogs_lose_nothing_and_translate_restores_our_layout(root: Path, tool: str):
    po = root / "locales" / "ko" / f"{POST}.po"
    pot = root / "locales" / f"{POST}.pot"
    before = po.read_bytes()
    REWRITES[tool](po, pot)
    assert meaning(catalog.load(po)) == meaning(catalog.parse(before.decode(), po))
    translate(root)
    assert po.read_bytes() == before  # translations, flags and comments all survive


@needs_gettext
def test_msgmerge_without_previous_drops_only_the_previous_msgid(root: Path):
    """That is msgmerge's choice (`#|` needs --previous); the reviewer's work still survives."""
    po = root / "locales" / "ko" / f"{POST}.po"
    pot = root / "locales" / f"{POST}.pot"
    before = catalog.load(po)
    run("msgmerge", "-q", str(po), str(pot), "-o", str(po))
    translate(root)
    after = catalog.load(po)
    strip = [(*m[:6], m[7]) if len(m) == 8 else m for m in meaning(before)]
    assert [(*m[:6], m[7]) if len(m) == 8 else m for m in meaning(after)] == strip


@needs_gettext
@pytest.mark.parametrize("width", [79, 40, 0])
def test_our_layout_is_msgcats_for_the_configured_wrap_width(root: Path, width: int):
    translate(root, wrap_width=width)
    for path in sorted((root / "locales").rglob("*.po*")):
        option = "--no-wrap" if width == 0 else f"--width={width}"
        done = subprocess.run(["msgcat", option, str(path)], capture_output=True, check=True)
        assert done.stdout.decode() == path.read_text(encoding="utf-8"), path


@needs_gettext
def test_msgmerge_after_our_update_changes_no_byte(root: Path):
    """A team that also runs msgmerge gets no diff from it: we already wrote what it would."""
    po = root / "locales" / "ko" / f"{POST}.po"
    pot = root / "locales" / f"{POST}.pot"
    source = root / "source" / f"{POST}.md"
    text = source.read_text(encoding="utf-8").replace("2~3 days", "two or three days")
    source.write_text(text + "\nA new closing sentence.\n", encoding="utf-8")
    translate(root)
    ours = po.read_bytes()
    merged = root / "merged.po"
    run("msgmerge", "-q", "--previous", str(po), str(pot), "-o", str(merged))
    assert merged.read_bytes() == ours
