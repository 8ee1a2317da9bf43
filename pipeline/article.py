"""A Document put into one locale: its blocks rendered as article HTML.

Translations go back into the very blocks they came from; translated HTML is
never re-parsed. Every text passes through render_html, so a msgstr can move
placeholder tags but can never add markup of its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from pipeline import locales
from pipeline.document import (
    CODE,
    DESCRIPTION,
    HEADING,
    IMAGE,
    LIST_ITEM,
    QUOTE,
    RAW,
    TABLE_CELL,
    TITLE,
    Block,
    Document,
    Placeholder,
    Segment,
    plain_text,
    render_html,
    tags,
)

# Attribute names copied from the source onto <img>/<code>; event handlers never are.
_ATTR_NAME = re.compile(r"[A-Za-z_:][-A-Za-z0-9_:.]*")
_IMG_OWN = frozenset({"src", "alt", "lang", "dir"})
# The src of an <img> kept whole in a placeholder (an image inside a sentence):
# the markup is the source's, never a translation's, so a pattern may read it.
_IMG_SRC_RE = re.compile(r"""(<img\b[^>]*?\ssrc\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+)""", re.I)


@dataclass(frozen=True)
class Text:
    """One block's words in the page's locale, in the forms a page needs."""

    html: str  # markup restored from placeholders
    plain: str  # no markup at all: <title>, alt, meta content
    label: str  # escaped plain text with fallback runs in lang spans: for use inside a link


@dataclass(frozen=True)
class Article:
    """What a page shows of one post in one locale."""

    locale: str
    title: Text
    description: Text
    body_html: str


def bcp47(locale: str) -> str:
    """The form HTML lang and hreflang want: zh_Hans → zh-Hans."""
    return locale.replace("_", "-")


def balanced(text: str, placeholders: Sequence[Placeholder]) -> bool:
    """Whether every tag render_html would restore opens and closes in order.

    An unbalanced text would leave stray or unclosed elements in the page.
    """
    stack: list[int] = []
    for tag in tags(text):
        known = 1 <= tag.number <= len(placeholders)
        if not known or placeholders[tag.number - 1].void != (tag.kind == "void"):
            continue  # shown as text by render_html
        if tag.kind == "open":
            stack.append(tag.number)
        elif tag.kind == "close" and (not stack or stack.pop() != tag.number):
            return False
    return not stack


def _markup(text: str, placeholders: Sequence[Placeholder]) -> str:
    if balanced(text, placeholders):
        return render_html(text, placeholders)
    return render_html(plain_text(text), ())


def _src(m: re.Match[str]) -> str:
    value = m.group(2)
    return html.unescape(value[1:-1] if value[0] in "\"'" else value)


def inline_images(placeholders: Sequence[Placeholder]) -> list[str]:
    """The src of every image inside placeholder markup, as the source wrote it."""
    return [_src(m) for p in placeholders for m in _IMG_SRC_RE.finditer(p.open)]


def _rebased(
    placeholders: Sequence[Placeholder], rebase: Callable[[str], str]
) -> tuple[Placeholder, ...]:
    """Placeholders whose inline images point where the page can load them."""

    def sub(m: re.Match[str]) -> str:
        src = _src(m)
        url = rebase(src)
        return m.group(0) if url == src else f'{m.group(1)}"{html.escape(url)}"'

    return tuple(replace(p, open=_IMG_SRC_RE.sub(sub, p.open)) for p in placeholders)


@dataclass(frozen=True)
class _Piece:
    text: str
    placeholders: tuple[Placeholder, ...]
    fallback: bool  # shown in the source language on a page of another locale


class _Localizer:
    def __init__(
        self,
        doc: Document,
        locale: str,
        translations: Mapping[str, str],
        rebase: Callable[[str], str],
    ) -> None:
        self.doc, self.locale, self.translations = doc, locale, translations
        self.rebase = rebase
        self.sep = "" if locales.joins_without_space(locale) else " "
        self.foreign = locale != doc.lang
        attrs = f' lang="{html.escape(bcp47(doc.lang))}"'
        if locales.direction(doc.lang) != locales.direction(locale):
            attrs += f' dir="{locales.direction(doc.lang)}"'
        self.span_attrs = attrs

    def pieces(self, block: Block) -> list[_Piece]:
        segments = block.segments
        if not segments and block.text.strip():
            segments = (Segment(block.text, block.placeholders, block.line, block.kind),)
        out = []
        for seg in segments:
            placeholders = _rebased(seg.placeholders, self.rebase)
            msgstr = self.translations.get(seg.text)
            if msgstr is not None and (
                balanced(msgstr, seg.placeholders) or not balanced(seg.text, seg.placeholders)
            ):
                out.append(_Piece(msgstr, placeholders, False))
            else:
                out.append(_Piece(seg.text, placeholders, self.foreign))
        return out

    def join(self, runs: Sequence[tuple[str, bool]]) -> str:
        """Join rendered pieces; consecutive fallbacks share one lang span."""
        parts: list[str] = []
        i = 0
        while i < len(runs):
            j = i
            while j < len(runs) and runs[j][1] == runs[i][1]:
                j += 1
            joined = self.sep.join(r[0] for r in runs[i:j])
            parts.append(f"<span{self.span_attrs}>{joined}</span>" if runs[i][1] else joined)
            i = j
        return self.sep.join(parts)

    def text(self, block: Block | None) -> Text:
        pieces = self.pieces(block) if block else []
        return Text(
            html=self.join([(_markup(p.text, p.placeholders), p.fallback) for p in pieces]),
            plain=self.sep.join(plain_text(p.text) for p in pieces),
            label=self.join([(html.escape(plain_text(p.text)), p.fallback) for p in pieces]),
        )


def localize(
    doc: Document,
    locale: str,
    translations: Mapping[str, str],
    rebase: Callable[[str], str] | None = None,
) -> Article:
    """The post as it reads in `locale`, each missing msgstr falling back to the source.

    `rebase` maps an image's src as written in the source to the page's URL for it.
    """
    loc = _Localizer(doc, locale, translations, rebase or (lambda src: src))
    title_block = doc.first(TITLE) or doc.first(HEADING)
    title = loc.text(title_block)
    if not title.plain.strip():  # <title> must not be empty: name the post by its slug
        slug = html.escape(doc.slug)
        title = Text(slug, doc.slug, slug)
    body = [b for b in doc.blocks if b.kind not in (TITLE, DESCRIPTION) and b is not title_block]
    return Article(locale, title, loc.text(doc.first(DESCRIPTION)), _body(body, loc))


# --- body structure -----------------------------------------------------------


def _runs(blocks: Sequence[Block]) -> Iterator[list[Block]]:
    """Consecutive blocks that form one element: a list, a table, a quote."""
    i = 0
    while i < len(blocks):
        first, j = blocks[i], i + 1
        while j < len(blocks) and _same_run(first, blocks[j]):
            j += 1
        yield list(blocks[i:j])
        i = j


def _same_run(first: Block, block: Block) -> bool:
    if first.kind != block.kind:
        return False
    if block.kind == LIST_ITEM:
        return True  # nesting and list boundaries are settled in _list
    if block.kind in (TABLE_CELL, QUOTE):
        return first.group is not None and block.group == first.group
    return False


def _body(blocks: Sequence[Block], loc: _Localizer) -> str:
    levels = _outline([b.level for b in blocks if b.kind == HEADING])
    out: list[str] = []
    for run in _runs(blocks):
        kind = run[0].kind
        if kind == LIST_ITEM:
            out.append(_list(run, loc))
        elif kind == TABLE_CELL:
            out.append(_table(run, loc))
        elif kind == QUOTE:
            inner = "\n".join(f"<p>{loc.text(b).html}</p>" for b in run)
            out.append(f"<blockquote>\n{inner}\n</blockquote>")
        elif kind == HEADING:
            level = next(levels)
            out.append(f"<h{level}>{loc.text(run[0]).html}</h{level}>")
        elif kind == IMAGE:
            out.append(_figure(run[0], loc))
        elif kind == CODE:
            out.append(_code(run[0]))
        elif kind == RAW:
            out.append(run[0].text)  # the author's own markup, marked translate="no"
        elif run[0].text.strip():
            out.append(f"<p>{loc.text(run[0]).html}</p>")
    return "\n".join(out)


def _outline(source_levels: Sequence[int]) -> Iterator[int]:
    """Heading levels under the page's <h1> title, never skipping one (h2 → h4 is invalid).

    A heading nests one level below the nearest earlier heading of a smaller
    source level, so the source's relative structure is kept.
    """
    stack: list[tuple[int, int]] = []  # (source level, page level)
    for level in source_levels:
        while stack and stack[-1][0] >= level:
            stack.pop()
        page_level = min(6, stack[-1][1] + 1) if stack else 2
        stack.append((level, page_level))
        yield page_level


def _list(items: Sequence[Block], loc: _Localizer) -> str:
    """Items into <ul>/<ol>, a deeper item opening a list inside the previous item."""
    out: list[str] = []
    stack: list[tuple[int, int | None, str]] = []  # (level, group, tag) of each open list
    for item in items:
        tag = "ol" if item.ordered else "ul"
        while stack and item.level < stack[-1][0]:
            out.append(f"</li></{stack.pop()[2]}>")
        if stack and item.level == stack[-1][0]:
            if (item.group, tag) == stack[-1][1:]:
                out.append("</li>")
            else:
                out.append(f"</li></{stack.pop()[2]}>")
        if not stack or item.level > stack[-1][0]:
            out.append(f"<{tag}>")
            stack.append((item.level, item.group, tag))
        out.append(f"<li>{loc.text(item).html}")
    while stack:
        out.append(f"</li></{stack.pop()[2]}>")
    return "".join(out)


def _table(cells: Sequence[Block], loc: _Localizer) -> str:
    rows: list[list[Block]] = []
    for cell in cells:
        if not rows or rows[-1][0].row != cell.row:
            rows.append([])
        rows[-1].append(cell)
    head = 0
    while head < len(rows) - 1 and all(c.header for c in rows[head]):
        head += 1

    def row_html(row: list[Block]) -> str:
        cells_html = "".join(
            f"<{t}>{loc.text(c).html}</{t}>" for c in row for t in ("th" if c.header else "td",)
        )
        return f"<tr>{cells_html}</tr>"

    parts = ["<table>"]
    if head:
        parts.append("<thead>" + "".join(row_html(r) for r in rows[:head]) + "</thead>")
    parts.append("<tbody>" + "".join(row_html(r) for r in rows[head:]) + "</tbody>")
    parts.append("</table>")
    return '<div class="table">' + "\n".join(parts) + "</div>"


def _attrs(pairs: Sequence[tuple[str, str]], skip: frozenset[str], only: str = "") -> str:
    out = []
    seen: set[str] = set()
    for name, value in pairs:
        key = name.lower()
        if not _ATTR_NAME.fullmatch(name) or key.startswith("on") or key in skip or key in seen:
            continue
        if only and not re.fullmatch(only, key):
            continue
        seen.add(key)
        out.append(f' {key}="{html.escape(value)}"')
    return "".join(out)


def _figure(block: Block, loc: _Localizer) -> str:
    pieces = loc.pieces(block)
    alt = loc.sep.join(plain_text(p.text) for p in pieces)
    if not block.src:
        return f"<p>{loc.text(block).html}</p>" if alt.strip() else ""
    lang = loc.span_attrs if any(p.fallback for p in pieces) else ""
    img = (
        f'<img src="{html.escape(loc.rebase(block.src))}" alt="{html.escape(alt)}"{lang}'
        f"{_attrs(block.attrs, _IMG_OWN)}>"
    )
    return f"<figure>{img}</figure>"


def _code(block: Block) -> str:
    attrs = _attrs(block.attrs, frozenset(), only=r"class|data-[-a-z0-9_.]+")
    return f'<pre translate="no"><code{attrs}>{html.escape(block.text, quote=False)}</code></pre>'
