"""Catalog layer: template, merge, fill, stats, publish policy, PO text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipeline import catalog, locales, po_format, publish
from pipeline.config import load as load_config
from pipeline.document import (
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    Document,
    Element,
    Node,
    Segment,
    Text,
    Unit,
)
from pipeline.engines import MachineTranslation
from pipeline.engines.pseudo import pseudolocalize
from pipeline.errors import PostlingoError

MSGCAT = shutil.which("msgcat")
MSGFMT = shutil.which("msgfmt")


CODE = "code"
IMAGE = "alt attribute"


def block(kind: str, line: int, *sentences: str) -> Node:
    """A paragraph-like element holding one unit; code and images as the readers make them."""
    if kind == CODE:
        return Element("pre", children=(Text(" ".join(sentences)),), line=line)
    segments = tuple(Segment(s, line=line, kind=kind) for s in sentences)
    unit = Unit(kind=kind, text=" ".join(sentences), line=line, segments=segments)
    if kind == IMAGE:
        return Element("img", attrs=(("src", "a.png"), ("alt", unit)), line=line)
    return Element("p", children=(unit,), line=line)


def doc(*blocks: Node, lang: str = "en") -> Document:
    return Document(slug="post", path="source/post.md", lang=lang, body=blocks)


def catalog_of(*sentences: str) -> polib.POFile:
    blocks = [block(PARAGRAPH, 10 * (i + 1), s) for i, s in enumerate(sentences)]
    return catalog.template(doc(*blocks), "blog")


def entry(po: polib.POFile, msgid: str) -> polib.POEntry:
    found = [e for e in po if e.msgid == msgid]
    assert len(found) == 1, msgid
    return found[0]


def review(po: polib.POFile, msgid: str, msgstr: str) -> None:
    e = entry(po, msgid)
    e.msgstr = msgstr
    if "fuzzy" in e.flags:
        e.flags.remove("fuzzy")


# --- template ------------------------------------------------------------------


def test_template_one_entry_per_distinct_sentence_in_reading_order() -> None:
    pot = catalog.template(
        doc(
            block(HEADING, 1, "Mini thread lift"),
            block(PARAGRAPH, 3, "It is quick.", "Mini thread lift"),
            block(CODE, 5, "print('no')"),
            block(LIST_ITEM, 7, "It is quick."),
            block(IMAGE, 9, "A face"),
        ),
        "blog",
    )
    assert [e.msgid for e in pot] == ["Mini thread lift", "It is quick.", "A face"]
    first = entry(pot, "Mini thread lift")
    assert first.occurrences == [("source/post.md", "1"), ("source/post.md", "3")]
    assert first.comment == "heading, paragraph"
    assert entry(pot, "It is quick.").comment == "paragraph, list item"
    assert entry(pot, "A face").comment == "alt attribute"
    assert all(not e.msgstr and not e.flags for e in pot)


def test_template_header_is_fixed_and_dateless() -> None:
    pot = catalog_of("Hello.")
    assert pot.metadata["Project-Id-Version"] == "blog"
    assert pot.metadata["Language"] == ""
    assert pot.metadata["X-Source-Language"] == "en"
    assert pot.metadata["X-Generator"] == "postlingo"
    assert pot.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert "POT-Creation-Date" not in pot.metadata
    assert not pot.metadata_is_fuzzy
    assert catalog.dump(pot, 79) == catalog.dump(catalog_of("Hello."), 79)


# --- merge ---------------------------------------------------------------------


def test_merge_new_catalog_gets_locale_headers() -> None:
    po = catalog.merge(catalog_of("Hello."), None, "pt-BR")
    assert po.metadata["Language"] == "pt_BR"
    assert po.metadata["Plural-Forms"] == locales.plural_forms("pt-BR")
    assert [e.msgid for e in po] == ["Hello."]


def test_merge_keeps_reviewer_headers_and_work_byte_for_byte() -> None:
    po = catalog.merge(catalog_of("Hello.", "Bye."), None, "ko")
    po.metadata["Last-Translator"] = "Mina <mina@example.com>"
    po.metadata["PO-Revision-Date"] = "2024-05-01 10:00+0900"
    po.metadata["X-Custom"] = "kept"
    review(po, "Hello.", "안녕하세요.")
    entry(po, "Hello.").tcomment = "checked with the clinic"
    entry(po, "Hello.").flags.append("python-brace-format")
    again = catalog.merge(catalog.template(doc(block(PARAGRAPH, 99, "Hello.")), "blog2"), po, "ko")
    hello = entry(again, "Hello.")
    assert (hello.msgstr, hello.tcomment) == ("안녕하세요.", "checked with the clinic")
    assert hello.flags == ["python-brace-format"]
    assert hello.occurrences == [("source/post.md", "99")]
    assert again.metadata["Last-Translator"] == "Mina <mina@example.com>"
    assert again.metadata["PO-Revision-Date"] == "2024-05-01 10:00+0900"
    assert again.metadata["X-Custom"] == "kept"
    assert again.metadata["Project-Id-Version"] == "blog2"


def test_removed_sentence_becomes_obsolete_and_comes_back_with_its_state() -> None:
    po = catalog.merge(catalog_of("One.", "Two."), None, "ko")
    review(po, "One.", "하나.")
    catalog.fill(po, {"Two.": MachineTranslation("둘.", "pseudo")})
    gone = catalog.merge(catalog_of("Something else entirely"), po, "ko")
    obsolete = {e.msgid: e for e in gone if e.obsolete}
    assert obsolete["One."].msgstr == "하나." and "fuzzy" not in obsolete["One."].flags
    assert obsolete["Two."].msgstr == "둘." and "fuzzy" in obsolete["Two."].flags
    back = catalog.merge(catalog_of("Two.", "One."), gone, "ko")
    assert [(e.msgid, e.msgstr, e.fuzzy, e.obsolete) for e in back] == [
        ("Two.", "둘.", True, False),
        ("One.", "하나.", False, False),
    ]


def test_changed_sentence_keeps_old_translation_as_fuzzy_with_previous_msgid() -> None:
    po = catalog.merge(catalog_of("The clinic opens at nine.", "Call us."), None, "ko")
    review(po, "The clinic opens at nine.", "병원은 9시에 엽니다.")
    review(po, "Call us.", "전화 주세요.")
    changed = catalog_of("The clinic opens at ten.", "Call us.")
    new = catalog.merge(changed, po, "ko")
    e = entry(new, "The clinic opens at ten.")
    assert e.msgstr == "병원은 9시에 엽니다."
    assert e.fuzzy and e.previous_msgid == "The clinic opens at nine."
    # unlike msgmerge, the reviewed original also stays obsolete, intact, in case it returns
    kept = [x for x in new if x.obsolete]
    assert [(x.msgid, x.msgstr, x.fuzzy) for x in kept] == [
        ("The clinic opens at nine.", "병원은 9시에 엽니다.", False)
    ]
    assert catalog.needs_machine(new) == []


def test_fuzzy_match_prefers_same_place_and_uses_each_old_entry_once() -> None:
    po = catalog.merge(catalog_of("Alpha point one.", "Middle.", "Alpha point two."), None, "ko")
    review(po, "Alpha point one.", "A1")
    review(po, "Middle.", "M")
    review(po, "Alpha point two.", "A2")
    new = catalog.merge(catalog_of("Middle.", "Alpha point twos.", "Alpha point ones."), po, "ko")
    # "Alpha point twos." sits where "Alpha point two." was (after "Middle.").
    assert entry(new, "Alpha point twos.").msgstr == "A2"
    assert entry(new, "Alpha point ones.").msgstr == "A1"
    assert sum(1 for e in new if e.msgstr in ("A1", "A2") and not e.obsolete) == 2


def test_dissimilar_or_surviving_sentences_are_not_fuzzy_matched() -> None:
    po = catalog.merge(catalog_of("Book a consultation today.", "Prices vary."), None, "ko")
    review(po, "Book a consultation today.", "오늘 상담을 예약하세요.")
    review(po, "Prices vary.", "가격은 다릅니다.")
    new = catalog.merge(
        catalog_of("Book a consultation today.", "Prices vary!", "Recovery takes a week."), po, "ko"
    )
    assert entry(new, "Recovery takes a week.").msgstr == ""
    # "Prices vary." is gone, so it may stand for "Prices vary!"; the surviving one may not.
    assert entry(new, "Prices vary!").previous_msgid == "Prices vary."
    assert entry(new, "Book a consultation today.").msgstr == "오늘 상담을 예약하세요."


def test_reviewed_translation_is_never_overwritten_by_fill() -> None:
    po = catalog.merge(catalog_of("Hi.", "Yes."), None, "ko")
    review(po, "Hi.", "안녕.")
    count = catalog.fill(
        po, {"Hi.": MachineTranslation("X", "argos"), "Yes.": MachineTranslation("네.", "argos")}
    )
    assert count == 1
    assert entry(po, "Hi.").msgstr == "안녕." and not entry(po, "Hi.").fuzzy


# --- fill ------------------------------------------------------------------------


def test_fill_marks_fuzzy_and_rewrites_only_its_own_comment_lines() -> None:
    po = catalog.merge(catalog_of("Hi.", "Bye."), None, "ko")
    assert catalog.needs_machine(po) == ["Hi.", "Bye."]
    hi = entry(po, "Hi.")
    hi.tcomment = "machine: old-engine 0.1\nreviewer: ask Jin\nmachine-note: stale"
    mt = MachineTranslation("안녕.", "argos translate-en_ko 1.9", ("MT lost tag <2/>", "short"))
    assert catalog.fill(po, {"Hi.": mt}) == 1
    assert hi.msgstr == "안녕." and hi.fuzzy
    assert hi.tcomment.split("\n") == [
        "reviewer: ask Jin",
        "machine: argos translate-en_ko 1.9",
        "machine-note: MT lost tag <2/>",
        "machine-note: short",
    ]
    assert catalog.needs_machine(po) == ["Bye."]
    assert catalog.fill_from_memory(po, {"Bye.": ("잘 가.", "locales/ko/other.po")}) == 1
    bye = entry(po, "Bye.")
    assert bye.fuzzy and bye.tcomment == "memory: locales/ko/other.po"
    assert catalog.fill_from_memory(po, {"Bye.": ("다른", "x")}) == 0


def test_fill_keeps_the_blank_lines_of_a_reviewers_comment() -> None:
    po = catalog.merge(catalog_of("Hi."), None, "ko")
    hi = entry(po, "Hi.")
    hi.tcomment = "Ask Jin first.\n\nShe knows the clinic's tone.\nmachine: old 0.1"
    assert catalog.fill(po, {"Hi.": MachineTranslation("안녕.", "argos")}) == 1
    assert hi.tcomment == "Ask Jin first.\n\nShe knows the clinic's tone.\nmachine: argos"
    assert catalog.clear_pseudo(po) == 0 and catalog.fill(po, {}) == 0
    text = catalog.dump(po, 79)
    assert "# Ask Jin first.\n#\n# She knows" in text
    assert catalog.parse(text, Path("p.po"))[0].tcomment == hi.tcomment


# --- stats and publishing -------------------------------------------------------


def test_stats_never_count_fuzzy_as_translated() -> None:
    po = catalog.merge(
        catalog_of("미니 실 리프팅은 <1>빠릅니다</1>.", "It's well-known, 100% safe.", "Third."),
        None,
        "en",
    )
    review(po, "Third.", "셋.")
    catalog.fill(po, {"It's well-known, 100% safe.": MachineTranslation("x", "argos")})
    s = catalog.stats(po)
    assert (s.entries, s.reviewed, s.machine, s.untranslated) == (3, 1, 1, 1)
    assert s.words == 4 + 5 + 1  # eojeol; It's / well / known / 100 / safe; Third
    assert s.percent_reviewed == pytest.approx(33.3)
    assert catalog.stats(polib.POFile()).percent_reviewed == 100.0


def test_publish_policy() -> None:
    po = catalog.merge(
        catalog_of("A <1>b</1>.", "Reviewed.", "Machine.", "Pseudo.", "Empty."), None, "ko"
    )
    review(po, "A <1>b</1>.", "가 나.")  # reviewed, but the tag is lost
    review(po, "Reviewed.", "검토됨.")
    catalog.fill(po, {"Machine.": MachineTranslation("기계.", "argos")})
    catalog.fill(po, {"Pseudo.": MachineTranslation(pseudolocalize("Pseudo."), "pseudo")})
    assert catalog.publishable(po, machine=False, pseudo=False) == {"Reviewed.": "검토됨."}
    assert catalog.publishable(po, machine=True, pseudo=False) == {
        "Reviewed.": "검토됨.",
        "Machine.": "기계.",
    }
    assert set(catalog.publishable(po, machine=True, pseudo=True)) == {
        "Reviewed.",
        "Machine.",
        "Pseudo.",
    }
    assert catalog.percent_publishable(po, machine=False, pseudo=False) == 20.0


# --- PO text ---------------------------------------------------------------------


def test_parse_error_names_file_and_line(tmp_path: Path) -> None:
    bad = 'msgid "a"\nmsgstr "b"\n\nmsgid "x" y"\nmsgstr ""\n'
    with pytest.raises(PostlingoError) as err:
        catalog.parse(bad, Path("locales/ko/post.po"))
    assert err.value.path == "locales/ko/post.po" and err.value.line == 4
    assert 'keyword "y" unknown' in err.value.message  # msgfmt's first error there
    with pytest.raises(PostlingoError) as err:
        catalog.parse('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', Path("p.po"))
    assert err.value.line == 4 and "duplicate" in err.value.message
    # Two files run together: the second header would otherwise become an entry.
    twice = 'msgid ""\nmsgstr "Language: ko\\n"\n\nmsgid ""\nmsgstr "Language: ja\\n"\n'
    with pytest.raises(PostlingoError) as err:
        catalog.parse(twice, Path("p.po"))
    assert err.value.path == "p.po" and "more than one header" in err.value.message
    path = tmp_path / "latin1.po"
    path.write_bytes(b'msgid "caf\xe9"\nmsgstr ""\n')
    with pytest.raises(PostlingoError) as err:
        catalog.load(path)
    assert err.value.line == 1


def test_load_reads_what_dump_wrote(tmp_path: Path) -> None:
    po = catalog.merge(catalog_of('Hello, "world".', "둘\u2028셋"), None, "ko")
    review(po, 'Hello, "world".', '안녕, "세계".')
    path = tmp_path / "ko.po"
    path.write_text(catalog.dump(po, 79), encoding="utf-8")
    loaded = catalog.load(path)
    assert [(e.msgid, e.msgstr) for e in loaded] == [(e.msgid, e.msgstr) for e in po]
    assert catalog.dump(loaded, 79) == catalog.dump(po, 79)


def test_zero_width_means_no_wrapping() -> None:
    long = "word " * 40 + "end."
    text = catalog.dump(catalog_of(long), 0)
    assert f'msgid "{long}"' in text
    assert f'msgid "{long}"' not in catalog.dump(catalog_of(long), 79)


# Text that reaches catalogs: sentences with tags, quotes, escapes, Korean, long runs.
_ALPHABET = st.sampled_from(
    [
        *"abcdefgh xyz ABC 0123 .,;:!?'\"()[]<>/\\-%$#&*_",
        *"\n\t\r",
        *"한국어문장입니다가각 미니리프팅",
        *"“”‘’—–…·«»€₩°、。「」⟦⟧é\u00a0\u2028",
        *["<1>", "</1>", "<2/>", "https://example.com/a_b?c=d", "x" * 90, "가" * 50, " " * 3],
    ]
)
_TEXT = st.lists(_ALPHABET, max_size=40).map("".join)
_MSGID = _TEXT.filter(lambda s: s != "")


def _same_newlines(msgid: str, msgstr: str) -> str:
    """msgfmt --check rejects a msgstr whose leading/trailing newline differs from msgid's."""
    if not msgstr.strip("\n"):
        return ""
    head = "\n" if msgid.startswith("\n") else ""
    tail = "\n" if msgid.endswith("\n") else ""
    return head + msgstr.strip("\n") + tail


