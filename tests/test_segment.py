"""Sentence splitting: the boundaries a human would choose, and nothing lost."""

from __future__ import annotations

import bisect
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import segment
from pipeline.document import (
    HEADING,
    PARAGRAPH,
    TITLE,
    Document,
    Element,
    Placeholder,
    Text,
    Unit,
    tags,
)
from pipeline.segment import segment_document, segment_unit, split

# --- English ------------------------------------------------------------------

ENGLISH = [
    # abbreviations that never end a sentence
    (
        "Dr. Kim met Mr. Lee and Mrs. Park. Ms. Choi came too.",
        ["Dr. Kim met Mr. Lee and Mrs. Park.", "Ms. Choi came too."],
    ),
    (
        "Prof. Kim agreed. St. Louis is nice. Approx. five people came.",
        ["Prof. Kim agreed.", "St. Louis is nice.", "Approx. five people came."],
    ),
    (
        "Some fillers, e.g. Botox, fade. Others, i.e. threads, dissolve.",
        ["Some fillers, e.g. Botox, fade.", "Others, i.e. threads, dissolve."],
    ),
    (
        "Thread lift vs. Facelift is the question. See Fig. 3 and No. 5 for details.",
        ["Thread lift vs. Facelift is the question.", "See Fig. 3 and No. 5 for details."],
    ),
    (
        "Do you need it? No. I don't. See No. 5.",
        ["Do you need it?", "No.", "I don't.", "See No. 5."],
    ),
    # abbreviations that may end one
    (
        "Bring creams, masks, etc. The clinic supplies the rest.",
        ["Bring creams, masks, etc.", "The clinic supplies the rest."],
    ),
    ("Bring creams, masks, etc. and a towel.", ["Bring creams, masks, etc. and a towel."]),
    (
        "We open at 9 a.m. The first consultation is free. We close at 6 p.m. on Fridays.",
        ["We open at 9 a.m.", "The first consultation is free.", "We close at 6 p.m. on Fridays."],
    ),
    (
        "The U.S. Army trained here. I live in the U.S. He lives in the U.K. now.",
        ["The U.S. Army trained here.", "I live in the U.S.", "He lives in the U.K. now."],
    ),
    ("Martin Luther King Jr. was a pastor.", ["Martin Luther King Jr. was a pastor."]),
    # initials
    (
        "J. R. R. Tolkien wrote it. He was British.",
        ["J. R. R. Tolkien wrote it.", "He was British."],
    ),
    ("We chose plan B. It worked.", ["We chose plan B.", "It worked."]),
    # numbers, times, versions
    ("Use a 3.5 mm cannula. It is thin.", ["Use a 3.5 mm cannula.", "It is thin."]),
    ("Surgery starts at 10:30. Arrive early.", ["Surgery starts at 10:30.", "Arrive early."]),
    (
        "Version 2.0.1 is out. Python 3.11. It works.",
        ["Version 2.0.1 is out.", "Python 3.11.", "It works."],
    ),
    ("Recovery takes 3. Some need 4.", ["Recovery takes 3.", "Some need 4."]),
    # list-like numbers
    ("1. Mix the flour. 2. Bake it.", ["1. Mix the flour.", "2. Bake it."]),
    ("Steps: 1. Clean the skin. 2. Apply.", ["Steps: 1. Clean the skin.", "2. Apply."]),
    # question and exclamation marks, repeated punctuation
    ("Does it hurt? No! It is quick.", ["Does it hurt?", "No!", "It is quick."]),
    ("Really?! Yes!!! Wow?!? ok then.", ["Really?!", "Yes!!!", "Wow?!? ok then."]),
    # punctuation inside closing quotes and brackets
    ("He said “Huh?” and left.", ["He said “Huh?” and left."]),
    ("“Is it?” She asked.", ["“Is it?”", "She asked."]),
    ("“Is it?” she asked.", ["“Is it?” she asked."]),
    ('He said, "Stop." Then he left.', ['He said, "Stop."', "Then he left."]),
    ("It fades (in a year.) Then it is gone.", ["It fades (in a year.)", "Then it is gone."]),
    ("Ask first. (This matters.) Then decide.", ["Ask first.", "(This matters.)", "Then decide."]),
    # ellipses
    ("You smile… and the folds deepen.", ["You smile… and the folds deepen."]),
    ("You smile… If it bothers you, ask.", ["You smile…", "If it bothers you, ask."]),
    (
        "You smile... and the folds deepen... It is aging.",
        ["You smile... and the folds deepen...", "It is aging."],
    ),
    # URLs and e-mail addresses
    (
        "Visit https://example.com/a.b?c=d. Then book.",
        ["Visit https://example.com/a.b?c=d.", "Then book."],
    ),
    (
        "Mail john.doe@example.co.uk. We answer fast.",
        ["Mail john.doe@example.co.uk.", "We answer fast."],
    ),
    ("See www.example.com for more. Thanks!", ["See www.example.com for more.", "Thanks!"]),
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH)
def test_english_sentences(text: str, expected: list[str]) -> None:
    assert split(text, "en") == expected


