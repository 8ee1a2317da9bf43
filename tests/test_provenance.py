"""Provenance that stays true and no stale reuse (issue 9, items 3 and 4).

- a cleared entry's `# machine:` comment becomes `# reviewed; was: ...`;
- the headers editors own, and reviewers' comments, survive `translate`: a
  Poedit save round-trips with no diff;
- only a reviewed translation is lent to a changed sentence; machine output of
  a changed sentence is translated again; `[merge] fuzzy_cutoff` decides how alike;
- `translate --refresh` retranslates unreviewed machine output, never reviewed text.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import polib
import pytest

from pipeline import catalog, config
from pipeline.errors import PostlingoError
from pipeline.scaffold import CONFIG_TEMPLATE
from tests.test_unreadable_catalog import postlingo

REPO = Path(__file__).resolve().parent.parent
ORIGIN = "argos en→ko translate-en_ko 1.1"


def test_a_cleared_machine_comment_says_reviewed_and_keeps_the_reviewers_lines():
    comment = f"원장님 확인 필요\nmachine: {ORIGIN}\nmachine-note: lost tag <1>"
    assert catalog.reviewed_comment(comment) == f"원장님 확인 필요\nreviewed; was: {ORIGIN}"
    assert catalog.reviewed_comment(catalog.reviewed_comment(comment)) == (
        f"원장님 확인 필요\nreviewed; was: {ORIGIN}"
    )  # settled once, then stable
    assert catalog.reviewed_comment("memory: locales/ko/a.po") == (
        "reviewed; was: memory: locales/ko/a.po"
    )
    assert catalog.reviewed_comment("just a reviewer's note") == "just a reviewer's note"


def _pot(*msgids: str) -> polib.POFile:
    pot = polib.POFile()
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8", "X-Generator": "postlingo"}
    for msgid in msgids:
        pot.append(polib.POEntry(msgid=msgid))
    return pot


def _entry(msgid: str, msgstr: str, fuzzy: bool, tcomment: str) -> polib.POEntry:
    return polib.POEntry(
        msgid=msgid, msgstr=msgstr, flags=["fuzzy"] if fuzzy else [], tcomment=tcomment
    )


REVIEWED = "Most swelling settles within two weeks."
MACHINE = "Sleep with your head raised for the first 3 nights."


def _old() -> polib.POFile:
    old = polib.POFile()
    old.metadata = {"X-Generator": "Poedit 3.4.2", "Last-Translator": "Kim <kim@example.com>"}
    old.append(
        _entry(REVIEWED, "붓기는 대부분 2주 안에 가라앉습니다.", False, f"machine: {ORIGIN}")
    )
    old.append(_entry(MACHINE, "처음 3일 밤은 머리를 높이고 주무세요.", True, f"machine: {ORIGIN}"))
    return old


def test_merge_marks_a_cleared_entry_reviewed_and_keeps_the_editors_headers():
    po = catalog.merge(_pot(REVIEWED, MACHINE), _old(), "ko")
    reviewed, machine = po[0], po[1]
    assert reviewed.tcomment == f"reviewed; was: {ORIGIN}" and not reviewed.fuzzy
    assert machine.tcomment == f"machine: {ORIGIN}" and machine.fuzzy
    assert po.metadata["X-Generator"] == "Poedit 3.4.2"
    assert po.metadata["Last-Translator"] == "Kim <kim@example.com>"
    assert catalog.stats(po).reviewed == 1 and catalog.stats(po).machine == 1


def test_only_a_reviewed_translation_is_lent_to_a_changed_sentence():
    changed_reviewed = "Most swelling settles within three weeks."
    changed_machine = "Sleep with your head raised for the first 5 nights."
    po = catalog.merge(_pot(changed_reviewed, changed_machine), _old(), "ko")
    lent = next(e for e in po if e.msgid == changed_reviewed)
    assert lent.fuzzy and lent.previous_msgid == REVIEWED
    assert lent.msgstr == "붓기는 대부분 2주 안에 가라앉습니다."
    fresh = next(e for e in po if e.msgid == changed_machine)
    assert (fresh.msgstr, fresh.previous_msgid) == ("", None)  # translated again
    assert fresh.msgid in catalog.needs_machine(po)
    gone = {e.msgid: e.msgstr for e in po if e.obsolete}  # both old ones kept as #~
    assert gone[REVIEWED] == "붓기는 대부분 2주 안에 가라앉습니다." and MACHINE in gone


def test_the_cutoff_decides_how_alike_a_changed_sentence_must_be():
    edited = "Most swelling settles within about two weeks."  # ratio ≈ 0.93
    assert catalog.merge(_pot(edited), _old(), "ko")[0].previous_msgid == REVIEWED
    strict = catalog.merge(_pot(edited), _old(), "ko", cutoff=0.97)
    assert strict[0].msgstr == "" and strict[0].previous_msgid is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[merge]\nfuzzy_cutoff = 0.0\n", "merge.fuzzy_cutoff must be above 0 and at most 1"),
        ("[merge]\nfuzzy_cutoff = 1.5\n", "merge.fuzzy_cutoff must be above 0 and at most 1"),
        ('[merge]\nfuzzy_cutoff = "high"\n', "merge.fuzzy_cutoff must be float, not str"),
        ("[merge]\ncutoff = 0.7\n", "unknown key merge.cutoff (did you mean 'fuzzy_cutoff'?)"),
    ],
)
def test_fuzzy_cutoff_is_validated(tmp_path: Path, text: str, message: str):
    (tmp_path / "postlingo.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PostlingoError) as info:
        config.load(tmp_path)
    assert info.value.message == message and info.value.line == 2


def test_fuzzy_cutoff_is_read_and_documented(tmp_path: Path):
    (tmp_path / "postlingo.toml").write_text("[merge]\nfuzzy_cutoff = 0.8\n", encoding="utf-8")
    assert config.load(tmp_path).merge.fuzzy_cutoff == 0.8
    assert "# fuzzy_cutoff = 0.6" in CONFIG_TEMPLATE
    assert "fuzzy_cutoff" in (REPO / "README.md").read_text(encoding="utf-8")


# --- end to end ------------------------------------------------------------------------

POST = """---
title: Recovery notes
lang: en
---

