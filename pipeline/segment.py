"""Sentence splitting for English and Korean posts.

One sentence becomes one PO entry, so a boundary in the wrong place gives a
reviewer a fragment to translate, and a missed one gives a paragraph. The
rules are plain and local: a boundary is only ever placed in whitespace, so
no character is lost or moved, and URLs, e-mail addresses, decimals, times
and "2~3일" can never be cut. The places it may go are found first (after
. ? ! …, before an inline list marker or bullet, after an emoji, emoticon,
ㅎㅎ or "~", at a Korean line end, at a blank line); whether one really ends
a sentence is decided from the word before it (abbreviations, initials, list
numbers, Korean endings: segment_en, segment_ko) and the word after it (case,
Korean quotatives), outside placeholder pairs, site markup and short
quotations. Measured by `make segment-eval` on tests/fixtures/segment/.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from pipeline import segment_en, segment_ko
from pipeline.document import TAG_RE, Document, Segment, Unit, map_units, renumber, tags
from pipeline.segment_marks import (
    CLOSERS,
    SOFT,
    Marker,
    marker_shaped,
    markers,
    soft_endings,
    stripped_end,
    without_soft,
)
from pipeline.sources.language import is_hangul

# Punctuation that ends a sentence (a spaced ". . ." is one mark; a run is only
# tried from its start, or "....." takes quadratic time), then what
# may close around it (quotes, brackets, closing or void placeholder tags, an
# emoji or emoticon), then the whitespace we cut in. A blank line inside a
# block is a boundary too.
_BOUNDARY_RE = re.compile(
    r"(?P<term>(?<![.?!…。？！])[.?!…。？！]+(?:[^\S\n]\.(?=[\s\"'”’)\]]|$))*)"
    rf"(?P<close>(?:[\"'”’»)\]}}」』》〉]|</\d+>|<\d+/>|[^\S\n]*{SOFT})*)"
    r"(?P<space>\s+)"
    r"|(?P<para>\n[^\S\n]*\n\s*)"
)
# A single line break, where Korean may end a sentence with no mark at all.
_LINE_RE = re.compile(r"[^\S\n]*\n[^\S\n]*(?=\S)")
_OPENERS_RE = re.compile(r"^(?:[\"'“‘«(\[{「『《〈¿¡]|<\d+/?>)+")
_QUOTES = "\"'”’»」』》〉"
# A citation after a quotation belongs to its sentence: "… stairways [...]" (Smith 55).
_CITATION_RE = re.compile(r"\([^()\n]{1,80}\)[.?!,;]")
# Static-site markup is kept whole: Hugo shortcodes {{< … >}} and {{% … %}},
# Liquid {% … %} and {{ … }}.
_MARKUP_RE = re.compile(r"\{\{[<%].*?[%>]\}\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)

# Quotations and brackets up to this long are kept in one sentence
# ('thinking, “Huh? Have I really gotten this old?” more often'); longer ones
# are treated as running text so a mismatched mark can't swallow a paragraph.
_QUOTE_LIMIT = 160
# The rules read at most this far past a place (a word, openers, a citation).
LOOKAHEAD = 300
_PAIRS = {"“": "”", "「": "」", "『": "』", "«": "»", "(": ")", "[": "]"}

Cut = tuple[int, int]  # (end of one sentence, start of the next)
# A place a sentence may end: (where its whitespace starts, what decides it
# given where the current sentence started).
Place = tuple[int, Callable[[int], Cut | None]]


def split(text: str, lang: str) -> list[str]:
    """Split one block's text into stripped, non-empty sentences, in order.

    The rules are chosen by script rather than by lang, so Korean with English
    mixed in ("SMAS 층") and English quoting Korean both split correctly; lang
    is part of the contract for rules that may need it later.
    """
    firsts, lasts = _interiors(_protected_spans(text))
    cuts: list[Cut] = []
    start = 0
    for gap, decide in _places(text):
        if cuts and gap < cuts[-1][1]:
            continue
        inside = bisect.bisect_right(firsts, gap) - 1
        if inside >= 0 and gap <= lasts[inside]:
            continue
        cut = decide(start)
        if cut is not None:
            cuts.append(cut)
            start = cut[1]
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


# --- finding the places --------------------------------------------------------


def _places(text: str) -> list[Place]:
    """Every place a sentence may end, in text order; at one place, marks decide first."""
    listed = markers(text)
    dots = {m.dot: m for m in listed if m.dot is not None}
    places: list[tuple[int, int, Callable[[int], Cut | None]]] = []
    for m in _BOUNDARY_RE.finditer(text):
        if m.group("para") is not None:
            places.append((m.start("para"), 0, partial(_always, (m.start("para"), m.end()))))
        else:
            marker = dots.get(m.start("term"))
            places.append((m.start("space"), 0, partial(_after_mark, text, m, marker)))
    for marker in listed:
        gap = stripped_end(text, marker.start)
        if marker.opens and gap:
            places.append((gap, 1, partial(_before_marker, text, marker, (gap, marker.start))))
    for m in soft_endings(text):
        places.append((m.start("space"), 2, partial(_after_soft, text, m)))
    for m in _LINE_RE.finditer(text):
        places.append((m.start(), 3, partial(_at_line_end, text, m)))
    return [(gap, decide) for gap, _, decide in sorted(places, key=lambda p: p[:2])]


def _always(cut: Cut, start: int) -> Cut:
    return cut


def _rest(text: str, at: int) -> str:
    """What follows offset `at`, as far as any rule looks.

    Slicing the rest of a long paragraph at every place made it quadratic.
    """
    return text[at : at + LOOKAHEAD]


# --- deciding one place ---------------------------------------------------------


def _after_mark(text: str, m: re.Match[str], marker: Marker | None, start: int) -> Cut | None:
    if marker is not None and (marker.fixed or marker.start == start):
        return None  # "1. Mix", "a. The first item": the period of a list marker
    if _period_then_ellipsis(text, m):
        return (m.start() + 1, m.start() + 2)
    return (m.start("space"), m.end()) if _ends_sentence(text, m, start) else None


def _period_then_ellipsis(text: str, m: re.Match[str]) -> bool:
    """ "compounds. . . . The": a period against the word, then an ellipsis opening the next."""
    term = m.group("term")
    attached = m.start() > 0 and not text[m.start() - 1].isspace()
    long_enough = term.startswith(". ") and term.count(".") >= 4
    return attached and long_enough and _rest(text, m.end())[:1].isupper()


def _ends_sentence(text: str, m: re.Match[str], start: int) -> bool:
    """Whether the punctuation matched by m, in the sentence begun at start, ends it."""
    term, close = m.group("term"), m.group("close")
    rest = _rest(text, m.end())
    after = _OPENERS_RE.sub("", rest, count=1)
    if not after:
        return True
    before = TAG_RE.sub("", text[start : m.start()])
    words = before.split()
    word = words[-1].lstrip("\"'“‘«([{「『《〈") if words else ""
    core = word.rstrip(CLOSERS)
    korean = is_hangul(core[-1:])
    quoted = any(q in close for q in _QUOTES)

    if quoted and is_hangul(after[0]) and after.startswith(segment_ko.QUOTATIVES):
        return False  # “정말요?” 하고 물었다
    if quoted and (_CITATION_RE.match(rest) or segment_en.reports_quote(before, after)):
        return False  # "…" (Smith 55). / ‘Is that normal?’ I wondered.
    if not korean and not segment_en.starts_sentence(after):
        return False  # "Huh?” and left", "etc. and", "smile… and"
    if term == "." and marker_shaped(core) and (len(words) == 1 or words[-2].endswith(":")):
        return False  # "b. The second item", "Steps: a. The": a list marker opens a list
    if any(c in term for c in "?!？！"):
        return True
    if m.start() > 0 and text[m.start() - 1] in "[(" and close[:1] in "])":
        return False  # "[...]": an omission, not an ending
    if " " in term:
        return term.count(".") >= 4 and after[0].isupper()  # ". . ." omits; ". . . ." ends
    if "…" in term or term.count(".") >= 2:
        return (
            segment_ko.ends_with_final(core) if korean else segment_en.ellipsis_ends(words, after)
        )
    if korean or not core:
        return True
    return segment_en.period_ends(core, after, words)


def _before_marker(text: str, marker: Marker, cut: Cut, start: int) -> Cut | None:
    """An inline list item starts a sentence if it reads like one ("2.) The second item")."""
    if marker.opens == "always":
        return cut
    first = marker.end
    while first < len(text) and text[first].isspace():
        first += 1
    item = _OPENERS_RE.sub("", _rest(text, first), count=1)
    if not item or not item[0].isalpha():
        return None
    if not is_hangul(item[0]):
        return cut if item[0].isupper() else None  # "Steps: 1) cleanse 2) tone"
    before = text[start : marker.start].split()
    ended = bool(before) and segment_ko.ends_with_final(before[-1].rstrip(".?!…"))
    return cut if ended or not marker.colon else None  # "준비물: 1) 신분증 2) 보험증"


def _after_soft(text: str, m: re.Match[str], start: int) -> Cut | None:
    """An emoji, emoticon, ㅎㅎ or "~" ends a sentence written like one ("좋았어요 ㅎㅎ")."""
    before = TAG_RE.sub("", text[start : m.start()]).split()
    after = _OPENERS_RE.sub("", _rest(text, m.end()), count=1)
    if not before or not after:
        return None
    word = before[-1]
    if is_hangul(word[-1]):
        ended = segment_ko.ends_with_final(word)
    else:  # "I loved it :) See you": English has no ㅎㅎ or "~" ending
        ended = word[-1].isalnum() and m.group("soft")[0] not in "~ㅋㅎㅠㅜ" and after[0].isupper()
    return (m.start("space"), m.end()) if ended else None


def _at_line_end(text: str, m: re.Match[str], start: int) -> Cut | None:
    """A Korean line that ends in a finished sentence needs no period ("왔어요\n생각보다")."""
    before = TAG_RE.sub("", text[start : m.start()]).split()
    after = _rest(text, m.end()).split(maxsplit=1)
    ended = bool(before) and segment_ko.line_end_ends(before[-1], after[0])
    return (m.start(), m.end()) if ended else None


# --- spans that may not be cut ----------------------------------------------


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Placeholder pairs, site markup, and short quotations and brackets, as (start, end)."""
    spans: list[tuple[int, int]] = [m.span() for m in _MARKUP_RE.finditer(text)]
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


