"""English word rules for sentence splitting: does this period end a sentence?

segment.py finds the places a sentence may end; these rules judge the ones
that only the words around them can settle: abbreviations, initials, list
numbers, times, and ellipses.
"""

from __future__ import annotations

import re


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Words (without their final dot) after which a sentence never ends: they
# always introduce something. Matched as written...
_NEVER_FINAL = _words(
    "Mr Mrs Ms Mx Dr Prof Sr St Mt Fig Figs Vol Vols Ch Sec Dept Gen Gov Lt Col "
    "Sgt Capt Rev Hon Ave Blvd Rd Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
# ...and these in any case.
_NEVER_FINAL_ANY_CASE = _words("e.g eg i.e ie vs v cf viz approx ref refs incl esp")
# Before a number these introduce it ("p. 55", "ext. 204", "N°. 1026"); a
# sentence seldom ends on them and starts with a digit.
_BEFORE_NUMBER = _words("p pp no nos nr n° vol ch sec fig figs art para eq ext tel ver ed op pg")
# May end a sentence or sit inside one ("the U.S. Army" / "in the U.S. The"):
# a boundary only when a typical sentence opener follows.
_AMBIGUOUS = _words("U.S U.K U.N E.U Inc Ltd Co co Corp Jr Bros al Ph.D")
# Ordinary words that happen to end in a dot: a capital letter after them starts a sentence.
_ORDINARY = _words("etc a.m p.m A.M P.M")
# A time phrase that opens a sentence ("At 5 a.m. Mr. Smith went…") starts with one of these.
_TIME_OPENERS = _words("At By Until Till Before After From Around Since Between")
# A one-word sentence start before an ellipsis is a pause, not a sentence ("Well… I'm not sure").
_INTERJECTIONS = _words("Well Hmm Hm Um Umm Uh Er Oh Ah So Okay OK Yeah Wait")

# Words that commonly open an English sentence.
_STARTERS = _words(
    "A An The I We You He She It They This That These Those There Here My Our Your His "
    "Her Its Their Some Many Most All Each Every Both No Not Yes So But And Or Yet Then "
    "Now Today However Also Still Thus Therefore Meanwhile Instead In On At For From With "
    "By After Before As If When While Since Because Although Though Once What Why How Who "
    "Where Which Please Thank Thanks Let Do Does Did Is Are Was Were Can Could Will Would "
    "Should Have Has Had"
)
_INITIAL_RE = re.compile(r"[A-Z]\.")
_LETTER_DOTS_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_NUMBER_RE = re.compile(r"\d{1,4}")
_NUMBER_DOT_RE = re.compile(r"\d{1,4}\.")
_OPENER_RE = re.compile(r"[A-Za-z]+")
# iPhone, eBay, iOS, v3.0: a lowercase first letter, but a name that may open a sentence.
_CAMEL_RE = re.compile(r"[a-z]+[A-Z0-9]")
# "‘Is that normal?’ I wondered.": a quotation the next words report. Only
# after "I", which is a capital whatever it follows ("“Is it?” She asked." is two).
_REPORTED_RE = re.compile(
    r"I (?:said|asked|wondered|thought|replied|shouted|whispered|cried|added|told|wrote)\b"
)


def starts_sentence(after: str) -> bool:
    """Whether after begins the way a sentence does: a capital, a digit, or a name like iPhone."""
    return not after[0].islower() or _CAMEL_RE.match(after) is not None


def reports_quote(before: str, after: str) -> bool:
    """Whether after names the speaker of a quotation that opened the sentence.

    "‘Is that normal?’ I wondered." is one sentence; in 'He asked me, "Are
    you sure?" I said yes.' the quotation had its speaker, and "I said" is new.
    """
    return before.lstrip()[:1] in "\"'“‘" and _REPORTED_RE.match(after) is not None


def ellipsis_ends(words: list[str], after: str) -> bool:
    """An ellipsis ends the sentence before a capital, unless it follows an interjection."""
    if len(words) == 1 and words[0].strip(".…") in _INTERJECTIONS:
        return False
    return after[0].isupper()


def period_ends(word: str, after: str, words: list[str]) -> bool:
    """Whether a single period after a Latin word or number ends the sentence.

    words: the sentence so far, up to and including word.
    """
    if _NUMBER_RE.fullmatch(word):
        # "1. Mix" and "Steps: 2. Bake" are list markers; "2024. 3. 5." is a date.
        listed = len(words) == 1 or words[-2].endswith(":")
        dated = len(words) > 1 and _NUMBER_DOT_RE.fullmatch(words[-2]) is not None
        return not listed and not dated and not after[0].isdigit()
    if after[0].isdigit() and word.lower() in _BEFORE_NUMBER:
        return False  # "See No. 5" (but "Do you? No. I don't.")
    if word in _ORDINARY:
        # "At 5 a.m. Mr. Smith went…": the time opened the sentence, which goes on.
        return not (word.lower() in ("a.m", "p.m") and _opens_with_time(words))
    if word in _NEVER_FINAL or word.lower() in _NEVER_FINAL_ANY_CASE:
        return False
    if word == "I" and len(words) > 1 and words[-2][:1].islower():
        return True  # the pronoun: "you and I. Did you…"
    initial = len(word) == 1 and word.isupper()
    if word in _AMBIGUOUS or initial or _LETTER_DOTS_RE.fullmatch(word):
        opener = _OPENER_RE.match(after)
        return opener is not None and opener.group(0) in _STARTERS and not _INITIAL_RE.match(after)
    return True


def _opens_with_time(words: list[str]) -> bool:
    return len(words) <= 4 and words[0] in _TIME_OPENERS