Most swelling settles within two weeks.

Sleep with your head raised for the first 3 nights.

Stitches come out after 7 days.
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "recovery.md").write_text(POST, encoding="utf-8")
    (tmp_path / "postlingo.toml").write_text('targets = ["ko"]\nengine = "pseudo"\n')
    assert postlingo(tmp_path, "translate").returncode == 0
    return tmp_path


def poedit_save(path: Path, *, settled: bool) -> None:
    """What Poedit 3.4 leaves after a reviewer corrects one entry and adds a note."""
    po = catalog.load(path)
    po.metadata["PO-Revision-Date"] = "2026-12-01 10:30+0900"
    po.metadata["Last-Translator"] = "Kim Jiyoung <kim@clinic.example>"
    po.metadata["Language-Team"] = "Korean <ko@clinic.example>"
    po.metadata["X-Generator"] = "Poedit 3.4.2"
    po.metadata["X-Poedit-SourceCharset"] = "UTF-8"
    entry = next(e for e in po if e.msgid == REVIEWED)
    entry.msgstr = "붓기는 대부분 2주 안에 가라앉습니다."
    entry.flags.remove("fuzzy")
    note = "원장님 확인: 2주가 맞음"
    entry.tcomment = (
        note + "\n" + (catalog.reviewed_comment(entry.tcomment) if settled else entry.tcomment)
    )
    path.write_text(catalog.dump(po, 79), encoding="utf-8")


def test_a_poedit_save_round_trips_through_translate_with_no_diff(root: Path):
    path = root / "locales" / "ko" / "recovery.po"
    poedit_save(path, settled=True)
    saved = path.read_bytes()
    done = postlingo(root, "translate")
    assert done.returncode == 0, done.stderr
    assert "0 catalog files changed" in done.stdout
    assert path.read_bytes() == saved


def test_the_next_write_turns_a_cleared_machine_comment_into_reviewed(root: Path):
    path = root / "locales" / "ko" / "recovery.po"
    poedit_save(path, settled=False)
    before = path.read_text(encoding="utf-8").split("\n")
    status = postlingo(root, "status", "--json")
    assert '"reviewed": 1' in status.stdout  # counted as reviewed before any write
    assert postlingo(root, "translate").returncode == 0
    after = path.read_text(encoding="utf-8").split("\n")
    diff = [d for d in difflib.unified_diff(before, after, lineterm="", n=0) if d[:1] in "+-"]
    assert diff[2:] == ["-# machine: pseudo", "+# reviewed; was: pseudo"], diff
    assert "# 원장님 확인: 2주가 맞음" in after
    assert "X-Generator: Poedit 3.4.2\\n" in "".join(after)


def test_a_changed_sentence_gets_a_fresh_machine_translation_not_the_old_one(root: Path):
    source = root / "source" / "recovery.md"
    path = root / "locales" / "ko" / "recovery.po"
    source.write_text(POST.replace("first 3 nights", "first 5 nights"), encoding="utf-8")
    assert postlingo(root, "translate").returncode == 0
    po = catalog.load(path)
    new = next(e for e in po if e.msgid == MACHINE.replace("3", "5"))
    assert new.fuzzy and new.previous_msgid is None and "5" in new.msgstr
    assert catalog.tool_notes(new, "machine:") == ["pseudo"]


def test_refresh_retranslates_unreviewed_machine_output_and_never_reviewed_text(root: Path):
    path = root / "locales" / "ko" / "recovery.po"
    poedit_save(path, settled=True)
    po = catalog.load(path)
    stale = next(e for e in po if e.msgid == MACHINE)
    stale.msgstr = "오래된 기계 번역"  # what an older model said
    path.write_text(catalog.dump(po, 79), encoding="utf-8")
    kept = postlingo(root, "translate")
    assert kept.returncode == 0 and "0 catalog files changed" in kept.stdout
    done = postlingo(root, "translate", "--refresh")
    assert done.returncode == 0, done.stderr
    assert "3 unreviewed machine translations made again" in done.stdout
    after = {e.msgid: e for e in catalog.load(path)}
    assert after[MACHINE].msgstr != "오래된 기계 번역" and after[MACHINE].fuzzy
    reviewed = after[REVIEWED]
    assert reviewed.msgstr == "붓기는 대부분 2주 안에 가라앉습니다." and not reviewed.fuzzy
    assert reviewed.tcomment == "원장님 확인: 2주가 맞음\nreviewed; was: pseudo"
