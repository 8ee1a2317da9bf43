"""Merge invariants over random histories of edits to a post and to its catalog.

Each history interleaves changes to the post (sentences changed, inserted,
deleted, moved), reviewer edits (set msgstr, clear fuzzy) and update runs
(merge, machine fill, write to disk, read back). A reviewer's work must
never be lost and the file must be stable through a write and a read.
"""

from __future__ import annotations

from pathlib import Path

import polib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import catalog
from pipeline.document import PARAGRAPH, Document, Element, Segment, Unit
from pipeline.engines import MachineTranslation

WORDS = [
    "the",
    "clinic",
    "thread",
    "lift",
    "미니",
    "리프팅",
    "face",
    "quick",
    "<1>safe</1>",
    '"so"',
]
SENTENCE = st.lists(st.sampled_from(WORDS), min_size=2, max_size=7).map(" ".join)


def template_of(sentences: list[str]) -> polib.POFile:
    body = tuple(
        Element("p", children=(Unit(PARAGRAPH, s, i + 1, segments=(Segment(s, line=i + 1),)),))
        for i, s in enumerate(sentences)
    )
    return catalog.template(Document("p", "source/p.md", "en", body), "blog")


def live(po: polib.POFile) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in po if not e.obsolete}


def obsolete(po: polib.POFile) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in po if e.obsolete}


def change_post(data: st.DataObject, sentences: list[str]) -> None:
    action = data.draw(st.sampled_from(["change", "insert", "delete", "move"]))
    if action == "insert" or not sentences:
        sentences.insert(data.draw(st.integers(0, len(sentences))), data.draw(SENTENCE))
        return
    i = data.draw(st.integers(0, len(sentences) - 1))
    if action == "change":
        words = sentences[i].split(" ")
        words[data.draw(st.integers(0, len(words) - 1))] = data.draw(st.sampled_from(WORDS))
        if data.draw(st.booleans()):
            words.append(data.draw(st.sampled_from(WORDS)))
        sentences[i] = " ".join(words)
    elif action == "delete":
        del sentences[i]
    else:
        sentences.insert(data.draw(st.integers(0, len(sentences) - 1)), sentences.pop(i))


def check_update(before: polib.POFile, after: polib.POFile, wanted: set[str]) -> None:
    """The invariants of one merge."""
    now, gone = live(after), obsolete(after)
    assert set(now) == wanted
    for msgid, old in live(before).items():
        reviewed = bool(old.msgstr) and "fuzzy" not in old.flags
        if msgid in wanted:
            if reviewed:  # byte-identical, still reviewed
                assert now[msgid].msgstr == old.msgstr and "fuzzy" not in now[msgid].flags
        elif reviewed:  # changed or removed: survives as fuzzy with #| msgid, or obsolete
            carried = [e for e in now.values() if e.fuzzy and e.previous_msgid == msgid]
            assert any(e.msgstr == old.msgstr for e in carried) or (
                msgid in gone and gone[msgid].msgstr == old.msgstr
            ), msgid
    for msgid, old in obsolete(before).items():
        if msgid in wanted:  # comes back with its translation and its fuzzy state
            assert now[msgid].msgstr == old.msgstr
            assert now[msgid].fuzzy == old.fuzzy
        else:
            kept = msgid in gone and gone[msgid].msgstr == old.msgstr
            reused = any(e.fuzzy and e.msgstr == old.msgstr for e in now.values())
            assert kept or reused, msgid
    for msgid, e in now.items():
        if e.fuzzy and e.previous_msgid and msgid not in live(before):
            assert e.previous_msgid != msgid


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), start=st.lists(SENTENCE, min_size=1, max_size=6))
def test_reviewer_work_survives_any_history(data: st.DataObject, start: list[str]) -> None:
    sentences = list(start)
    po = catalog.merge(template_of(sentences), None, "ko")
    edits = 0
    for _ in range(data.draw(st.integers(1, 12))):
        step = data.draw(st.sampled_from(["post", "review", "update"]))
        if step == "post":
            change_post(data, sentences)
        elif step == "review" and live(po):
            entry = live(po)[data.draw(st.sampled_from(sorted(live(po))))]
            edits += 1
            entry.msgstr = f"검토 {edits}"
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        else:
            before = po
            pot = template_of(sentences)
            po = catalog.merge(pot, before, "ko")
            check_update(before, po, {e.msgid for e in pot})
            reviewed = {m: e.msgstr for m, e in live(po).items() if e.msgstr and not e.fuzzy}
            todo = catalog.needs_machine(po)
            assert catalog.fill(po, {m: MachineTranslation(f"기계 {m}", "t") for m in todo}) == len(
                todo
            )
            assert {m: live(po)[m].msgstr for m in reviewed} == reviewed
            assert all(live(po)[m].fuzzy for m in todo)
            text = catalog.dump(po, 79)
            po = catalog.parse(text, Path("locales/ko/p.po"))
            assert catalog.dump(po, 79) == text