# Tricky lines of the user's sample post (/work/shared/seeds/mini-thread-lifting.txt).
SEED = [
    (
        "Every time you look in the mirror, your jawline seems less defined than before,\n"
        "and your cheeks feel like they are sagging downward, making the nasolabial folds "
        "deepen when you smile…\n"
        "If these subtle changes have started to bother you more and more, it may be a sign "
        "that facial aging is beginning in earnest.",
        2,
    ),
    (
        "Especially when you look at photos of yourself and find yourself thinking, “Huh? Have "
        "I really gotten this old?” more often, it is natural to start considering lifting "
        "procedures.",
        1,
    ),
    (
        "At this point, many people first think of “mini thread lifting.” That is because there "
        "is a common perception that it requires no incision.",
        2,
    ),
    (
        "In other words, it does not reach the SMAS layer (the superficial musculoaponeurotic "
        "system), which is the fundamental cause of sagging. The SMAS layer is the core "
        "structure that determines facial elasticity and contours.",
        2,
    ),
    (
        "In the end, what matters is not “which procedure is more famous,” but which method is "
        "most suitable for your current facial condition.",
        1,
    ),
    ("Mini thread lifting and mini facelift,\nthe biggest difference is the “area of action”", 1),
    (
        "Recovery is also much faster than with a standard facelift, and most people can return "
        "to daily life in 2 to 3 days. And the most important difference is that you can expect "
        "a clear change.",
        2,
    ),
]


@pytest.mark.parametrize(("text", "count"), SEED)
def test_sample_post_lines(text: str, count: int) -> None:
    sentences = split(text, "en")
    assert len(sentences) == count
    assert " ".join(" ".join(sentences).split()) == " ".join(text.split())


def test_ellipsis_then_capital_starts_the_next_sentence_in_the_sample() -> None:
    first, second = split(SEED[0][0], "en")
    assert first.endswith("deepen when you smile…")
    assert second.startswith("If these subtle changes")


# --- Korean -------------------------------------------------------------------

KOREAN = [
    (
        "턱선이 흐려집니다. 볼이 처지는 느낌이 들어요. 정말 그럴까요? 꼭 확인하세요! 감사합니다.",
        [
            "턱선이 흐려집니다.",
            "볼이 처지는 느낌이 들어요.",
            "정말 그럴까요?",
            "꼭 확인하세요!",
            "감사합니다.",
        ],
    ),
    ("일상으로 빠르게 돌아갈 수 있죠. 어떤가요?", ["일상으로 빠르게 돌아갈 수 있죠.", "어떤가요?"]),
    # "." after syllables that are not the usual endings
    (
        "가장 중요한 것은 구조. 피부만의 문제가 아닙니다.",
        ["가장 중요한 것은 구조.", "피부만의 문제가 아닙니다."],
    ),
    # Latin text mixed in
    (
        "이 수술은 SMAS 층까지 당겨 줍니다. SMAS 층은 탄력의 핵심입니다.",
        ["이 수술은 SMAS 층까지 당겨 줍니다.", "SMAS 층은 탄력의 핵심입니다."],
    ),
    (
        "실은 1년 안에 녹습니다. iPhone으로 찍은 사진을 보세요.",
        ["실은 1년 안에 녹습니다.", "iPhone으로 찍은 사진을 보세요."],
    ),
    ("Dr. Kim이 설명합니다. 상담은 무료입니다.", ["Dr. Kim이 설명합니다.", "상담은 무료입니다."]),
    # ranges and dates
    (
        "회복은 2~3일이면 충분합니다. 바로 출근할 수 있어요.",
        ["회복은 2~3일이면 충분합니다.", "바로 출근할 수 있어요."],
    ),
    (
        "2024. 3. 5. 오후에 방문했습니다. 상담은 30분 걸렸습니다.",
        ["2024. 3. 5. 오후에 방문했습니다.", "상담은 30분 걸렸습니다."],
    ),
    # quotations: “ ” and 「」
    (
        "사진을 보다가 “어? 내가 벌써 이렇게 나이 들었나?” 하고 생각하게 됩니다. 그럴 때 고민하죠.",
        [
            "사진을 보다가 “어? 내가 벌써 이렇게 나이 들었나?” 하고 생각하게 됩니다.",
            "그럴 때 고민하죠.",
        ],
    ),
    (
        "그는 “정말 좋아요.” 하고 웃었다. 나도 웃었다.",
        ["그는 “정말 좋아요.” 하고 웃었다.", "나도 웃었다."],
    ),
    (
        "많은 분들이 「미니 실리프팅」을 먼저 떠올립니다. 왜일까요?",
        ["많은 분들이 「미니 실리프팅」을 먼저 떠올립니다.", "왜일까요?"],
    ),
    (
        "「정말요? 진짜요?」라고 물으셨죠. 네, 맞습니다.",
        ["「정말요? 진짜요?」라고 물으셨죠.", "네, 맞습니다."],
    ),
    # ellipses: continue after a connective, split after a sentence ending
    (
        "팔자주름이 깊어지고… 이런 변화가 신경 쓰인다면 노화의 신호입니다.",
        ["팔자주름이 깊어지고… 이런 변화가 신경 쓰인다면 노화의 신호입니다."],
    ),
    (
        "정말 고민됩니다… 그래서 상담을 받았어요... 결과는 만족스러웠습니다.",
        ["정말 고민됩니다…", "그래서 상담을 받았어요...", "결과는 만족스러웠습니다."],
    ),
    (
        "처지기 시작하면... 실만으로는 한계가 있습니다.",
        ["처지기 시작하면... 실만으로는 한계가 있습니다."],
    ),
]


