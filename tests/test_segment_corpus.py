"""The segmentation corpora, case by case, and the spans no cut may enter."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.segment import split
from tests.segment_eval import LANGS, Case, evaluate, load


def _cases() -> list[tuple[str, Case]]:
    return [(lang, case) for lang in LANGS for case in load(lang)]


@pytest.mark.parametrize(
    ("lang", "case"), _cases(), ids=lambda c: f"{c.line}" if isinstance(c, Case) else c
)
def test_corpus_case(lang: str, case: Case) -> None:
    assert split(case.text, lang) == list(case.sentences)


def test_corpora_are_substantial() -> None:
    assert len(load("en")) >= 150
    assert len(load("ko")) >= 200


def test_corpus_text_is_the_sentences_with_the_whitespace_between() -> None:
    for _, case in _cases():
        assert "".join(case.text.split()) == "".join("".join(case.sentences).split())


def test_evaluation_counts_boundaries() -> None:
    def one_sentence(text: str, lang: str) -> list[str]:
        return [text]

    score = evaluate(one_sentence, "en")
    assert score.false_pos == 0 and score.true_pos == 0
    assert score.precision == 1.0 and score.recall == 0.0
    assert evaluate(split, "ko").recall == 1.0


# --- spans no cut may enter ---------------------------------------------------

# Words that end sentences, in both languages, and the spans to keep whole:
# each holds sentence-final punctuation and, where the markup allows, spaces.
PROSE = st.sampled_from(
    ["It", "works.", "Really?", "Yes!", "Dr.", "Kim", "1.", "2.)", "a.", "•", "...", "The",
     "end…", "I", "좋아요.", "했다", "ㅎㅎ", "😊", ":)", "요~", "\n", "“Huh?”", "하고", "See"]
)  # fmt: skip
ATOMS = st.sampled_from(
    [
        "https://example.com/a.b?c=d.e&f=G.",
        "www.clinic.example.kr/book.html",
        "john.doe@example.co.uk",
        "http://x.io/Path.#Top",
        '{{< figure src="a.jpg" caption="Before. After! Day 7?" >}}',
        "{{% notice info %}}",
        "{{% /notice %}}",
        '{% include note.html content="Wait. Read this. 좋아요." %}',
        "{{ site.title }}",
        "{{ page.date | date: '%b. %d. %Y' }}",
    ]
)


@st.composite
def texts_with_spans(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Prose with protected atoms and placeholder pairs around runs of it."""
    parts: list[str] = []
    kept: list[str] = []
    number = 0
    for _ in range(draw(st.integers(min_value=1, max_value=12))):
        choice = draw(st.integers(min_value=0, max_value=2))
        if choice == 0:
            atom = draw(ATOMS)
            kept.append(atom)
            parts.append(atom)
        elif choice == 1:
            number += 1
            inner = " ".join(draw(st.lists(PROSE, min_size=1, max_size=6)))
            pair = f"<{number}>{inner}</{number}>"
            kept.append(pair)
            parts.append(pair)
        else:
            parts.extend(draw(st.lists(PROSE, min_size=1, max_size=6)))
    return " ".join(parts), kept


@given(texts_with_spans(), st.sampled_from(LANGS))
@settings(max_examples=400)
def test_never_cuts_placeholders_urls_or_site_markup(
    drawn: tuple[str, list[str]], lang: str
) -> None:
    text, kept = drawn
    sentences = split(text, lang)
    for span in kept:
        assert any(span.strip() in s for s in sentences), (span, sentences)
    assert "".join("".join(sentences).split()) == "".join(text.split())


@pytest.mark.parametrize("run", ["~", "ㅋ", "ㅠ", "^", "😊 ", "."])
def test_long_runs_of_marks_split_in_linear_time(run: str) -> None:
    started = time.perf_counter()
    for text in (f"좋아요{run * 30}x", f"좋아요!{run * 30}x", f"좋아요 {run * 30}\n다음"):
        split(text, "ko")
    assert time.perf_counter() - started < 1.0  # backtracking took minutes here


# The marks the corpora exercise, for the invariants test_segment.py states.
MARKED = st.sampled_from(
    ["The", "end.", "Is", "it?", "Yes!", "Dr.", "Kim", "1.", "2.", "3.", "1)", "2)", "a.", "b.",
     "가.", "나.", "•", "-", "...", ". . .", "…", "I", "said", "wondered", "“Huh?”", "(Smith",
     "55).", "Feb.", "v3.0", "iPhone", "a.m.", "At", "5", "좋아요", "좋아요.", "했다", "하고", "ㅎㅎ",
     "ㅠㅠ", "😊", ":)", "요~", "~", "\n", "Steps:", "p.", "N°.", "U.S.", "e.g.", "“좋아요.”", "라고",
     '[...]"', '"Bohr', "it.", "and", "다음", "<1>x.</1>", '{{< a "b. C." >}}', "https://a.b/c.",
     "Well…"]
)  # fmt: skip


@given(st.lists(MARKED, min_size=1, max_size=25).map(" ".join), st.sampled_from(LANGS))
@settings(max_examples=400)
def test_each_sentence_with_any_mark_splits_into_itself(text: str, lang: str) -> None:
    sentences = split(text, lang)
    assert "".join("".join(sentences).split()) == "".join(text.split())
    for sentence in sentences:
        assert split(sentence, lang) == [sentence]
