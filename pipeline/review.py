"""Review pages: what needs a reviewer's eye in one locale, for people without a PO editor.

Each entry that is machine-made, untranslated or has a finding is shown with
its neighbouring sentences, where its translation came from, what the checks
say about it, and the file:line to edit. The template escapes everything, so
a msgstr holding markup shows as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline import catalog, checks, locales, project, site
from pipeline.config import Config
from pipeline.document import Document
from pipeline.errors import PostlingoError
from pipeline.files import read_text

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


@dataclass(frozen=True)
class Page:
    locale: str
    name: str
    dir: str
    posts: tuple[Post, ...] = field(default_factory=tuple)

    @property
    def count(self) -> int:
        return sum(len(p.items) for p in self.posts)


def needs_review(entry: polib.POEntry, findings: Sequence[checks.Finding]) -> bool:
    return entry.fuzzy or not entry.msgstr or bool(findings)


def post_items(
    path: str, po: polib.POFile, text: str, findings: Sequence[checks.Finding]
) -> tuple[list[Item], list[checks.Finding]]:
    """The entries of one catalog that need review, and its catalog-wide findings."""
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
        if not needs_review(entry, own):
            continue
        line = checks.line_of(entry, lines)
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
            )
        )
    return items, general


def page(locale: str, posts: Sequence[Post]) -> Page:
    return Page(locale, locales.native_name(locale), locales.direction(locale), tuple(posts))


def render(config: Config, review: Page) -> str:
    """With the site's environment, so a project can override review.html like any page."""
    return site._render(site.environment(config), TEMPLATE, page=review)


def pages(
    config: Config,
    docs: Sequence[Document],
    findings: Sequence[checks.Finding],
    only: Sequence[str] = (),
) -> dict[Path, str]:
    """site/_review/<locale>.html for every target (or the chosen ones)."""
    project.check_targets(config, only)
    by_path: dict[str, list[checks.Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    out: dict[Path, str] = {}
    for locale in [t for t in config.targets if not only or t in only]:
        posts = []
        for doc in docs:
            if locale not in project.targets_for(doc, config, [locale]):
                continue
            file = project.po_path(config, locale, doc.slug)
            rel = project.relative(config, file)
            own = by_path.get(rel, [])
            if not file.exists():
                posts.append(Post(doc.slug, rel, doc.lang, (), tuple(own)))
                continue
            try:
                text = read_text(file)
                po = catalog.parse(text, file)
            except PostlingoError:
                posts.append(Post(doc.slug, rel, doc.lang, (), tuple(own)))
                continue
            items, general = post_items(rel, po, text, own)
            entries = sum(1 for e in po if not e.obsolete)
            posts.append(Post(doc.slug, rel, doc.lang, tuple(items), tuple(general), entries))
        path = config.site_path / REVIEW_DIR / f"{locale}.html"
        out[path] = render(config, page(locale, posts))
    return out
