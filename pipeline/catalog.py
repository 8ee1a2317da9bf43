"""Catalogs: a post's sentences as a POT, per-locale POs, machine fill and publish policy.

Everything works in memory on polib objects; only `load` and `dump` deal with
text, and `dump` writes exactly what msgcat would, so a reviewer's tools and
ours never fight over line wrapping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline import files, po_format
from pipeline.document import Document, describe, has_words, plain_text, tag_problems
from pipeline.engines import MachineTranslation
from pipeline.engines.pseudo import is_pseudo
from pipeline.errors import PostlingoError
from pipeline.merge import merge

__all__ = [
    "TOOL_PREFIXES",
    "Stats",
    "clear_pseudo",
    "dump",
    "fill",
    "fill_from_memory",
    "fill_from_tm",
    "load",
    "merge",
    "needs_machine",
    "parse",
    "percent_publishable",
    "publishable",
    "stats",
    "template",
    "tool_notes",
    "word_count",
]

GENERATOR = "postlingo"
# Translator-comment lines this tool writes; any other line is a reviewer's and is kept.
MACHINE = "machine:"
MEMORY = "memory:"
MACHINE_NOTE = "machine-note:"
TM = "tm:"  # taken from a translation-memory (TMX) file: pipeline/tm.py
TOOL_PREFIXES = (MACHINE, MEMORY, MACHINE_NOTE, TM)


# --- template ------------------------------------------------------------------


def template(doc: Document, project: str) -> polib.POFile:
    """One entry per distinct sentence, in reading order, with every place it occurs.

    No creation date: an unchanged post must give a byte-identical POT.
    """
    pot = polib.POFile()
    pot.metadata = {
        "Project-Id-Version": project,
        # Empty rather than absent: msgfmt --check warns about missing fields,
        # and merge lets the reviewer's tool fill them in.
        "PO-Revision-Date": "",
        "Last-Translator": "",
        "Language-Team": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Language": "",
        "X-Generator": GENERATOR,
        "X-Source-Language": doc.lang,
    }
    pot.metadata_is_fuzzy = False
    entries: dict[str, polib.POEntry] = {}
    kinds: dict[str, list[str]] = {}
    tags: dict[str, list[str]] = {}
    for segment in doc.segments():
        if not has_words(segment.text):
            continue
        entry = entries.get(segment.text)
        if entry is None:
            entry = entries[segment.text] = polib.POEntry(msgid=segment.text, msgstr="")
            kinds[segment.text] = []
            tags[segment.text] = list(describe(segment.placeholders))
            pot.append(entry)
        where = (doc.path, str(segment.line))
        if where not in entry.occurrences:
            entry.occurrences.append(where)
        if segment.kind not in kinds[segment.text]:
            kinds[segment.text].append(segment.kind)
    for msgid, entry in entries.items():
        entry.comment = "\n".join([", ".join(kinds[msgid]), *tags[msgid]])
    return pot


# --- machine and memory fill ---------------------------------------------------


def needs_machine(po: polib.POFile) -> list[str]:
    """Sentences nobody has translated yet, in catalog order."""
    return [e.msgid for e in po if not e.obsolete and not e.msgid_plural and not e.msgstr]


def tool_notes(entry: polib.POEntry, prefix: str) -> list[str]:
    """What this tool wrote after `prefix` in the translator comment, in order."""
    return [
        line[len(prefix) :].strip()
        for line in (entry.tcomment or "").split("\n")
        if line.startswith(prefix)
    ]


def _set_tool_comment(entry: polib.POEntry, lines: list[str]) -> None:
    """Replace our own comment lines; the reviewer's stay as written, blank lines between too."""
    kept = [
        line for line in (entry.tcomment or "").split("\n") if not line.startswith(TOOL_PREFIXES)
    ]
    reviewer = "\n".join(kept).strip("\n")
    entry.tcomment = "\n".join(([reviewer] if reviewer else []) + lines)


def _fill_one(entry: polib.POEntry, msgstr: str, provenance: list[str]) -> bool:
    if entry.obsolete or entry.msgstr or entry.msgid_plural or not msgstr:
        return False
    entry.msgstr = msgstr
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    _set_tool_comment(entry, provenance)
    return True


def clear_pseudo(po: polib.POFile) -> int:
    """Empty unreviewed pseudo-localized entries, so a real engine can fill them."""
    cleared = 0
    for entry in po:
        if not entry.obsolete and entry.fuzzy and is_pseudo(entry.msgstr):
            entry.msgstr = ""
            entry.flags.remove("fuzzy")
            _set_tool_comment(entry, [])
            cleared += 1
    return cleared


def fill(po: polib.POFile, translations: Mapping[str, MachineTranslation]) -> int:
    """Put machine output into EMPTY entries only, as fuzzy, saying where it came from."""
    filled = 0
    for entry in po:
        mt = translations.get(entry.msgid)
        if mt is None:
            continue
        provenance = [f"{MACHINE} {mt.origin}"] + [f"{MACHINE_NOTE} {n}" for n in mt.notes]
        filled += _fill_one(entry, mt.text, provenance)
    return filled


def fill_from_memory(po: polib.POFile, hits: Mapping[str, tuple[str, str]]) -> int:
    """Reuse translations of the same sentence elsewhere (msgid → (msgstr, where)), as fuzzy."""
    filled = 0
    for entry in po:
        hit = hits.get(entry.msgid)
        if hit is not None:
            filled += _fill_one(entry, hit[0], [f"{MEMORY} {hit[1]}"])
    return filled


