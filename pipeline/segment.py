"""Sentence splitting for English and Korean posts.

One sentence becomes one PO entry, so a boundary in the wrong place gives a
reviewer a fragment to translate, and a missed one gives a paragraph. The
rules are plain and local: a boundary is only ever placed in whitespace that
follows sentence-final punctuation, so no character is lost or moved, and
URLs, e-mail addresses, decimals, times and "2~3일" can never be cut.
Whether such a place really ends a sentence is decided from the word before
it (abbreviations, initials, list numbers, Korean endings) and the word after
it (case, Korean quotative verbs), outside placeholder pairs and short
quotations.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.document import TAG_RE, Document, Segment, Unit, map_units, renumber, tags
from pipeline.sources.language import is_hangul

# Punctuation that ends a sentence, then what may close around it (quotes,
# brackets, closing or void placeholder tags), then the whitespace we cut in.
# A blank line inside a block is a boundary too.
_BOUNDARY_RE = re.compile(
    r"(?P<term>[.?!…。？！]+)"
    r"(?P<close>(?:[\"'”’»)\]}」』》〉]|</\d+>|<\d+/>)*)"
    r"(?P<space>\s+)"
    r"|(?P<para>\n[^\S\n]*\n\s*)"
)
_OPENERS_RE = re.compile(r"^(?:[\"'“‘«(\[{「『《〈¿¡]|<\d+/?>)+")
_CLOSERS = "\"'”’»)]}」』》〉"
_QUOTES = "\"'”’»」』》〉"
_INITIAL_RE = re.compile(r"[A-Z]\.")
_LETTER_DOTS_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_NUMBER_RE = re.compile(r"\d{1,4}")
_NUMBER_DOT_RE = re.compile(r"\d{1,4}\.")


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Words (without their final dot) after which a sentence never ends: they
# always introduce something. Matched as written...
_NEVER_FINAL = _words(
    "Mr Mrs Ms Mx Dr Prof Sr St Mt Fig Figs Vol Vols Ch Sec Dept Gen Gov Lt Col "
    "Sgt Capt Rev Hon Ave Blvd Rd Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
# ...and these in any case.
_NEVER_FINAL_ANY_CASE = _words("e.g eg i.e ie vs v cf viz approx pp ref refs incl esp")
# May end a sentence or sit inside one ("the U.S. Army" / "in the U.S. The"):
# a boundary only when a typical sentence opener follows.
_AMBIGUOUS = _words("U.S U.K U.N E.U Inc Ltd Co Corp Jr Bros al Ph.D")
# Ordinary words that happen to end in a dot: a capital letter after them starts a sentence.
_ORDINARY = _words("etc a.m p.m A.M P.M")

# Words that commonly open an English sentence.
_STARTERS = _words(
    "A An The I We You He She It They This That These Those There Here My Our Your His "
    "Her Its Their Some Many Most All Each Every Both No Not Yes So But And Or Yet Then "
    "Now Today However Also Still Thus Therefore Meanwhile Instead In On At For From With "
    "By After Before As If When While Since Because Although Though Once What Why How Who "
    "Where Which Please Thank Thanks Let"
)

# Korean syllables that end a sentence: 다 (합니다, 했다), 요, 죠, 까, 네, 군.
_KO_FINAL = frozenset("다요죠까네군")
# After a closing quote these continue the sentence: “정말요?” 하고 물었다.
_KO_QUOTATIVE = (
    *_words("하고 하며 하면서 하는 하던 하니 하였 하시 했 합니 한다 라고 라며 라는 이라고 이라는"),
    *("고 ", "며 ", "는 ", "란 "),
)

# Quotations and brackets up to this long are kept in one sentence
# ('thinking, “Huh? Have I really gotten this old?” more often'); longer ones
# are treated as running text so a mismatched mark can't swallow a paragraph.
_QUOTE_LIMIT = 160
_PAIRS = {"“": "”", "「": "」", "『": "』", "«": "»", "《": "》", "(": ")", "[": "]"}


def split(text: str, lang: str) -> list[str]:
    """Split one block's text into stripped, non-empty sentences, in order.

    The rules are chosen by script rather than by lang, so Korean with English
    mixed in ("SMAS 층") and English quoting Korean both split correctly; lang
    is part of the contract for rules that may need it later.
    """
    protected = _protected_spans(text)
    cuts: list[tuple[int, int]] = []  # (end of one sentence, start of the next)
    start = 0
    for m in _BOUNDARY_RE.finditer(text):
        gap = m.start("para") if m.group("para") is not None else m.start("space")
        if any(a < gap < b for a, b in protected):
            continue
        if m.group("para") is not None or _ends_sentence(text, m, start):
            cuts.append((gap, m.end()))
            start = m.end()
    pieces = _pieces(text, cuts)
    return [text[a:b].strip() for a, b in pieces if text[a:b].strip()]


def segment_unit(unit: Unit, lang: str) -> Unit:
    """The unit with one Segment per sentence, its tags numbered from 1."""
    if not unit.translatable:
        return replace(unit, segments=())
    segments = []
    for sentence in split(unit.text, lang):
        text, placeholders = renumber(sentence, unit.placeholders)
        segments.append(Segment(text, placeholders, line=unit.line, kind=unit.kind))
    return replace(unit, segments=tuple(segments))


def segment_document(doc: Document, lang: str | None = None) -> Document:
    """Every unit segmented, by default in the document's own language."""
    chosen = lang or doc.lang
    return map_units(doc, lambda unit: segment_unit(unit, chosen))


