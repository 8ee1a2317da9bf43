"""Quality checks on the catalogs, for `postlingo check` and `build --strict`.

Unlike pofilter, a finding has a severity and errors fail the run, so CI can
gate on it; tags may be reordered (Korean word order needs it). Everything
here is pure except `run`, which gathers the project's files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import polib

from pipeline import catalog, checks_text, locales, project
from pipeline import glossary as glossaries
from pipeline.catalog import MACHINE, MACHINE_NOTE, MEMORY
from pipeline.config import CHECK_NAMES, Config
from pipeline.document import Document, tag_problems
from pipeline.engines.pseudo import is_pseudo
from pipeline.errors import PostlingoError
from pipeline.files import read_text

ERROR, WARNING, OFF = "error", "warning", "off"

# Severity of each check unless the config's [checks] table says otherwise.
DEFAULT_SEVERITY: dict[str, str] = {
    "syntax": ERROR,  # the .po does not parse
    "language": ERROR,  # Language header disagrees with the catalog's folder
    "orphan": WARNING,  # a catalog for a post or locale that is gone
    "stale": WARNING,  # catalog and source disagree: run translate
    "translated": ERROR,  # publishable share below the locale's min_translated
    "pseudo": ERROR,  # pseudo-localized text where a translation is expected
    "machine-note": WARNING,  # MT said it went wrong (e.g. lost a tag), not yet reviewed
    "outdated": WARNING,  # fuzzy translation of a previous version of the sentence
    "tags": ERROR,
    "numbers": ERROR,
    "urls": ERROR,
    "glossary": WARNING,
    "unchanged": WARNING,
    "empty": ERROR,  # whitespace-only translation
    "newlines": ERROR,  # msgfmt --check refuses: begins/ends with "\n" unlike its msgid
    "whitespace": WARNING,
    "doubled-words": WARNING,
    "length": WARNING,
}
assert set(DEFAULT_SEVERITY) == set(CHECK_NAMES)

NO_GLOSSARY = glossaries.Glossary()


@dataclass(frozen=True, order=True)
class Finding:
    """One problem, where a reviewer fixes it: the msgstr's line in the .po."""

    path: str
    line: int | None
    check: str
    severity: str
    message: str
    msgid: str = ""  # the entry it concerns; empty for a whole-catalog finding

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: [{self.check}] {self.message}"


def severities(config: Config) -> dict[str, str]:
    return {**DEFAULT_SEVERITY, **config.checks}


def unreadable(findings: Iterable[Finding]) -> list[PostlingoError]:
    """The catalogs that do not parse, as the errors the end-of-run summary lists."""
    return [PostlingoError(f.message, f.path, f.line) for f in findings if f.check == "syntax"]


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def format_text(findings: Iterable[Finding]) -> str:
    return "".join(f"{f}\n" for f in findings)


def format_json(findings: Iterable[Finding]) -> str:
    return json.dumps([asdict(f) for f in findings], ensure_ascii=False, indent=2) + "\n"


def origin(entry: polib.POEntry) -> str:
    """Where the translation came from: reviewer, memory, machine, or nothing yet."""
    if not entry.msgstr:
        return "untranslated"
    if not entry.fuzzy:
        return "reviewer"
    for line in (entry.tcomment or "").split("\n"):
        for prefix in (MEMORY, MACHINE):
            if line.startswith(prefix):
                return f"{prefix.rstrip(':')} ({line[len(prefix) :].strip()})"
    return "fuzzy (unknown origin)"


_MARKERS = re.compile(r"(?:\s*(?:#~\|?|#\|))+")  # obsolete and previous, as po-lex.c reads them


def msgstr_lines(text: str) -> dict[int, int]:
    """Entry's first line (polib's linenum) → its msgstr line, where the edit goes.

    As the reader sees entries: one begins at the first comment or keyword after
    the last msgstr, blank lines or not (a bare `#~` or `#|` is nothing), and an
    obsolete (`#~`) one takes the comments before it. polib numbers the file's
    first entry 0 rather than its line, so 0 maps to the first msgstr too: in a
    catalog without a header that is a real entry.
    """
    found: dict[int, int] = {}
    start = None
    for number, line in enumerate(text.split("\n"), 1):
        markers = _MARKERS.match(line)
        stripped = line[markers.end() :].strip() if markers else line.strip()
        if markers and not stripped:
            continue  # markers with nothing after them: no token, no entry
        if markers and "#~" in markers.group():
            start = None
        elif stripped.startswith("msgstr"):
            if start is not None:
                found.setdefault(0, number)
                found[start] = number
            start = None
        elif start is None and stripped and not stripped.startswith('"'):
            start = number
    return found


def line_of(entry: polib.POEntry, lines: dict[int, int]) -> int:
    """The msgstr line of an entry, given `msgstr_lines` of its file."""
    return lines.get(entry.linenum, entry.linenum)


# --- one entry ------------------------------------------------------------------


