"""Review pages: what needs a reviewer's eye in one locale, for people without a PO editor.

Each entry that is machine-made, untranslated or has a finding is shown with
its neighbouring sentences, where its translation came from, what the checks
say about it, and the file:line to edit. The template escapes everything, so
a msgstr holding markup shows as text. The same model drives the static pages
(`postlingo review`) and the local editor (`postlingo review --serve`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline import catalog, checks, locales, project, site
from pipeline.config import Config
from pipeline.document import Document
from pipeline.errors import PostlingoError
from pipeline.files import decode, read_settled

REVIEW_DIR = "_review"
TEMPLATE = "review.html"


@dataclass(frozen=True)
class Item:
    """One entry to review."""

    where: str  # file:line of the msgstr
    source: str
    before: str  # the sentences around it, for context
    after: str
    translation: str
    origin: str  # reviewer, memory (…), machine (…), untranslated
    previous: str  # the earlier source a fuzzy translation was made for
    findings: tuple[checks.Finding, ...] = ()
    kind: str = ""  # heading, paragraph, alt attribute... (the first `#.` line)
    placeholders: tuple[str, ...] = ()  # what each tag stands for (the other `#.` lines)
    context: str | None = None  # msgctxt
    fuzzy: bool = False
    needed: bool = True  # needs review; the editor also lists the reviewed entries

    @property
    def worst(self) -> str:
        """The article's CSS class: the gravest finding, or plain review."""
        levels = {f.severity for f in self.findings}
        return checks.ERROR if checks.ERROR in levels else checks.WARNING if levels else "review"


@dataclass(frozen=True)
class Post:
    slug: str
    path: str  # the catalog, project-relative
    source_lang: str
    items: tuple[Item, ...]
    notes: tuple[checks.Finding, ...] = ()  # findings on the whole catalog
    entries: int = 0
    version: str = ""  # of the bytes the items were read from: the editor's saves name it


@dataclass(frozen=True)
class Page:
    locale: str
    name: str
    dir: str
    posts: tuple[Post, ...] = field(default_factory=tuple)

    @property
    def count(self) -> int:
        """Entries that need review (the editor's page lists reviewed ones too)."""
        return sum(1 for p in self.posts for i in p.items if i.needed)


def needs_review(entry: polib.POEntry, findings: Sequence[checks.Finding]) -> bool:
    return entry.fuzzy or not entry.msgstr or bool(findings)


def version(raw: bytes) -> str:
    """A catalog's version: the hash of its bytes, so any change on disk shows."""
    return hashlib.sha256(raw).hexdigest()


def comment_parts(entry: polib.POEntry) -> tuple[str, tuple[str, ...]]:
    """The block kind and the placeholder descriptions of the entry's `#.` comment."""
    lines = [line for line in (entry.comment or "").split("\n") if line.strip()]
    if not lines:
        return "", ()
    return lines[0], tuple(lines[1:])


def post_items(
    path: str,
    po: polib.POFile,
    text: str,
    findings: Sequence[checks.Finding],
    everything: bool = False,
) -> tuple[list[Item], list[checks.Finding]]:
    """The entries of one catalog that need review (with `everything`, all), and its
    catalog-wide findings."""
    lines = checks.msgstr_lines(text)
    live = [e for e in po if not e.obsolete]
    by_msgid: dict[str, list[checks.Finding]] = {}
    general = []
    for f in findings:
        if f.msgid:
            by_msgid.setdefault(f.msgid, []).append(f)
        else:
            general.append(f)
    items = []
    for i, entry in enumerate(live):
        own = by_msgid.get(entry.msgid, [])
        needed = needs_review(entry, own)
        if not needed and not everything:
            continue
        line = checks.line_of(entry, lines)
        kind, placeholders = comment_parts(entry)
        items.append(
            Item(
                where=f"{path}:{line}",
                source=entry.msgid,
                before=live[i - 1].msgid if i > 0 else "",
                after=live[i + 1].msgid if i + 1 < len(live) else "",
                translation=entry.msgstr,
                origin=checks.origin(entry),
                previous=(entry.previous_msgid or "") if entry.fuzzy else "",
                findings=tuple(own),
                kind=kind,
                placeholders=placeholders,
                context=entry.msgctxt,
                fuzzy=entry.fuzzy,
                needed=needed,
            )
        )
    return items, general


def page(locale: str, posts: Sequence[Post]) -> Page:
    return Page(locale, locales.native_name(locale), locales.direction(locale), tuple(posts))


def render(config: Config, review: Page) -> str:
    """With the site's environment, so a project can override review.html like any page."""
    return site._render(site.environment(config), TEMPLATE, page=review)


def locale_page(
    config: Config,
    docs: Sequence[Document],
    findings: Sequence[checks.Finding],
    locale: str,
    everything: bool = False,
) -> Page:
    """One locale's posts and what to review in them (with `everything`, every entry)."""
    by_path: dict[str, list[checks.Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    posts = []
    for doc in docs:
        if locale not in project.targets_for(doc, config, [locale]):
            continue
        file = project.po_path(config, locale, doc.slug)
        rel = project.relative(config, file)
        own = by_path.get(rel, [])
        try:
            raw = read_settled(file)
            if raw is None:
                posts.append(Post(doc.slug, rel, doc.lang, (), tuple(own)))
                continue
            text = decode(raw, file)
            po = catalog.parse(text, file)
        except PostlingoError:
            posts.append(Post(doc.slug, rel, doc.lang, (), tuple(own)))
            continue
        items, general = post_items(rel, po, text, own, everything)
        entries = sum(1 for e in po if not e.obsolete)
        posts.append(
            Post(doc.slug, rel, doc.lang, tuple(items), tuple(general), entries, version(raw))
        )
    return page(locale, posts)


def pages(
    config: Config,
    docs: Sequence[Document],
    findings: Sequence[checks.Finding],
    only: Sequence[str] = (),
) -> dict[Path, str]:
    """site/_review/<locale>.html for every target (or the chosen ones)."""
    project.check_targets(config, only)
    return {
        config.site_path / REVIEW_DIR / f"{locale}.html": render(
            config, locale_page(config, docs, findings, locale)
        )
        for locale in config.targets
        if not only or locale in only
    }
