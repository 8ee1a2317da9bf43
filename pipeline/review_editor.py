"""A reviewer's save from the review editor: checked like `postlingo check`, merged per entry.

The page a reviewer edits was made from one version of the catalog (the hash
of its bytes), and each entry on it carries its state as read. A save re-reads
the file under the project lock and writes by compare-and-swap: when the file
changed since the page was made (another tab's save, `translate`, a git pull)
the edit still goes in, as long as the entry itself is as the reviewer saw it.
If the entry changed, nothing is written and the reviewer is told what the file
holds now; their text stays in the form. Either way nothing is lost.
"""

from __future__ import annotations

import hashlib
import json
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline import catalog, checks, files, glossary, project, review
from pipeline.config import Config
from pipeline.errors import EXIT_PROBLEMS, PostlingoError
from pipeline.lock import project_lock

LOCK_WAIT_SECONDS = 10.0  # a save waits this long for a running `translate`, then says so
# One save at a time in this process; the project lock keeps out other processes.
_SAVING = threading.Lock()


@dataclass(frozen=True)
class Edit:
    """What the browser sends: which entry, the new text, and what the page was made from."""

    locale: str
    slug: str
    msgid: str
    text: str
    version: str  # review.version() of the catalog the page showed
    state: str  # entry_state() of the entry as the page showed it
    msgctxt: str | None = None


@dataclass(frozen=True)
class Saved:
    version: str  # of the catalog as it is now
    state: str  # of the entry as it is now
    findings: tuple[checks.Finding, ...]  # warnings left on the entry
    changed: bool
    line: int | None = None  # of the entry's msgstr in the file now


class Refused(PostlingoError):
    """The checks refuse the translation: nothing was written."""

    def __init__(self, message: str, path: str, findings: tuple[checks.Finding, ...]) -> None:
        super().__init__(message, path, exit_code=EXIT_PROBLEMS)
        self.findings = findings


class Conflict(PostlingoError):
    """The entry changed on disk since the page was made: nothing was written."""

    def __init__(
        self,
        message: str,
        path: str,
        current: str | None = None,
        version: str = "",
        state: str = "",
    ) -> None:
        super().__init__(message, path, exit_code=EXIT_PROBLEMS)
        self.current = current  # the entry's msgstr on disk now (None: no such entry)
        self.version = version
        self.state = state