@st.composite
def catalogs(draw: st.DrawFn) -> polib.POFile:
    msgids = draw(st.lists(_MSGID, min_size=1, max_size=8, unique=True))
    po = catalog.merge(catalog_of(*msgids), None, draw(st.sampled_from(["ko", "en", "ja"])))
    for e in po:
        e.msgstr = _same_newlines(e.msgid, draw(_TEXT))
        if e.msgstr and draw(st.booleans()):
            e.flags.append("fuzzy")
            e.previous_msgid = draw(st.none() | _MSGID)
        e.tcomment = draw(st.sampled_from(["", "machine: argos 1.0", "note\nmachine-note: x"]))
    return po


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(po=catalogs(), width=st.sampled_from([79, 40, 0, 120]))
def test_dump_is_stable_through_parse(po: polib.POFile, width: int) -> None:
    text = catalog.dump(po, width)
    again = catalog.parse(text, Path("x.po"))
    assert [(e.msgid, e.msgstr) for e in again] == [(e.msgid, e.msgstr) for e in po]
    assert catalog.dump(again, width) == text


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=False)


@pytest.mark.skipif(MSGCAT is None or MSGFMT is None, reason="GNU gettext tools not installed")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pos=st.lists(catalogs(), min_size=1, max_size=4), width=st.sampled_from([79, 50]))
def test_dump_matches_msgcat_and_passes_msgfmt(
    pos: list[polib.POFile], width: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    big = pos[0]
    for other in pos[1:]:
        big.extend(e for e in other if big.find(e.msgid) is None)
    assume(len(big) > 0)  # msgcat prints nothing at all for a header-only file
    folder = tmp_path_factory.mktemp("po")
    path = folder / "c.po"
    text = catalog.dump(big, width)
    path.write_text(text, encoding="utf-8")
    assert _run(MSGCAT, f"--width={width}", str(path)).stdout == text
    assert _run(MSGFMT, "--check", "-o", "/dev/null", str(path)).returncode == 0


@pytest.mark.skipif(MSGCAT is None, reason="GNU gettext tools not installed")
def test_no_wrap_matches_msgcat(tmp_path: Path) -> None:
    po = catalog_of("word " * 40 + "end.", "line\nbreak", "짧은 문장.")
    path = tmp_path / "c.pot"
    text = catalog.dump(po, 0)
    path.write_text(text, encoding="utf-8")
    assert _run(MSGCAT, "--no-wrap", str(path)).stdout == text


@pytest.mark.skipif(MSGFMT is None, reason="GNU gettext tools not installed")
def test_percent_signs_pass_msgfmt_check(tmp_path: Path) -> None:
    pot = catalog_of("100% of 50%s and %d%% %(name)s {x}.")
    po = catalog.merge(pot, None, "ko")
    catalog.fill(po, {e.msgid: MachineTranslation("100% 그리고 %s", "argos") for e in po})
    for name, obj in (("c.pot", pot), ("c.po", po)):
        (tmp_path / name).write_text(catalog.dump(obj, 79), encoding="utf-8")
        result = _run(MSGFMT, "--check", "-o", "/dev/null", str(tmp_path / name))
        assert result.returncode == 0, result.stderr


# The writer skips the break search for a string that fits its line; whether it fits is
# judged by display columns, so wide Korean text and zero-width marks are counted as msgcat does.
@pytest.mark.skipif(MSGCAT is None, reason="GNU gettext tools not installed")
@pytest.mark.parametrize("width", [79, 40])
def test_strings_at_the_edge_of_the_line_wrap_as_msgcat_does(tmp_path: Path, width: int) -> None:
    msgids = []
    for room in range(width - 12, width + 4):
        msgids.append("a" * room)  # ASCII: one column each
        msgids.append("가" * (room // 2) + "a" * (room % 2))  # wide: two columns each
        msgids.append("é\u0301" * room)  # a combining mark: no column at all
        msgids.append(" ".join(["word"] * (room // 5)))
    path = tmp_path / "edge.pot"
    text = catalog.dump(catalog_of(*msgids), width)
    path.write_text(text, encoding="utf-8")
    assert _run(MSGCAT, f"--width={width}", str(path)).stdout == text


# The break search skips a run of letters whole; these alphabets (pseudo-localized Latin,
# Greek, Cyrillic, Arabic with its marks) are laid out as msgcat lays them out.
_ALPHABETS = st.sampled_from(
    [
        *"åƀçđéƒĝĥíĵķļḿñöþǫŕšţüṽŵẋýžÅƁǪḾ·ß",
        *"αβγδ ΩΣ άέ;",
        *"абвгд ЖЩЮЯ ёй",
        *"مرحبا بالعالم ًٌٍَُِّ ،؟",
        *"́̈ ̃",
        *' .,;:!?-—()[]«»"0123/%',
        *["⟦", "⟧", " · · ·", "<1>", "</1>", "ṽ" * 40],
    ]
)


@pytest.mark.skipif(MSGCAT is None, reason="GNU gettext tools not installed")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    msgids=st.lists(st.lists(_ALPHABETS, min_size=1, max_size=60).map("".join), min_size=1,
                    max_size=6, unique=True),
    width=st.sampled_from([79, 30]),
)  # fmt: skip
def test_letters_of_other_alphabets_wrap_as_msgcat_does(
    msgids: list[str], width: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    pot = catalog_of(*msgids)
    assume(len(pot) > 0)  # msgcat prints nothing at all for a header-only file
    path = tmp_path_factory.mktemp("po") / "a.pot"
    text = catalog.dump(pot, width)
    path.write_text(text, encoding="utf-8")
    assert _run(MSGCAT, f"--width={width}", str(path)).stdout == text


@pytest.mark.skipif(MSGCAT is None, reason="GNU gettext tools not installed")
def test_every_letter_the_break_search_skips_wraps_as_msgcat_does(tmp_path: Path) -> None:
    words = ["ab{c}cd", "{c}-{c}", "({c})", "{c}{c}{c}", "{c}.{c}", "«{c}»", "{c}—{c}", "7{c}"]
    msgids = [  # shifted by a few columns each, so every kind of break falls at a line's end
        "x" * (i % 11) + " ".join(w.format(c=c) for w in words * 3)
        for i, c in enumerate(po_format.LETTERS)
    ]
    path = tmp_path / "letters.pot"
    text = catalog.dump(catalog_of(*msgids), 30)
    path.write_text(text, encoding="utf-8")
    assert _run(MSGCAT, "--width=30", str(path)).stdout == text


def test_a_catalog_is_judged_for_publishing_in_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "postlingo.toml").write_text('targets = ["ko"]\n', encoding="utf-8")
    config = load_config(tmp_path)
    po = catalog.merge(catalog_of("Reviewed.", "Machine.", "Empty.", "More.", "Last."), None, "ko")
    review(po, "Reviewed.", "검토됨.")
    catalog.fill(po, {"Machine.": MachineTranslation("기계.", "argos")})
    passes = []
    one_pass = catalog.publishable

    def counted(po: polib.POFile, *, machine: bool, pseudo: bool) -> dict[str, str]:
        passes.append(machine)
        return one_pass(po, machine=machine, pseudo=pseudo)

    monkeypatch.setattr(catalog, "publishable", counted)
    _, decision = publish.decide(doc(), "ko", po, config, pseudo=False)
    assert len(passes) == 1
    assert decision.percent == 20.0  # the reviewed one; machine output is not published