def newline_problems(entry: polib.POEntry) -> list[str]:
    """msgfmt --check-format: each form begins and ends with "\\n" exactly when the msgid does."""
    if entry.msgid_plural:
        forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
        if not forms or not forms[0]:
            return []
        named = [("msgid_plural", entry.msgid_plural)]
        named += [(f"msgstr[{i}]", form) for i, form in enumerate(forms)]
    elif entry.msgstr:
        named = [("msgstr", entry.msgstr)]
    else:
        return []
    found = []
    for where, test in (("begin", str.startswith), ("end", str.endswith)):
        for name, value in named:
            if test(entry.msgid, "\n") != test(value, "\n"):
                found.append(f"'msgid' and '{name}' entries do not both {where} with '\\n'")
    return found


def entry_problems(
    entry: polib.POEntry,
    source_lang: str,
    locale: str,
    glossary: glossaries.Glossary = NO_GLOSSARY,
) -> list[tuple[str, str]]:
    """(check, message) for one live entry's translation."""
    msgid, msgstr = entry.msgid, entry.msgstr
    found: list[tuple[str, str]] = []
    if not msgstr:
        return found
    if not msgstr.strip():
        return [("empty", "translation is only whitespace")]
    if entry.fuzzy:
        notes = catalog.tool_notes(entry, MACHINE_NOTE)
        found += [("machine-note", f"machine translation: {note}") for note in notes]
        if entry.previous_msgid:
            found.append(
                ("outdated", f"translation is for the previous source: {entry.previous_msgid!r}")
            )
    found += [("tags", m) for m in tag_problems(msgid, msgstr)]
    if is_pseudo(msgstr):
        if not entry.fuzzy:
            found.append(("pseudo", "pseudo-localized text marked as reviewed"))
        return found  # pseudo text says nothing about translation quality
    found += [("numbers", m) for m in checks_text.number_messages(msgid, msgstr)]
    found += [("urls", m) for m in checks_text.url_messages(msgid, msgstr)]
    found += [("glossary", m) for m in glossary_messages(msgid, msgstr, locale, glossary)]
    keep = [t.source for t in glossary.for_locale(locale) if t.keep or t.target == t.source]
    found += [
        ("unchanged", m)
        for m in checks_text.unchanged_messages(msgid, msgstr, source_lang, locale, keep)
    ]
    found += [("whitespace", m) for m in checks_text.whitespace_messages(msgid, msgstr)]
    found += [("doubled-words", m) for m in checks_text.doubled_word_messages(msgid, msgstr)]
    found += [
        ("length", m) for m in checks_text.length_messages(msgid, msgstr, source_lang, locale)
    ]
    return found


def glossary_messages(
    source: str, translation: str, locale: str, glossary: glossaries.Glossary
) -> list[str]:
    """Each glossary term in the source must appear, as configured, in the translation."""
    out = []
    for term in glossary.missing_terms(source, translation, locale):
        how = "kept as is" if term.keep else f"translated as {term.target!r}"
        out.append(f"glossary term {term.source!r} should be {how} (glossary line {term.line})")
    return out


# --- one catalog ----------------------------------------------------------------


@dataclass(frozen=True)
class CatalogFile:
    """A .po as found on disk, with what it should match."""

    path: str  # project-relative, as printed
    locale: str  # from its folder
    text: str
    po: polib.POFile | None  # None: did not parse
    doc: Document | None  # None: no such post
    template: polib.POFile | None = None
    error: PostlingoError | None = None


def check_catalog(
    item: CatalogFile,
    config: Config,
    glossary: glossaries.Glossary = NO_GLOSSARY,
) -> list[Finding]:
    """Every finding on one catalog, before severities are applied."""
    out: list[Finding] = []

    def add(line: int | None, check: str, message: str, msgid: str = "") -> None:
        out.append(Finding(item.path, line, check, "", message, msgid))

    if item.po is None:
        error = item.error
        add(error.line if error else None, "syntax", error.message if error else "cannot parse")
        return out
    po, doc = item.po, item.doc
    header = po.metadata.get("Language", "")
    if _norm(header) != _norm(item.locale):
        said = f"says {header!r}" if header else "is missing"
        add(1, "language", f"Language header {said}, but the catalog is in {item.locale}/")
    if doc is None:
        add(1, "orphan", "no source post for this catalog")
    elif item.locale not in config.targets:
        add(1, "orphan", f"{item.locale} is not among the configured targets")
    elif locales.language(item.locale) == doc.lang:
        add(1, "orphan", f"the post is written in {doc.lang}; it needs no {item.locale} catalog")
    where = msgstr_lines(item.text)
    live = [e for e in po if not e.obsolete]
    if item.template is not None:
        wanted = [e.msgid for e in item.template]
        have = {e.msgid for e in live}
        missing = [m for m in wanted if m not in have]
        if missing:
            add(
                1,
                "stale",
                f"{len(missing)} sentences of the source are missing: run postlingo translate",
            )
        known = set(wanted)
        for entry in live:
            if entry.msgid not in known:
                add(
                    line_of(entry, where),
                    "stale",
                    "sentence is no longer in the source: run postlingo translate",
                    entry.msgid,
                )
    pseudo = [e for e in live if e.fuzzy and e.msgstr and is_pseudo(e.msgstr)]
    if pseudo:
        first = pseudo[0]
        add(
            line_of(first, where),
            "pseudo",
            f"{len(pseudo)} of {len(live)} entries are pseudo-localized previews, not translations "
            "(install an Argos model and run postlingo translate)",
        )
    source_lang = doc.lang if doc else po.metadata.get("X-Source-Language", "")
    for entry in live:
        if not entry.fuzzy:
            for message in newline_problems(entry):
                add(line_of(entry, where), "newlines", message, entry.msgid)
        for check, message in entry_problems(entry, source_lang, item.locale, glossary):
            add(line_of(entry, where), check, message, entry.msgid)
    if doc is not None:
        out += _share(item, config)
    return out