def entry_state(entry: polib.POEntry | None) -> str:
    """What the editor compares: the translation and whether it is reviewed."""
    seen = None if entry is None or entry.obsolete else [entry.msgstr, entry.fuzzy]
    return hashlib.sha256(json.dumps(seen, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def item_state(item: review.Item) -> str:
    """entry_state of the entry an Item was made from."""
    flags = ["fuzzy"] if item.fuzzy else []
    return entry_state(polib.POEntry(msgid=item.source, msgstr=item.translation, flags=flags))


def _control_characters(text: str) -> list[str]:
    """Characters a .po cannot hold as typed (tabs and newlines are fine)."""
    return sorted(
        {f"U+{ord(c):04X}" for c in text if c not in "\t\n" and unicodedata.category(c) == "Cc"}
    )


def problems(
    config: Config,
    msgid: str,
    text: str,
    source_lang: str,
    locale: str,
    terms: glossary.Glossary = checks.NO_GLOSSARY,
    where: str = "",
) -> list[checks.Finding]:
    """What `postlingo check` would say about this text as the reviewed translation."""
    entry = polib.POEntry(msgid=msgid, msgstr=text)
    found = [
        checks.Finding(where, None, check, "", message, msgid)
        for check, message in checks.entry_problems(entry, source_lang, locale, terms)
    ]
    if not text:  # entry_problems passes an empty msgstr: it is "not translated yet"
        found.append(checks.Finding(where, None, "empty", "", "translation is empty", msgid))
    return checks.apply_severities(found, config)


def _find(po: polib.POFile, edit: Edit) -> polib.POEntry | None:
    for entry in po:
        if not entry.obsolete and entry.msgid == edit.msgid and entry.msgctxt == edit.msgctxt:
            return entry
    return None


def apply_edit(po: polib.POFile, edit: Edit, current_version: str, where: str) -> polib.POEntry:
    """Set the entry's translation, reviewed; Conflict when it changed since the page.

    Pure: works on the parsed catalog. A save that arrives twice (a retried
    request) finds its own text there and succeeds.
    """
    entry = _find(po, edit)
    if entry is None:
        raise Conflict(
            "this sentence is no longer in the catalog (the source changed and "
            "postlingo translate ran); nothing was saved, your text is kept",
            where,
            None,
            current_version,
            entry_state(None),
        )
    if entry.msgid_plural:
        raise Refused("plural entries are edited in a PO editor", where, ())
    already = entry.msgstr == edit.text and not entry.fuzzy
    if current_version != edit.version and entry_state(entry) != edit.state and not already:
        now = "reviewed" if not entry.fuzzy else "not reviewed"
        raise Conflict(
            "this entry changed on disk since the page was loaded (a postlingo run, a "
            f"teammate or a git pull); nothing was saved, your text is kept. On disk now "
            f"({now}): {entry.msgstr!r}. Save again to replace it with your text",
            where,
            entry.msgstr,
            current_version,
            entry_state(entry),
        )
    entry.msgstr = edit.text
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    return entry


def source_language(config: Config, slug: str, po: polib.POFile | None = None) -> str:
    """The post's language, as the catalog's header says (the post itself if it does not)."""
    said = po.metadata.get("X-Source-Language", "") if po is not None else ""
    if said:
        return said
    return next(doc.lang for doc in project.load_documents(config, [slug]))


def save(config: Config, edit: Edit, say: Callable[[str], None] = lambda _: None) -> Saved:
    """Check the text, then write the entry reviewed: lock, re-read, compare-and-swap.

    Raises Refused (the checks say error), Conflict (the entry changed) or a
    PostlingoError (the project is busy, the post unknown); in every case the
    file is as it was.
    """
    if edit.locale not in config.targets:
        raise PostlingoError(f"{edit.locale} is not among the configured targets", config.path)
    path = project.po_path(config, edit.locale, edit.slug)
    where = project.relative(config, path)
    bad = _control_characters(edit.text)
    if bad:
        raise Refused(f"the translation holds control characters ({', '.join(bad)})", where, ())
    with _SAVING, project_lock(config.root, say, timeout=LOCK_WAIT_SECONDS):
        seen = files.read_settled(path)
        po = _parse(seen, path, where)
        terms = glossary.load(config.resolve(config.glossary))
        lang = source_language(config, edit.slug, po)
        found = problems(config, edit.msgid, edit.text, lang, edit.locale, terms, where)
        errors = tuple(f for f in found if f.severity == checks.ERROR)
        if errors:
            raise Refused("; ".join(f"[{f.check}] {f.message}" for f in errors), where, errors)
        written: list[bytes] = []

        def render(current: bytes | None) -> bytes:
            theirs = _parse(current, path, where)
            apply_edit(theirs, edit, review.version(current or b""), where)
            written[:] = [catalog.dump(theirs, config.wrap_width).encode("utf-8")]
            return written[0]

        changed = files.compare_and_swap(path, seen, render)
    now = _parse(written[0], path, where)
    entry = _find(now, edit)
    line = checks.line_of(entry, checks.msgstr_lines(written[0].decode("utf-8"))) if entry else None
    located = tuple(
        checks.Finding(where, line, f.check, f.severity, f.message, f.msgid) for f in found
    )
    return Saved(review.version(written[0]), entry_state(entry), located, changed, line)


def _parse(raw: bytes | None, path: Path, where: str) -> polib.POFile:
    """The catalog on disk now; Conflict when it is gone or broken, so the text stays put."""
    if raw is None:
        raise Conflict("the catalog is gone from disk; nothing was saved, your text is kept", where)
    try:
        return catalog.parse(files.decode(raw, path), path)
    except PostlingoError as exc:
        raise Conflict(
            f"the catalog on disk does not parse now ({exc}); fix it, then save again "
            "(your text is kept)",
            where,
        ) from exc