# --- deciding one boundary ---------------------------------------------------


def _ends_sentence(text: str, m: re.Match[str], start: int) -> bool:
    """Whether the punctuation matched by m, in the sentence begun at start, ends it."""
    term, close = m.group("term"), m.group("close")
    after = _OPENERS_RE.sub("", text[m.end() :], count=1)
    if not after:
        return True
    before = TAG_RE.sub("", text[start : m.start()])
    words = before.split()
    word = words[-1].lstrip("\"'“‘«([{「『《〈") if words else ""
    core = word.rstrip(_CLOSERS)
    last = core[-1:] if core else ""
    korean = is_hangul(last)
    nxt = after[0]

    if is_hangul(nxt) and any(q in close for q in _QUOTES) and after.startswith(_KO_QUOTATIVE):
        return False
    if nxt.islower() and not korean:
        return False  # "Huh?” and left", "etc. and", "smile… and"
    if "?" in term or "!" in term or "？" in term or "！" in term:
        return True
    if "…" in term or term.count(".") >= 2:
        return last in _KO_FINAL if korean else nxt.isupper()
    if korean or not core:
        return True
    return _period_ends(core, after, words)


def _period_ends(word: str, after: str, words: list[str]) -> bool:
    """Whether a single period after a Latin word or number ends the sentence.

    words: the sentence so far, up to and including word.
    """
    if _NUMBER_RE.fullmatch(word):
        # "1. Mix" and "Steps: 2. Bake" are list markers; "2024. 3. 5." is a date.
        listed = len(words) == 1 or words[-2].endswith(":")
        dated = len(words) > 1 and _NUMBER_DOT_RE.fullmatch(words[-2]) is not None
        return not listed and not dated and not after[0].isdigit()
    if word in _ORDINARY:
        return True
    if word in ("No", "Nos"):
        return not after[0].isdigit()  # "No. 5" / "Do you? No. I don't."
    if word in _NEVER_FINAL or word.lower() in _NEVER_FINAL_ANY_CASE:
        return False
    initial = len(word) == 1 and word.isupper()
    if word in _AMBIGUOUS or initial or _LETTER_DOTS_RE.fullmatch(word):
        opener = re.match(r"[A-Za-z]+", after)
        return opener is not None and opener.group(0) in _STARTERS and not _INITIAL_RE.match(after)
    return True


# --- spans that may not be cut ----------------------------------------------


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Placeholder pairs, and short quotations and brackets, as (start, end)."""
    spans: list[tuple[int, int]] = []
    open_tags: list[tuple[int, int]] = []  # (number, start)
    for tag in tags(text):
        if tag.kind == "open":
            open_tags.append((tag.number, tag.start))
        elif tag.kind == "close":
            for i in range(len(open_tags) - 1, -1, -1):
                if open_tags[i][0] == tag.number:
                    spans.append((open_tags[i][1], tag.end))
                    del open_tags[i]
                    break
    return spans + [(a, b) for a, b in _quote_spans(text) if b - a <= _QUOTE_LIMIT]


def _quote_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    stacks: dict[str, list[int]] = {}
    closers = {close: opener for opener, close in _PAIRS.items()}
    for i, ch in enumerate(text):
        if ch == '"':
            # A straight quote opens after a space or bracket, and closes otherwise.
            opening = i == 0 or text[i - 1].isspace() or text[i - 1] in "([{“‘"
            if opening:
                stacks.setdefault('"', []).append(i)
            elif stacks.get('"'):
                spans.append((stacks['"'].pop(), i + 1))
        elif ch in _PAIRS:
            stacks.setdefault(ch, []).append(i)
        elif ch in closers and stacks.get(closers[ch]):
            spans.append((stacks[closers[ch]].pop(), i + 1))
    return spans


def _pieces(text: str, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Slices between the cuts; a piece with no letter or digit joins its neighbour."""
    pieces: list[tuple[int, int]] = []
    start = 0
    for end, next_start in [*cuts, (len(text), len(text))]:
        pieces.append((start, end))
        start = next_start
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        if merged and not (_has_words(text[slice(*merged[-1])]) and _has_words(text[a:b])):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _has_words(text: str) -> bool:
    return any(c.isalnum() for c in TAG_RE.sub("", text))