@pytest.mark.parametrize(("text", "expected"), KOREAN)
def test_korean_sentences(text: str, expected: list[str]) -> None:
    assert split(text, "ko") == expected


# --- placeholders and whitespace -----------------------------------------------


def test_never_splits_inside_a_placeholder_pair() -> None:
    text = "Click <1>here. Really, here.</1> Then go. <2/> Done."
    assert split(text, "en") == ["Click <1>here. Really, here.</1>", "Then go.", "<2/> Done."]


def test_closing_tag_after_the_period_stays_with_its_sentence() -> None:
    text = "Read <1>the guide.</1> <2>Then</2> book."
    assert split(text, "en") == ["Read <1>the guide.</1>", "<2>Then</2> book."]


def test_whitespace_only_and_empty_give_no_sentences() -> None:
    assert split("", "en") == []
    assert split(" \n\t ", "ko") == []


def test_blank_line_inside_a_block_is_a_boundary() -> None:
    assert split("First line\n\nSecond line", "en") == ["First line", "Second line"]


def test_lone_punctuation_or_tag_joins_its_neighbour() -> None:
    assert split("It works. <3/>", "en") == ["It works. <3/>"]
    assert split("It works. !", "en") == ["It works. !"]


# --- invariants -----------------------------------------------------------------

ALPHABET = st.sampled_from(
    [*list("aZ é한국다요.?!…,:~\"'“”「」()0123456789 \n"), "<1>", "</1>", "<2/>", "...", "Dr."]
)
TEXTS = st.lists(ALPHABET, max_size=60).map("".join)
SQUASH = re.compile(r"\s+")


@given(TEXTS, st.sampled_from(["en", "ko"]))
@settings(max_examples=300)
def test_keeps_every_character_in_order_and_no_empty_pieces(text: str, lang: str) -> None:
    sentences = split(text, lang)
    assert SQUASH.sub("", "".join(sentences)) == SQUASH.sub("", text)
    assert all(s and s == s.strip() for s in sentences)


WORDS = st.sampled_from(
    [
        "The",
        "thread",
        "lift.",
        "Is",
        "it",
        "safe?",
        "Yes!",
        "Dr.",
        "Kim",
        "e.g.",
        "smiles…",
        "U.S.",
        "J.",
        "3.5",
        "mm",
        "10:30",
        "“Huh?",
        "Really?”",
        "(see",
        "Fig.",
        "2.)",
        "etc.",
        "1.",
        "2.",
        "다.",
        "합니다.",
        "요?",
        "2~3일",
        "SMAS",
        "층",
        "“좋아요.”",
        "하고",
        "「정말?」",
        "there",
        "and",
        "ok...",
        "She",
    ]
)
SPACED = st.lists(WORDS, min_size=1, max_size=30).map(" ".join)