def machine_only(entry: polib.POEntry) -> bool:
    """A fuzzy msgstr this tool put there (engine, memory, TMX, pseudo): no one's review yet."""
    if "fuzzy" not in entry.flags or not entry.msgstr:
        return False
    return is_pseudo(entry.msgstr) or any(tool_notes(entry, p) for p in (MACHINE, MEMORY, TM))


def fill_from_tm(po: polib.POFile, hits: Mapping[tuple[str | None, str], str], where: str) -> int:
    """TMX text into empty or machine-only entries, as fuzzy; a reviewed entry is never touched.

    hits: (msgctxt, msgid) → msgstr. Text whose tags do not match the msgid is left out.
    """
    filled = 0
    for entry in po:
        text = hits.get((entry.msgctxt, entry.msgid))
        if text is None or text == entry.msgstr or tag_problems(entry.msgid, text):
            continue
        if entry.msgstr and not machine_only(entry):
            continue
        if entry.obsolete or entry.msgid_plural:
            continue
        entry.msgstr = ""
        filled += _fill_one(entry, text, [f"{TM} {where}"])
    return filled


# --- statistics and publishing -------------------------------------------------

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def word_count(msgid: str) -> int:
    """Korean counts eojeol (space-separated units), other text counts words."""
    count = 0
    for token in plain_text(msgid).split():
        count += 1 if _HANGUL.search(token) else len(_WORD.findall(token))
    return count


@dataclass(frozen=True)
class Stats:
    entries: int
    reviewed: int  # a translation without the fuzzy flag
    machine: int  # fuzzy with a msgstr: never counted as translated
    untranslated: int
    words: int  # source words over all live entries

    @property
    def percent_reviewed(self) -> float:
        return 100.0 if self.entries == 0 else round(100.0 * self.reviewed / self.entries, 1)


def stats(po: polib.POFile) -> Stats:
    live = [e for e in po if not e.obsolete]
    reviewed = sum(1 for e in live if e.msgstr and "fuzzy" not in e.flags)
    machine = sum(1 for e in live if e.msgstr and "fuzzy" in e.flags)
    return Stats(
        entries=len(live),
        reviewed=reviewed,
        machine=machine,
        untranslated=len(live) - reviewed - machine,
        words=sum(word_count(e.msgid) for e in live),
    )


def publishable(po: polib.POFile, *, machine: bool, pseudo: bool) -> dict[str, str]:
    """msgid → msgstr that may be shown; any sentence left out falls back to the source.

    Reviewed entries always count; fuzzy machine output only if `machine`;
    pseudo-localized text only if `pseudo` (whether or not it is fuzzy, since
    it can never pass for a translation); a msgstr whose tags don't match its
    msgid never, because the page could not put the markup back.
    """
    shown: dict[str, str] = {}
    for entry in po:
        text = entry.msgstr
        if entry.obsolete or not text or entry.msgid_plural:
            continue
        if is_pseudo(text):
            if not pseudo:
                continue
        elif "fuzzy" in entry.flags and not machine:
            continue
        if tag_problems(entry.msgid, text):
            continue
        shown[entry.msgid] = text
    return shown


def percent_publishable(po: polib.POFile, *, machine: bool, pseudo: bool) -> float:
    live = sum(1 for e in po if not e.obsolete)
    if live == 0:
        return 100.0
    return round(100.0 * len(publishable(po, machine=machine, pseudo=pseudo)) / live, 1)


# --- text ----------------------------------------------------------------------

_POLIB_LINE = re.compile(r"\(line (\d+)\)(?::\s*(.*))?")


_STRING_LINE = re.compile(
    r'(?:#[~|] ?)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+)?(".*)'
)
_CLOSED_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _unterminated(text: str) -> int | None:
    """The first line whose string has no closing quote: polib would cut its last character."""
    for number, line in enumerate(text.split("\n"), start=1):
        found = _STRING_LINE.fullmatch(line.strip())
        if found and not _CLOSED_STRING.match(found.group(1)):
            return number
    return None


def parse(text: str, path: Path) -> polib.POFile:
    """Read PO text; a syntax error names the file and the line."""
    broken = _unterminated(text)
    if broken is not None:
        raise PostlingoError("invalid PO file: string without its closing quote", path, broken)
    parser = polib._POFileParser("", encoding="utf-8", check_for_duplicates=False)
    # polib would split on every Unicode line boundary (U+2028, \x1c, ...);
    # gettext only ends lines at "\n".
    parser.fhandle = text.split("\n")
    try:
        po = parser.parse()
    except Exception as exc:  # polib raises bare IOError and friends on bad input
        found = _POLIB_LINE.search(str(exc))
        line = int(found.group(1)) if found else None
        detail = found.group(2) if found and found.group(2) else "syntax error"
        raise PostlingoError(f"invalid PO file: {detail}", path, line) from exc
    # polib takes one `msgid ""` as the header and leaves any other as an entry.
    seen: set[tuple[str | None, str]] = set()
    for entry in po:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key == (None, ""):  # polib numbers the file's first entry 0: no line to give
            raise PostlingoError('more than one header (msgid "")', path, entry.linenum or None)
        if key in seen:
            raise PostlingoError(f"duplicate msgid {entry.msgid!r}", path, entry.linenum)
        seen.add(key)
    return po


def load(path: Path) -> polib.POFile:
    return parse(files.read_text(path), path)


def dump(po: polib.POFile, wrap_width: int) -> str:
    """Deterministic UTF-8 text, laid out as `msgcat --width=<wrap_width>` would.

    A wrap width of 0 or less means no wrapping (`msgcat --no-wrap`).
    """
    return po_format.render(po, wrap_width)
