"""`make segment-eval`: precision and recall of sentence boundaries on the corpora.

A boundary is the offset in the text where a sentence after the first begins.
Precision: of the boundaries the splitter placed, the share a reader placed too;
recall: of the reader's boundaries, the share the splitter found. Both are
summed over every case of tests/fixtures/segment/{en,ko}.txt (format: the
README.md there).

`--splitter NAME` measures another splitter on the same corpora, for the
comparison that decided our own rules (run it from a venv that has the
package: pysbd, kiwipiepy or kss; none is a project dependency).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CORPORA = Path(__file__).resolve().parent / "fixtures" / "segment"
LANGS = ("en", "ko")
SEPARATOR = " | "
LINE_BREAK = "\\n"

Splitter = Callable[[str, str], list[str]]


@dataclass(frozen=True)
class Case:
    """One corpus line: the text and the sentences a careful reader cuts it into."""

    text: str
    sentences: tuple[str, ...]
    line: int


def load(lang: str) -> list[Case]:
    """The cases of one language's corpus, in file order."""
    cases = []
    path = CORPORA / f"{lang}.txt"
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        text = raw.replace(LINE_BREAK + SEPARATOR, "\n").replace(SEPARATOR, " ")
        text = text.replace(LINE_BREAK, "\n")
        pieces = raw.replace(LINE_BREAK, "\n").split(SEPARATOR)
        cases.append(Case(text, tuple(p.strip() for p in pieces), number))
    return cases


def boundaries(text: str, sentences: list[str] | tuple[str, ...]) -> set[int]:
    """Where each sentence after the first starts in text (sentences found in order)."""
    found: set[int] = set()
    at = 0
    for i, sentence in enumerate(sentences):
        start = text.find(sentence, at)
        if start < 0:  # a splitter that changed the text: fall back to its own length
            start = at
        if i:
            found.add(start)
        at = start + len(sentence)
    return found


@dataclass
class Score:
    """Boundary counts over a corpus, and the cases split exactly right."""

    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    exact: int = 0
    cases: int = 0

    def add(self, expected: set[int], got: set[int]) -> None:
        self.true_pos += len(expected & got)
        self.false_pos += len(got - expected)
        self.false_neg += len(expected - got)
        self.exact += expected == got
        self.cases += 1

    @property
    def precision(self) -> float:
        placed = self.true_pos + self.false_pos
        return self.true_pos / placed if placed else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_pos + self.false_neg
        return self.true_pos / wanted if wanted else 1.0

    def line(self, name: str) -> str:
        return (
            f"{name:<14} precision {self.precision:6.1%}  recall {self.recall:6.1%}  "
            f"({self.true_pos} right, {self.false_pos} extra, {self.false_neg} missed; "
            f"{self.exact}/{self.cases} cases exact)"
        )


def evaluate(split: Splitter, lang: str, show: bool = False) -> Score:
    score = Score()
    for case in load(lang):
        got = [s.strip() for s in split(case.text, lang) if s.strip()]
        expected, placed = boundaries(case.text, case.sentences), boundaries(case.text, got)
        score.add(expected, placed)
        if show and expected != placed:
            print(f"  {lang}.txt:{case.line}: {' | '.join(got)}")
    return score


def _ours() -> Splitter:
    from pipeline.segment import split

    return split


def _pysbd() -> Splitter:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    return lambda text, lang: segmenter.segment(text)


def _kiwi() -> Splitter:
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    return lambda text, lang: [s.text for s in kiwi.split_into_sents(text)]


def _kss() -> Splitter:
    import kss

    return lambda text, lang: list(kss.split_sentences(text))


# name: (how to make it, the corpora it is for)
SPLITTERS: dict[str, tuple[Callable[[], Splitter], tuple[str, ...]]] = {
    "postlingo": (_ours, LANGS),
    "pysbd": (_pysbd, ("en",)),  # pysbd has no Korean
    "kiwipiepy": (_kiwi, LANGS),
    "kss": (_kss, ("ko",)),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splitter", choices=sorted(SPLITTERS), default="postlingo")
    parser.add_argument("--lang", choices=LANGS, action="append", help="default: both")
    parser.add_argument("--show", action="store_true", help="print each case split wrongly")
    args = parser.parse_args(argv)
    make, langs = SPLITTERS[args.splitter]
    split = make()
    for lang in [lang for lang in args.lang or LANGS if lang in langs]:
        print(evaluate(split, lang, args.show).line(f"{args.splitter} {lang}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
