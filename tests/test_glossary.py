from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.errors import PostlingoError
from pipeline.glossary import Glossary, load, parse

SAMPLE = """source,locale,target
# brand and anatomy names stay as they are
SMAS,*,
mini facelift,ko,미니 안면거상
facelift,ko,안면거상
"""


def test_rows_header_and_comments():
    glossary = parse(SAMPLE, "glossary.csv")
    assert [(t.source, t.locale, t.target) for t in glossary.terms] == [
        ("SMAS", "*", ""),
        ("mini facelift", "ko", "미니 안면거상"),
        ("facelift", "ko", "안면거상"),
    ]
    assert glossary.terms[0].keep and not glossary.terms[1].keep


def test_longest_term_first_and_wildcard_locale():
    glossary = parse(SAMPLE)
    assert [t.source for t in glossary.for_locale("ko")] == ["mini facelift", "facelift", "SMAS"]
    assert [t.source for t in glossary.for_locale("ja")] == ["SMAS"]


def test_locale_row_overrides_wildcard():
    glossary = parse("SMAS,*,\nSMAS,ja,スマス\n")
    assert glossary.for_locale("ja")[0].target == "スマス"
    assert glossary.for_locale("ko")[0].target == ""


def test_matches_whole_words_case_insensitively():
    glossary = parse(SAMPLE)
    found = glossary.matches("A Mini facelift or a facelift; SMASH is not SMAS.", "ko")
    assert [(m.term.source, m.start) for m in found] == [
        ("mini facelift", 2),
        ("facelift", 21),
        ("SMAS", 44),
    ]


def test_korean_terms_match_before_particles():
    glossary = parse("안면거상,en,facelift\n")
    assert [m.start for m in glossary.matches("미니 안면거상은 효과가", "en")] == [3]


def test_missing_terms():
    glossary = parse(SAMPLE)
    assert glossary.missing_terms("The SMAS layer", "SMAS 층", "ko") == []
    assert [t.source for t in glossary.missing_terms("a mini facelift", "미니 리프트", "ko")] == [
        "mini facelift"
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("SMAS,ko,,extra\n", 1, "expected 3 columns"),
        ("SMAS,*,\nlonely\n", 2, "expected 3 columns"),
        ("SMAS,*,\n,ko,x\n", 2, "empty source term"),
        ("SMAS,xx-nope,\n", 1, "unknown locale"),
        ("SMAS,ko,a\nsmas,ko,b\n", 2, "already defined on line 1"),
    ],
)
def test_malformed_rows_name_the_line(text: str, line: int, message: str):
    with pytest.raises(PostlingoError) as info:
        parse(text, "glossary.csv")
    assert info.value.line == line
    assert info.value.path == "glossary.csv"
    assert message in info.value.message


def test_missing_file_is_an_empty_glossary(tmp_path: Path):
    assert load(tmp_path / "glossary.csv") == Glossary()


def test_load_reads_file(tmp_path: Path):
    path = tmp_path / "glossary.csv"
    path.write_text(SAMPLE, encoding="utf-8")
    assert len(load(path).terms) == 3


@given(st.text(alphabet="abc SMAS미니", max_size=40))
def test_matches_never_overlap(text: str):
    found = parse("SMAS,*,\nS,*,\nab,*,x\nb c,*,\n미니,*,\n").matches(text, "ko")
    for a, b in pairwise(found):
        assert a.end <= b.start


def test_header_may_follow_a_comment():
    glossary = parse("# the clinic's terms\nsource,locale,target\nSMAS,*,\n")
    assert [t.source for t in glossary.terms] == ["SMAS"]


def test_a_row_matches_its_locale_however_it_is_spelled():
    glossary = parse("SMAS,pt_BR,X\nlift,ZH-hant,拉提\n")
    assert [t.target for t in glossary.for_locale("pt-BR")] == ["X"]
    assert [t.target for t in glossary.for_locale("zh-Hant")] == ["拉提"]
    with pytest.raises(PostlingoError, match="already defined on line 1"):
        parse("SMAS,pt_BR,X\nSMAS,pt-BR,Y\n")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('"mini\nfacelift",ko,x\nSMAS,xx-nope,\n', 3),  # a quoted cell may span lines
        ('SMAS,*,\n"Dr. Kim,ko,김 원장\nfacelift,ko,안면거상\n', 2),  # a quote never closed
    ],
)
def test_error_lines_count_lines_not_rows(text: str, line: int):
    with pytest.raises(PostlingoError) as info:
        parse(text, "glossary.csv")
    assert info.value.line == line
