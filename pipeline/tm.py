"""Translation memory exchange: reviewed entries out as TMX, an agency's TMX back in as fuzzy.

Export takes only what people reviewed (no fuzzy flag, a msgstr, no pseudo
text). Import fills only empty or machine-only entries, marked fuzzy with the
file as provenance (``# tm: <file>``), so a reviewer's translation is never
replaced, and writes each catalog through compare-and-swap: a save made
meanwhile is filled again from what was saved.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import polib

from pipeline import catalog, files, locales, tmx
from pipeline.article import bcp47
from pipeline.config import Config
from pipeline.document import Document
from pipeline.engines.pseudo import is_pseudo
from pipeline.errors import PostlingoError
from pipeline.project import check_targets, po_path, relative, targets_for

Hits = dict[tuple[str | None, str], str]  # (msgctxt, msgid) → msgstr


def same_locale(a: str, b: str) -> bool:
    """en-US and en_us are one locale; TMX writes BCP 47, gettext underscores."""
    return locales.gettext_code(a).casefold() == locales.gettext_code(b).casefold()


def _catalogs(
    config: Config, docs: Sequence[Document], only: Sequence[str]
) -> Iterator[tuple[Document, str, Path]]:
    check_targets(config, only)
    for doc in docs:
        for locale in targets_for(doc, config, only):
            yield doc, locale, po_path(config, locale, doc.slug)


def _reviewed(po: polib.POFile) -> Iterator[polib.POEntry]:
    for entry in po:
        if entry.obsolete or entry.fuzzy or not entry.msgstr or entry.msgid_plural:
            continue
        if not is_pseudo(entry.msgstr):
            yield entry


def export(config: Config, docs: Sequence[Document], only: Sequence[str], target: Path) -> int:
    """Write every reviewed entry as TMX 1.4b; returns how many."""
    units = []
    for doc, locale, path in _catalogs(config, docs, only):
        if not path.is_file():
            continue
        for entry in _reviewed(catalog.load(path)):
            source, lang = bcp47(doc.lang), bcp47(locale)
            variants = (tmx.Variant(source, entry.msgid), tmx.Variant(lang, entry.msgstr))
            units.append(tmx.TranslationUnit(source, variants, doc.slug, entry.msgctxt))
    files.ensure_folders([target.parent])
    files.write_atomic(target, tmx.write(units, metadata.version("postlingo")))
    return len(units)


def hits(units: Sequence[tmx.TranslationUnit], doc: Document, locale: str) -> Hits:
    """What the memory offers one catalog; a unit from the same post wins over others."""
    found: Hits = {}
    own: set[tuple[str | None, str]] = set()
    for unit in units:
        if not same_locale(unit.srclang, doc.lang):
            continue
        source = unit.text(unit.srclang, same_locale)
        text = unit.text(locale, same_locale)
        if not source or not text:
            continue
        key = (unit.context, source)
        if key not in found or (unit.post == doc.slug and key not in own):
            found[key] = text
            if unit.post == doc.slug:
                own.add(key)
    return found


@dataclass
class ImportResult:
    filled: int = 0
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _fill_catalog(
    config: Config, path: Path, pot: polib.POFile, locale: str, offered: Hits, where: str
) -> tuple[int, list[str]]:
    """Fill one catalog by compare-and-swap; (entries filled, warnings)."""
    seen = files.read_settled(path)
    filled = [0]
    warnings: list[str] = []

    def render(current: bytes | None) -> bytes:
        if current is None:
            po = catalog.merge(pot, None, locale)
        else:
            try:
                po = catalog.parse(files.decode(current, path), path)
            except PostlingoError as exc:
                warnings[:] = [f"{exc} (left as it is)"]
                return current
        warnings.clear()
        filled[0] = catalog.fill_from_tm(po, offered, where)
        if current is not None and not filled[0]:
            return current
        return catalog.dump(po, config.wrap_width).encode("utf-8")

    if seen is None and not catalog.fill_from_tm(catalog.merge(pot, None, locale), offered, where):
        return 0, []  # no catalog yet, and the memory has nothing for it
    changed = files.compare_and_swap(path, seen, render)
    return (filled[0] if changed else 0), warnings


def import_memory(
    config: Config, docs: Sequence[Document], only: Sequence[str], source: Path
) -> ImportResult:
    """Fill the project's catalogs from a TMX file; a missing catalog is made from its template."""
    units = tmx.read(files.read_bytes(source), source)
    where = relative(config, source)
    result = ImportResult()
    for doc, locale, path in _catalogs(config, docs, only):
        offered = hits(units, doc, locale)
        if not offered:
            continue
        pot = catalog.template(doc, config.project)
        filled, warnings = _fill_catalog(config, path, pot, locale, offered, where)
        result.warnings.extend(warnings)
        if filled:
            result.filled += filled
            result.written.append(path)
    return result