def _share(item: CatalogFile, config: Config) -> list[Finding]:
    """The publishable share against min_translated; fuzzy counts only if the locale publishes MT."""
    assert item.po is not None
    policy = config.for_locale(item.locale)
    if policy.min_translated <= 0:
        return []
    percent = catalog.percent_publishable(
        item.po, machine=policy.publish_machine_translation, pseudo=False
    )
    if percent >= policy.min_translated:
        return []
    s = catalog.stats(item.po)
    counted = "reviewed or machine" if policy.publish_machine_translation else "reviewed"
    pseudo = sum(1 for e in item.po if not e.obsolete and e.msgstr and is_pseudo(e.msgstr))
    fuzzy = f"{s.machine} fuzzy" + (f" ({pseudo} pseudo)" if pseudo else "")
    message = (
        f"{percent:.0f}% {counted}, below min_translated {policy.min_translated}% "
        f"({s.reviewed} reviewed, {fuzzy}, {s.untranslated} untranslated of {s.entries})"
    )
    return [Finding(item.path, 1, "translated", "", message)]


def _norm(code: str) -> str:
    """zh-Hans, zh_Hans and zh_hans are one locale."""
    return locales.gettext_code(code).lower()


def apply_severities(findings: Iterable[Finding], config: Config) -> list[Finding]:
    """Give each finding its configured severity, drop the ones switched off, sort by place."""
    levels = severities(config)
    out = [
        # a catalog that does not parse is always reported: everything else skips it
        Finding(f.path, f.line, f.check, ERROR if f.check == "syntax" else levels[f.check],
                f.message, f.msgid)
        for f in findings
        if levels[f.check] != OFF or f.check == "syntax"
    ]  # fmt: skip
    return sorted(out, key=lambda f: (f.path, f.line or 0, f.check, f.message))


# --- the project (reads files) --------------------------------------------------


def missing_catalogs(
    config: Config, docs: Sequence[Document], only: Sequence[str]
) -> list[Finding]:
    """A post and locale with no catalog at all is untranslated: below any threshold."""
    out = []
    for doc in docs:
        for locale in project.targets_for(doc, config, only):
            path = project.po_path(config, locale, doc.slug)
            if config.for_locale(locale).min_translated > 0 and not path.exists():
                rel = project.relative(config, path)
                out.append(
                    Finding(rel, None, "translated", "", "no catalog yet: run postlingo translate")
                )
    return out


def gather(
    config: Config, docs: Sequence[Document], only: Sequence[str] = (), everything: bool = True
) -> list[CatalogFile]:
    """Every catalog to check: the selected posts' ones, and with `everything` all others too."""
    by_slug = {doc.slug: doc for doc in docs}
    templates = project.templates(config, docs)
    root = config.locales_path
    paths = sorted(root.glob("*/*.po")) if root.is_dir() else []
    items = []
    for path in paths:
        locale, slug = path.parent.name, path.stem
        if only and locale not in only:
            continue
        if slug not in by_slug and not everything:
            continue
        text, po, error = "", None, None
        try:
            text = read_text(path)
            po = catalog.parse(text, path)
        except PostlingoError as exc:
            error = exc
        items.append(
            CatalogFile(
                project.relative(config, path),
                locale,
                text,
                po,
                by_slug.get(slug),
                templates.get(slug),
                error,
            )
        )
    return items


def run(
    config: Config, docs: Sequence[Document], only: Sequence[str] = (), everything: bool = True
) -> list[Finding]:
    """All findings for the project, with severities applied: what `check` prints."""
    project.check_targets(config, only)
    glossary = glossaries.load(config.resolve(config.glossary))
    findings: list[Finding] = []
    for item in gather(config, docs, only, everything):
        findings += check_catalog(item, config, glossary)
    findings += missing_catalogs(config, docs, only)
    return apply_severities(findings, config)