@given(SPACED, st.sampled_from(["en", "ko"]))
@settings(max_examples=300)
def test_joining_with_single_spaces_gives_the_text_back(text: str, lang: str) -> None:
    assert " ".join(split(text, lang)) == text


@given(SPACED, st.sampled_from(["en", "ko"]))
@settings(max_examples=300)
def test_each_sentence_splits_into_itself(text: str, lang: str) -> None:
    for sentence in split(text, lang):
        assert split(sentence, lang) == [sentence]


@st.composite
def tagged_texts(draw: st.DrawFn) -> str:
    """Sentences with some runs of words wrapped in numbered placeholder pairs."""
    words = draw(st.lists(WORDS, min_size=2, max_size=25))
    number = 0
    out: list[str] = []
    i = 0
    while i < len(words):
        run = draw(st.integers(min_value=0, max_value=4))
        if run and i + run <= len(words):
            number += 1
            out.append(f"<{number}>{' '.join(words[i : i + run])}</{number}>")
            i += run
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


@given(tagged_texts(), st.sampled_from(["en", "ko"]))
@settings(max_examples=300)
def test_never_cuts_a_tag_pair(text: str, lang: str) -> None:
    for sentence in split(text, lang):
        found = tags(sentence)
        opened = {t.number for t in found if t.kind == "open"}
        closed = {t.number for t in found if t.kind == "close"}
        assert opened == closed


# --- blocks and documents ---------------------------------------------------------

LINK = Placeholder("a", (("href", "https://example.com"),))
BOLD = Placeholder("strong")
BREAK = Placeholder("br", void=True)


def test_segment_unit_renumbers_tags_per_sentence() -> None:
    unit = Unit(
        PARAGRAPH,
        "Read <1>the guide</1> first. Then <2>book</2> a visit.<3/>",
        line=7,
        placeholders=(LINK, BOLD, BREAK),
    )
    segments = segment_unit(unit, "en").segments
    assert [s.text for s in segments] == [
        "Read <1>the guide</1> first.",
        "Then <1>book</1> a visit.<2/>",
    ]
    assert segments[0].placeholders == (LINK,)
    assert segments[1].placeholders == (BOLD, BREAK)
    assert {(s.line, s.kind) for s in segments} == {(7, PARAGRAPH)}


def test_units_without_words_get_no_segments() -> None:
    unit = Unit(PARAGRAPH, "<1/> — …", line=3, placeholders=(BREAK,))
    assert segment_unit(unit, "en").segments == ()


@pytest.mark.parametrize("kind", [TITLE, HEADING, "alt attribute"])
def test_titles_headings_and_alt_text_are_split_too(kind: str) -> None:
    unit = Unit(kind, "Mini lifting vs. threads. Which lasts?", line=1)
    texts = [s.text for s in segment_unit(unit, "en").segments]
    assert texts == ["Mini lifting vs. threads.", "Which lasts?"]


def test_segment_document_uses_the_document_language() -> None:
    doc = Document(
        slug="post",
        path="source/post.md",
        lang="ko",
        title=Unit(TITLE, "미니 리프팅", line=1),
        body=(
            Element(
                "p",
                children=(Unit(PARAGRAPH, "처지고… 변화가 시작됩니다. 어떻게 할까요?", line=3),),
            ),
            Element("pre", children=(Text("print('a. b')"),)),
        ),
    )
    result = segment_document(doc)
    assert [s.text for s in result.segments()] == [
        "미니 리프팅",
        "처지고… 변화가 시작됩니다.",
        "어떻게 할까요?",
    ]
    assert [u.text for u in result.units()] == [u.text for u in doc.units()]


@given(
    spans=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)).map(sorted), max_size=12),
    gap=st.integers(-1, 62),
)
def test_inside_a_protected_span_as_a_scan_of_every_span_says(spans, gap):
    firsts, lasts = segment._interiors([(a, b) for a, b in spans])
    found = bisect.bisect_right(firsts, gap) - 1
    assert (found >= 0 and gap <= lasts[found]) == any(a < gap < b for a, b in spans)


def test_a_long_paragraph_splits_as_its_sentences_do_alone():
    sentences = [
        "The clinic opens at 9 a.m. on weekdays.",
        "Bring your <1>ID card</1> and a list (of your medicines).",
        "미니거상은 회복이 빠릅니다.",
        "“Is it normal?” she asked.",
        "Steps: 1) cleanse 2) tone.",
    ]
    paragraph = " ".join(sentences * 400)
    assert segment.split(paragraph, "en") == sentences * 400
