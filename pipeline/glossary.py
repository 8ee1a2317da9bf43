"""The project glossary: terms that must be translated one way, or kept as they are.

glossary.csv has one term per row: source term, locale, target term. An empty
target means "keep as is" (brand and anatomy names such as SMAS); locale "*"
applies a row to every locale. A header row and lines starting with # are
allowed. The MT engine shields these terms from the model and puts the target
in afterwards; `postlingo check` uses `missing_terms` to flag reviewed entries.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline import locales
from pipeline.errors import PostlingoError

ANY_LOCALE = "*"
_HEADERS = {("source", "locale", "target"), ("source term", "locale", "target term")}


@dataclass(frozen=True)
class Term:
    """One row; its line lets a check point the reviewer at the rule it applies."""

    source: str
    locale: str  # a configured locale code, or "*"
    target: str  # empty: keep the source term as is
    line: int = 0

    @property
    def keep(self) -> bool:
        return not self.target

    def rendering(self, matched: str) -> str:
        """What goes into the translation where the source had `matched`."""
        return matched if self.keep else self.target


@dataclass(frozen=True)
class Match:
    term: Term
    start: int
    end: int


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    path: str | None = None

    def for_locale(self, locale: str) -> tuple[Term, ...]:
        """Terms for a locale, longest first so "mini facelift" wins over "facelift".

        A row for the locale itself overrides a "*" row for the same term.
        """
        chosen: dict[str, Term] = {}
        for term in self.terms:
            if term.locale == ANY_LOCALE:
                chosen.setdefault(term.source.casefold(), term)
        wanted = _locale_key(locale)
        for term in self.terms:
            if _locale_key(term.locale) == wanted:
                chosen[term.source.casefold()] = term
        return tuple(sorted(chosen.values(), key=lambda t: (-len(t.source), t.source)))

    def matches(self, text: str, locale: str) -> list[Match]:
        """Non-overlapping occurrences of the locale's terms in a source text."""
        return find_terms(text, self.for_locale(locale))

    def missing_terms(self, source: str, translation: str, locale: str) -> list[Term]:
        """Terms found in the source whose required rendering is absent from the translation."""
        missing = []
        for match in self.matches(source, locale):
            want = match.term.rendering(source[match.start : match.end])
            if want.casefold() not in translation.casefold() and match.term not in missing:
                missing.append(match.term)
        return missing


def _locale_key(locale: str) -> str:
    """pt_BR, pt-BR and pt-br name one locale: a row must not be skipped for its spelling."""
    return locales.gettext_code(locale).casefold()


def _pattern(term: str) -> re.Pattern[str]:
    """Whole-word at Latin edges only: Korean particles attach to nouns ("안면거상은")."""
    body = r"\s+".join(re.escape(part) for part in term.split())
    before = r"(?<![A-Za-z0-9])" if re.match(r"[A-Za-z0-9]", term) else ""
    after = r"(?![A-Za-z0-9])" if re.search(r"[A-Za-z0-9]$", term) else ""
    return re.compile(before + body + after, re.IGNORECASE)


def find_terms(text: str, terms: Sequence[Term]) -> list[Match]:
    """Occurrences of terms given longest first (as for_locale orders them), never overlapping."""
    taken: list[Match] = []
    for term in terms:  # longest first: earlier terms claim their spans
        for m in _pattern(term.source).finditer(text):
            if all(m.end() <= t.start or m.start() >= t.end for t in taken):
                taken.append(Match(term, m.start(), m.end()))
    return sorted(taken, key=lambda m: m.start)


def _rows(text: str, path: str | Path | None) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with the line each starts on: a quoted cell may span lines."""
    reader = csv.reader(io.StringIO(text), strict=True)
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise PostlingoError(f"malformed CSV: {exc}", path, start) from exc


def parse(text: str, path: str | Path | None = None) -> Glossary:
    """Read glossary CSV text; any malformed row is an error naming its line."""
    terms: list[Term] = []
    seen: dict[tuple[str, str], Term] = {}
    first = True  # a header may be the first row that is not a comment
    for number, row in _rows(text, path):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        header, first = first and tuple(c.lower() for c in cells[:3]) in _HEADERS, False
        if header:
            continue
        if len(cells) not in (2, 3):
            raise PostlingoError(
                f"expected 3 columns (source term, locale, target term), found {len(cells)}",
                path,
                number,
            )
        source, locale, target = (*cells, "")[:3]
        if not source:
            raise PostlingoError("empty source term", path, number)
        if locale != ANY_LOCALE:
            try:
                locales.validate(locale)
            except PostlingoError as exc:
                raise PostlingoError(f"unknown locale {locale!r}", path, number) from exc
        key = (source.casefold(), _locale_key(locale))
        if key in seen and seen[key].target != target:
            raise PostlingoError(
                f"{source!r} for {locale} is already defined on line {seen[key].line}",
                path,
                number,
            )
        term = Term(source, locale, target, number)
        seen.setdefault(key, term)
        terms.append(term)
    return Glossary(tuple(terms), str(path) if path is not None else None)


def load(path: Path) -> Glossary:
    """The glossary at path; a project without one has an empty glossary."""
    if not path.is_file():
        return Glossary()
    from pipeline.files import read_text

    return parse(read_text(path), path)