def _interiors(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The offsets strictly inside some span, as sorted disjoint ranges (firsts, lasts).

    A long paragraph has thousands of places and spans; a bisect per place
    keeps it linear where testing every span was quadratic.
    """
    firsts: list[int] = []
    lasts: list[int] = []
    for a, b in sorted(spans):
        if b - a < 2:
            continue
        if lasts and a + 1 <= lasts[-1] + 1:
            lasts[-1] = max(lasts[-1], b - 1)
        else:
            firsts.append(a + 1)
            lasts.append(b - 1)
    return firsts, lasts


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
        elif ch in closers and stacks.get(closers[ch]) and not _smiles(text, i):
            spans.append((stacks[closers[ch]].pop(), i + 1))
    return spans


def _smiles(text: str, i: int) -> bool:
    """Whether the bracket at i is the mouth of ":)" or ":-)", which closes nothing."""
    return text[i - 1 : i] in (":", ";", "=") or text[max(i - 2, 0) : i] in (":-", ";-", "=-")


def _pieces(text: str, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Slices between the cuts; a piece with nothing to translate joins its neighbour."""
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
    """Letters or digits outside tags, site markup and emoji: a piece a translator can work on."""
    return any(c.isalnum() for c in without_soft(TAG_RE.sub("", _MARKUP_RE.sub("", text))))
