"""Which old translation each changed sentence borrows, in time that grows with the edits.

Comparing every changed sentence with every candidate through difflib costs
the square of the edits (800 edits in a 4,000-entry catalog: 170 s), and
difflib's cheap pre-checks let almost every pair of prose through. So:

1. the candidates in a sentence's own place (between the same surviving
   sentences) are compared first: an edit usually has one, its old version;
2. only the sentences still without one are looked up, by shared words, in
   an index of the candidates; rarest words first, a fixed budget of index
   postings and a short list of the best-scoring candidates per sentence;
3. obsolete entries stay candidates forever, so only the most recently
   obsoleted MAX_OBSOLETE of them are indexed.

Within what is compared the choice is the full scan's: a same-place match
beats any other, then the higher ratio, then the earlier candidate, then the
earlier sentence, and each candidate is lent once. With at most SHORTLIST
candidates nothing is left out, so small catalogs get exactly the full scan.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

SHORTLIST = 16  # candidates compared per sentence, at most, outside its own place
POSTINGS_BUDGET = 2000  # index entries visited per sentence, at most
MAX_OBSOLETE = 500  # obsolete candidates indexed, the most recently obsoleted first

_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    """An old translated sentence that a changed one may borrow from."""

    text: str  # the msgid without placeholder tags
    place: Hashable  # the last surviving sentence before it; unused if obsolete
    obsolete: bool


@dataclass(frozen=True)
class Changed:
    """A new sentence with no exact match in the old catalog."""

    text: str
    place: Hashable


def similarity(a: str, b: str, cutoff: float) -> float:
    """difflib's ratio, or 0.0 as soon as its upper bounds show it is below cutoff."""
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
        return 0.0
    return matcher.ratio()


def words(text: str) -> set[str]:
    return set(_WORD_RE.findall(text.lower()))


class Index:
    """Candidates by the words they hold, for a short list per changed sentence."""

    def __init__(self, candidates: Sequence[Candidate], allowed: Sequence[int]) -> None:
        self.allowed = list(allowed)
        self.postings: dict[str, list[int]] = defaultdict(list)
        for c in self.allowed:
            for word in words(candidates[c].text):
                self.postings[word].append(c)

    def shortlist(self, text: str, free: set[int]) -> list[int]:
        """The free candidates sharing the most of text's rarest words (all, if few)."""
        if len(self.allowed) <= SHORTLIST:
            return [c for c in self.allowed if c in free]
        score: dict[int, int] = defaultdict(int)
        budget = POSTINGS_BUDGET
        for word in sorted(words(text), key=lambda w: (len(self.postings.get(w, ())), w)):
            posting = self.postings.get(word, [])
            if budget < len(posting):
                break
            budget -= len(posting)
            for c in posting:
                if c in free:
                    score[c] += 1
        return sorted(score, key=lambda c: (-score[c], c))[:SHORTLIST]


def assign(
    changed: Sequence[Changed], candidates: Sequence[Candidate], cutoff: float
) -> list[tuple[int, int]]:
    """(changed, candidate) index pairs: who borrows what, each candidate at most once.

    Candidates are given in catalog order, which breaks ties between equal ratios.
    """
    free_slots = set(range(len(changed)))
    free = set(range(len(candidates)))
    chosen: list[tuple[int, int]] = []

    def take(pairs: list[tuple[float, int, int]]) -> None:
        for _, c, slot in sorted(pairs):
            if slot in free_slots and c in free:
                free_slots.discard(slot)
                free.discard(c)
                chosen.append((slot, c))

    by_place: dict[Hashable, list[int]] = defaultdict(list)
    for c, candidate in enumerate(candidates):
        if not candidate.obsolete:
            by_place[candidate.place].append(c)
    place_index: dict[Hashable, Index] = {}  # a rewritten section: its own small index
    same_place: list[tuple[float, int, int]] = []
    for slot, sentence in enumerate(changed):
        group = by_place.get(sentence.place, [])
        if len(group) > SHORTLIST:
            if sentence.place not in place_index:
                place_index[sentence.place] = Index(candidates, group)
            group = place_index[sentence.place].shortlist(sentence.text, free)
        for c in group:
            ratio = similarity(sentence.text, candidates[c].text, cutoff)
            if ratio >= cutoff:
                same_place.append((-ratio, c, slot))
    take(same_place)

    obsolete = [c for c, candidate in enumerate(candidates) if candidate.obsolete]
    capped = set(obsolete[MAX_OBSOLETE:])
    index = Index(candidates, [c for c in range(len(candidates)) if c not in capped])
    elsewhere: list[tuple[float, int, int]] = []
    for slot in sorted(free_slots):
        sentence = changed[slot]
        for c in index.shortlist(sentence.text, free):
            ratio = similarity(sentence.text, candidates[c].text, cutoff)
            if ratio >= cutoff:
                elsewhere.append((-ratio, c, slot))
    take(elsewhere)
    return chosen
