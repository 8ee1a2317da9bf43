"""PO text exactly as GNU msgcat/msgmerge lay it out, so reviewers' tools make no diff.

polib wraps with textwrap (counting code points, breaking only at spaces); gettext
wraps by display columns at Unicode line-break opportunities (UAX #14, as
implemented by libunistring). A catalog touched by both would flip-flop on
every run, so this module reproduces gettext's `wrap()` from write-po.c and the
pair-table line breaker it uses, for the scripts posts are written in.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Collection, Iterable
from functools import cache, lru_cache

import polib

NO_WRAP = 1 << 30  # gettext uses INT_MAX for "never wrap"
_REFERENCE_WIDTH = 79  # `#:` lines wrap at 79 even with --no-wrap

# --- line-break classes (UAX #14 subset) ---------------------------------------


def _words(table: str) -> list[str]:
    """Tables below are written as whitespace-separated grids, which read best."""
    return table.split()


_CLASSES = _words(
    "WJ GL B2 BA BB HY CL CLW CP EX IN NS OP OPW QU IS NU PO PR SY AL H2 H3 ID JL JV JT HL RI"
)
_INDEX = {name: i for i, name in enumerate(_CLASSES)}

# Pair table measured from libunistring 1.0 (gettext 0.21): rows = class before,
# columns = class after. D: break, I: break only across spaces, P: never.
# OPW is an East Asian wide OP, which UAX #14 LB30 treats differently.
_PAIRS = _words("""
PIIIIIPPPPIIIIIPIIIPIIIIIIIII
PIIIIIPPPPIIIIIPIIIPIIIIIIIII
PIPIDIPPPPIIDDIPDDDPDDDDDDDDD
PDDIDIPPPPIIDDIPDDDPDDDDDDDDD
PIIIIIPPPPIIIIIPIIIPIIIIIIIII
PDDIDIPPPPIIDDIPIDDPDDDDDDDDD
PIDIDIPPPPIPDDIPDIIPDDDDDDDDD
PIDIDIPPPPIPDDIPDIIPDDDDDDDDD
PIDIDIPPPPIIDDIPIIIPIDDDDDDID
PIDIDIPPPPIIDDIPDDDPDDDDDDDDD
PIDIDIPPPPIIDDIPDDDPDDDDDDDDD
PIDIDIPPPPIIDDIPDDDPDDDDDDDDD
PPPPPPPPPPPPPPPPPPPPPPPPPPPPP
PPPPPPPPPPPPPPPPPPPPPPPPPPPPP
PIIIIIPPPPIIPPIPIIIPIIIIIIIII
PIDIDIPPPPIIDDIPIDDPDDDDDDDDD
PIDIDIPPPPIIIDIPIIIPIDDDDDDID
PIDIDIPPPPIIIIIPIDDPIDDDDDDID
PIDIDIPPPPIIIIIPIDDPIIIIIIIID
PIDIDIPPPPIIDDIPIDDPDDDDDDDID
PIDIDIPPPPIIIDIPIIIPIDDDDDDID
PIDIDIPPPPIIDDIPDIDPDDDDDIIDD
PIDIDIPPPPIIDDIPDIDPDDDDDDIDD
PIDIDIPPPPIIDDIPDIDPDDDDDDDDD
PIDIDIPPPPIIDDIPDIDPDIIDIIDDD
PIDIDIPPPPIIDDIPDIDPDDDDDIIDD
PIDIDIPPPPIIDDIPDIDPDDDDDDIDD
PIDIDIPPPPIIIDIPIIIPIDDDDDDID
PIDIDIPPPPIIDDIPDDDPDDDDDDDDI
""")

_ASCII = _words(
    "CM CM CM CM CM CM CM CM CM BA LF BK BK CR CM CM "
    "CM CM CM CM CM CM CM CM CM CM CM CM CM CM CM CM "
    "SP EX QU AL PR PO AL QU OP CP AL PR IS HY IS SY "
    "NU NU NU NU NU NU NU NU NU NU IS IS AL AL AL EX "
    "AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL "
    "AL AL AL AL AL AL AL AL AL AL AL OP PR CP AL AL "
    "AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL "
    "AL AL AL AL AL AL AL AL AL AL AL OP BA CL AL CM"
)

_SPECIAL = {
    0x85: "BK", 0xA0: "GL", 0xA1: "OP", 0xA2: "PO", 0xA3: "PR", 0xA4: "PR", 0xA5: "PR",
    0xAB: "QU", 0xAD: "BA", 0xB0: "PO", 0xB1: "PR", 0xB4: "BB", 0xBB: "QU", 0xBF: "OP",
    0x2007: "GL", 0x200B: "ZW", 0x200C: "CM", 0x200D: "ZWJ", 0x2010: "BA", 0x2011: "GL",
    0x2012: "BA", 0x2013: "BA", 0x2014: "B2", 0x2018: "QU", 0x2019: "QU", 0x201A: "OP",
    0x201B: "QU", 0x201C: "QU", 0x201D: "QU", 0x201E: "OP", 0x201F: "QU", 0x2024: "IN",
    0x2025: "IN", 0x2026: "IN", 0x2027: "BA", 0x2028: "BK", 0x2029: "BK", 0x202F: "GL",
    0x2030: "PO", 0x2031: "PO", 0x2032: "PO", 0x2033: "PO", 0x2034: "PO", 0x2035: "PO",
    0x2036: "PO", 0x2037: "PO", 0x2039: "QU", 0x203A: "QU", 0x203C: "NS", 0x203D: "NS",
    0x2044: "IS", 0x2060: "WJ", 0x20A9: "PR", 0x20AC: "PR", 0x2103: "PO", 0x2116: "PR",
    0x2212: "PR", 0x2E3A: "B2", 0x2E3B: "B2", 0x27E6: "OP", 0x27E7: "CL", 0x3000: "BA",
    0x3001: "CL", 0x3002: "CL", 0x3005: "NS", 0x301C: "NS", 0x30FB: "NS", 0x30FC: "NS",
    0xFEFF: "WJ", 0xFF01: "EX", 0xFF05: "PO", 0xFF08: "OPW", 0xFF09: "CL", 0xFF0C: "CL",
    0xFF0E: "CL", 0xFF1A: "NS", 0xFF1B: "NS", 0xFF1F: "EX", 0xFF3B: "OPW", 0xFF3D: "CL",
    0xFF5B: "OPW", 0xFF5D: "CL", 0xFFE0: "PO", 0xFFE1: "PR", 0xFFE5: "PR", 0xFFE6: "PR",
    0x034F: "GL", 0x035C: "GL", 0x035D: "GL", 0x035E: "GL", 0x035F: "GL", 0x0360: "GL",
    0x0361: "GL", 0x0362: "GL", 0x037E: "IS", 0x0589: "IS", 0x05BE: "BA", 0x060C: "IS",
    0x061B: "EX", 0x061F: "EX", 0x066A: "PO", 0x066B: "NU", 0x066C: "NU", 0x06D4: "EX",
    0x00B7: "AL", 0x30FD: "NS", 0x30FE: "NS", 0x309D: "NS", 0x309E: "NS",
}  # fmt: skip


@cache
def _class(ch: str) -> str:
    cp = ord(ch)
    if cp < 0x80:
        return _ASCII[cp]
    if cp in _SPECIAL:
        return _SPECIAL[cp]
    if 0xAC00 <= cp <= 0xD7A3:
        return "H2" if (cp - 0xAC00) % 28 == 0 else "H3"
    if 0x1100 <= cp <= 0x115F or 0xA960 <= cp <= 0xA97C:
        return "JL"
    if 0x1160 <= cp <= 0x11A7 or 0xD7B0 <= cp <= 0xD7C6:
        return "JV"
    if 0x11A8 <= cp <= 0x11FF or 0xD7CB <= cp <= 0xD7FB:
        return "JT"
    if 0x1F1E6 <= cp <= 0x1F1FF:
        return "RI"
    category = unicodedata.category(ch)
    if category in ("Mn", "Mc", "Me", "Cc"):
        return "CM"
    if category == "Zs":
        return "BA"
    wide = unicodedata.east_asian_width(ch) in ("W", "F")
    if wide and category[0] in "LNS":
        return "ID"
    if category == "Nd":
        return "NU"
    if category == "Ps":
        return "OPW" if wide else "OP"
    if category == "Pe":
        return "CL"
    if category in ("Pi", "Pf"):
        return "QU"
    if category == "Sc":
        return "PR"
    return "AL"


_MANDATORY = ("BK", "LF", "CR")
# Scripts of alphabets: Latin, Greek, Cyrillic, Arabic, with their combining marks.
_ALPHABETS = [(0x41, 0x5A), (0x61, 0x7A), (0xB7, 0xB7), (0xC0, 0x24F), (0x300, 0x52F),
              (0x600, 0x6FF), (0x1E00, 0x1FFF)]  # fmt: skip


# Their letters (AL) and marks (CM): after a letter, no break falls inside a run of them.
LETTERS = "".join(
    chr(cp) for first, last in _ALPHABETS for cp in range(first, last + 1)
    if _class(chr(cp)) in ("AL", "CM")
    and (unicodedata.category(chr(cp))[0] in "LM" or _SPECIAL.get(cp) == "AL")
)  # fmt: skip
_LETTERS_RE = re.compile(f"[{re.escape(LETTERS)}]+")


@lru_cache(maxsize=4)  # a wrapped string is measured twice: after its keyword, then alone
def break_opportunities(text: str) -> tuple[int, ...]:
    """Where a line may break: the indices of the characters it may break before.

    libunistring's algorithm, but a run of letters after a letter is skipped whole:
    no break can fall inside a word, and prose is mostly words.
    """
    result: list[int] = []
    last = "BK"  # class of the last non-space character
    seen_space = False
    i, end = 0, len(text)
    while i < end:
        prop = _class(text[i])
        if prop in _MANDATORY:
            last, seen_space = "BK", False
        elif prop == "SP":
            seen_space = True
        elif prop == "ZW":
            last, seen_space = "ZW", False
        elif prop in ("CM", "ZWJ"):
            # A mark joins what precedes it, unless a line or a space is all that precedes.
            if last == "BK" or last == "ZW" or (seen_space and last not in ("OP", "OPW")):
                if last != "BK":
                    result.append(i)
                last, seen_space = "AL", False
        else:
            if last == "ZW":
                result.append(i)
            elif last != "BK":
                rule = _PAIRS[_INDEX[last]][_INDEX[prop]]
                if rule == "D" or (rule == "I" and seen_space):
                    result.append(i)
            last, seen_space = prop, False
        i += 1
        if last == "AL" and not seen_space:  # letters after a letter (AL AL): never a break
            run = _LETTERS_RE.match(text, i)
            if run:
                i = run.end()
    return tuple(result)


@cache
def column_width(ch: str) -> int:
    """Display columns, as uc_width counts them in a UTF-8 (non-CJK) locale; once per character."""
    cp = ord(ch)
    if cp < 0x20 or 0x7F <= cp < 0xA0:
        return 0
    if 0x1160 <= cp <= 0x11FF or cp == 0x200B:
        return 0
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


_MANDATORY_RE = re.compile("[\n\v\f\r\x85\u2028\u2029]")  # the characters of those classes
_ZERO_WIDTH_ASCII_RE = re.compile("[\x00-\x1f\x7f]")


@lru_cache(maxsize=4)
def _column_offsets(text: str) -> tuple[int, ...] | None:
    """offsets[i]: the columns text[:i] takes; None when that is just i (ASCII, no controls)."""
    if text.isascii() and not _ZERO_WIDTH_ASCII_RE.search(text):
        return None
    return (0, *itertools.accumulate(map(column_width, text)))


def width_breaks(text: str, width: int, start: int, forbidden: Collection[int]) -> list[int]:
    """Where to break `text` so its lines fit `width` columns: greedy, like gnulib.

    Returns the indices that start a new line, in order. A string that fits
    needs no break search; otherwise only the places a line may break, or must,
    are visited, with the columns between them from one table.
    """
    offsets = _column_offsets(text)
    if start + (offsets[-1] if offsets else len(text)) <= width:
        return []  # widths are >= 0: no piece can overflow
    mandatory = {m.start() for m in _MANDATORY_RE.finditer(text)}
    allowed = [i for i in break_opportunities(text) if i not in forbidden]
    cuts: list[int] = []
    last_break: int | None = None
    column = start
    piece = 0
    done = 0  # characters before this are counted in column + piece
    for i in sorted(mandatory.union(allowed)):
        piece += (offsets[i] - offsets[done]) if offsets else i - done
        if last_break is not None and column + piece > width:
            cuts.append(last_break)
            column = 0
        if i in mandatory:  # U+2028 and friends: gettext measures what follows from column 0
            last_break, column, piece, done = None, 0, 0, i + 1
            continue
        last_break = i
        column += piece
        piece = 0
        done = i
    piece += (offsets[-1] - offsets[done]) if offsets else len(text) - done
    if last_break is not None and column + piece > width:
        cuts.append(last_break)
    return cuts


def _breaks_after(text: str, width: int, start: int, forbidden: Collection[int]) -> bool:
    """Whether `width_breaks` would cut the text, known without laying it out: a text with
    no mandatory break that overflows is cut if it may break anywhere (were it cut nowhere
    before its end, its last break would be). False means: ask width_breaks."""
    offsets = _column_offsets(text)
    if start + (offsets[-1] if offsets else len(text)) <= width or _MANDATORY_RE.search(text):
        return False
    return any(i not in forbidden for i in break_opportunities(text))


# --- strings -------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\v": "\\v"}
_ESCAPES |= {"\b": "\\b", "\f": "\\f"}  # exactly what polib reads back
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_ESCAPE_RE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


def _portions(value: str) -> list[str]:
    """The text up to and including each newline, as gettext splits it."""
    parts = value.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1] or not out:
        out.append(parts[-1])
    return out


def _escaped(portion: str) -> tuple[str, set[int]]:
    """The portion as written between quotes, and where no line may start.

    A line never starts inside an escape, nor at the backslash of a final `\\n`.
    """
    text = portion.translate(_ESCAPE_TABLE)
    forbidden: set[int] = set()
    if len(text) != len(portion):
        for shift, m in enumerate(_ESCAPE_RE.finditer(portion)):
            forbidden.add(m.start() + shift + 1)
    if portion.endswith("\n"):
        forbidden.add(len(text) - 2)
    return text, forbidden


def wrap_string(prefix: str, keyword: str, value: str, page_width: int) -> list[str]:
    """Lines for `keyword "value"` under `prefix` ("", "#~ ", "#| "), as msgcat writes them."""
    lines: list[str] = []
    first = True
    portions = _portions(value)
    width = page_width - 2 - len(prefix)  # what is left after the prefix and the quotes
    for n, portion in enumerate(portions):
        text, forbidden = _escaped(portion)
        start = len(keyword) + 1 if first else 0  # the keyword's columns, on its own line
        if (
            first
            and text
            and (
                n + 1 < len(portions)
                or start > width
                or _breaks_after(text, width, start, forbidden)
                or width_breaks(text, width, start, forbidden)
            )
        ):  # on lines of its own, below `keyword ""`
            lines.append(f'{prefix}{keyword} ""')
            first = False
            start = 0
        cuts = width_breaks(text, width, start, forbidden)
        head = f"{prefix}{keyword} " if first else prefix
        first = False
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        lines.append(f'{head}"{pieces[0]}"')
        lines.extend(f'{prefix}"{piece}"' for piece in pieces[1:])
    return lines


# --- entries -------------------------------------------------------------------


def _comment_lines(mark: str, text: str, keep_empty: bool) -> list[str]:
    if not text:
        return []
    out = []
    for line in text.split("\n"):
        line = line.rstrip()
        if line:
            out.append(f"{mark} {line}")
        elif keep_empty:
            out.append(mark)
    return out


def _references(occurrences: Iterable[tuple[str, str]], page_width: int) -> list[str]:
    limit = page_width if page_width < NO_WRAP else _REFERENCE_WIDTH
    lines: list[str] = []
    current = "#:"
    for path, line in occurrences:
        ref = f"{path}:{line}" if line else path
        if len(current) > 2 and len(current) + len(ref) + 1 > limit:
            lines.append(current)
            current = "#:"
        current += " " + ref
    if len(current) > 2:
        lines.append(current)
    return lines


def _flags(flags: Iterable[str], msgstr_empty: bool) -> list[str]:
    shown = [f for f in dict.fromkeys(f.strip() for f in flags) if f]
    if "fuzzy" in shown:
        shown.remove("fuzzy")
        if not msgstr_empty:
            shown.insert(0, "fuzzy")
    return ["#, " + ", ".join(shown)] if shown else []


def entry_lines(entry: polib.POEntry, page_width: int) -> list[str]:
    """One message as msgcat prints it (obsolete ones under `#~`, without `#|`)."""
    prefix = "#~ " if entry.obsolete else ""
    plural = bool(entry.msgid_plural)
    forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)] if plural else []
    empty = not (any(forms) if plural else entry.msgstr)
    lines = _comment_lines("#", entry.tcomment or "", keep_empty=True)
    lines += _comment_lines("#.", entry.comment or "", keep_empty=False)
    lines += _references(entry.occurrences, page_width)
    lines += _flags(entry.flags, empty)
    if not entry.obsolete:
        for keyword in ("msgctxt", "msgid", "msgid_plural"):
            previous = getattr(entry, f"previous_{keyword}", None)
            if previous is not None and previous != "":
                lines += wrap_string("#| ", keyword, previous, page_width)
    if entry.msgctxt is not None:
        lines += wrap_string(prefix, "msgctxt", entry.msgctxt, page_width)
    lines += wrap_string(prefix, "msgid", entry.msgid, page_width)
    if plural:
        lines += wrap_string(prefix, "msgid_plural", entry.msgid_plural, page_width)
        for k, form in enumerate(forms or [""]):
            lines += wrap_string(prefix, f"msgstr[{k}]", form, page_width)
    else:
        lines += wrap_string(prefix, "msgstr", entry.msgstr, page_width)
    return lines


def header_lines(po: polib.POFile, page_width: int) -> list[str]:
    lines = _comment_lines("#", po.header, keep_empty=True) if po.header else []
    fuzzy = po.metadata_is_fuzzy
    if fuzzy is True or (isinstance(fuzzy, list) and "fuzzy" in fuzzy):
        lines.append("#, fuzzy")
    lines.append('msgid ""')
    body = "".join(f"{key}: {value}\n" for key, value in po.metadata.items())
    lines += wrap_string("", "msgstr", body, page_width)
    return lines


def render(po: polib.POFile, wrap_width: int) -> str:
    """The whole catalog: header, live entries in order, then obsolete ones with a msgstr."""
    page_width = wrap_width if wrap_width > 0 else NO_WRAP
    live = (e for e in po if not e.obsolete)
    gone = (e for e in po if e.obsolete and has_msgstr(e))
    # One entry's lines at a time: holding every line of a big catalog cost 10x its text.
    entries = ("\n".join(entry_lines(e, page_width)) for e in itertools.chain(live, gone))
    return "\n\n".join(itertools.chain(["\n".join(header_lines(po, page_width))], entries)) + "\n"


def has_msgstr(entry: polib.POEntry) -> bool:
    """Translated in any form: gettext drops obsolete entries that are not."""
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)
