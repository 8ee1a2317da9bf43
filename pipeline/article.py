"""A Document put into one locale: its tree rendered as article HTML.

Translations go back into the very units they came from; translated HTML is
never re-parsed. Every text passes through render_text, so a msgstr can move
placeholder tags but can never add markup of its own, and every element and
attribute on the page is one the source had.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pipeline import locales
from pipeline.document import (
    Attr,
    Comment,
    Document,
    Element,
    Node,
    Placeholder,
    SiteTag,
    Text,
    Unit,
    elements_in,
    plain_text,
    tags,
)
from pipeline.sources.inline import ATTR_NAME_RE, VOID_ELEMENTS
from pipeline.sources.sanitize import DATA_IMAGE_TYPES
from pipeline.sources.site_tags import quoted_value

_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
# Never emitted from a post, whatever its markup: they run code or load pages.
_NEVER = frozenset({"script", "style", "iframe", "object", "embed", "frame", "frameset", "base"})
_URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "data"})
_SCRIPT_URL_RE = re.compile(
    rf"^[\s\x00-\x1f]*(?:javascript|vbscript|data(?!:image/(?:{DATA_IMAGE_TYPES});))\s*:", re.I
)
_HEADING_RE = re.compile(r"h([1-6])")


@dataclass(frozen=True)
class LocalText:
    """One unit's words in the page's locale, in the forms a page needs."""

    html: str  # markup restored from placeholders
    plain: str  # no markup at all: <title>, alt, meta content
    label: str  # escaped plain text with fallback runs in lang spans: for use inside a link


@dataclass(frozen=True)
class Article:
    """What a page shows of one post in one locale."""

    locale: str
    title: LocalText
    description: LocalText
    body_html: str


def bcp47(locale: str) -> str:
    """The form HTML lang and hreflang want: zh_Hans → zh-Hans."""
    return locale.replace("_", "-")


def balanced(text: str, placeholders: Sequence[Placeholder]) -> bool:
    """Whether every tag render_text would restore opens and closes in order.

    An unbalanced text would leave stray or unclosed elements in the page.
    """
    stack: list[int] = []
    for tag in tags(text):
        known = 1 <= tag.number <= len(placeholders)
        if not known or placeholders[tag.number - 1].void != (tag.kind == "void"):
            continue  # shown as text by render_text
        if tag.kind == "open":
            stack.append(tag.number)
        elif tag.kind == "close" and (not stack or stack.pop() != tag.number):
            return False
    return not stack


def images(doc: Document) -> list[str]:
    """The src of every image in the post, as the source wrote it."""
    return [
        e.attr("src")
        for e in elements_in(doc.body)
        if e.name in ("img", "source") and e.attr("src")
    ]


def links(doc: Document) -> list[str]:
    """The href of every link in the post, as the source wrote it (for the posts it links to)."""
    return [e.attr("href") for e in elements_in(doc.body) if e.name == "a" and e.attr("href")]


@dataclass(frozen=True)
class _Piece:
    text: str
    placeholders: tuple[Placeholder, ...]
    fallback: bool  # shown in the source language on a page of another locale


class _Renderer:
    def __init__(
        self,
        doc: Document,
        locale: str,
        translations: Mapping[str, str],
        rebase: Callable[[str], str],
        link: Callable[[str], tuple[str, str | None]],
    ) -> None:
        self.translations = translations
        self.rebase = rebase
        self.link = link
        self.sep = "" if locales.joins_without_space(locale) else " "
        self.foreign = locale != doc.lang
        attrs = f' lang="{html.escape(bcp47(doc.lang))}"'
        if locales.direction(doc.lang) != locales.direction(locale):
            attrs += f' dir="{locales.direction(doc.lang)}"'
        self.span_attrs = attrs
        self.shift = 0

    # --- units -------------------------------------------------------------------

    def pieces(self, unit: Unit) -> list[_Piece]:
        out = []
        for seg in unit.segments:
            msgstr = self.translations.get(seg.text)
            if msgstr is not None and (
                balanced(msgstr, seg.placeholders) or not balanced(seg.text, seg.placeholders)
            ):
                out.append(_Piece(msgstr, seg.placeholders, False))
            else:
                out.append(_Piece(seg.text, seg.placeholders, self.foreign))
        if not unit.segments and unit.text:
            out.append(_Piece(unit.text, unit.placeholders, False))  # nothing to translate
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

    def text(self, unit: Unit | None) -> LocalText:
        pieces = self.pieces(unit) if unit else []
        return LocalText(
            html=self.join([(self.markup(p.text, p.placeholders), p.fallback) for p in pieces]),
            plain=self.plain(unit) if unit else "",
            label=self.join([(html.escape(plain_text(p.text)), p.fallback) for p in pieces]),
        )

    def plain(self, unit: Unit) -> str:
        """A unit's words without markup: for attribute values and <title>."""
        out = []
        for piece in self.pieces(unit):
            shown = piece.text
            for number, ph in enumerate(piece.placeholders, start=1):
                if ph.name == "#text":  # a literal "<1>" the author wrote
                    shown = shown.replace(f"<{number}/>", _kept(ph.content))
            out.append(plain_text(shown))
        return self.sep.join(out)

    def markup(self, text: str, placeholders: Sequence[Placeholder]) -> str:
        if not balanced(text, placeholders):
            text, placeholders = plain_text(text), ()
        out: list[str] = []
        pos = 0
        for tag in tags(text):
            out.append(html.escape(text[pos : tag.start], quote=False))
            pos = tag.end
            ph = placeholders[tag.number - 1] if 1 <= tag.number <= len(placeholders) else None
            if ph is None or ph.void != (tag.kind == "void"):
                out.append(html.escape(text[tag.start : tag.end], quote=False))
            elif tag.kind == "close":
                out.append(self.end_tag(ph.name))
            elif tag.kind == "open":
                out.append(self.start_tag(ph.name, ph.attrs))
            elif ph.name == "#text":
                out.append(html.escape(_kept(ph.content), quote=False))
            else:
                out.append(self.element(ph.name, ph.attrs, ph.content))
        out.append(html.escape(text[pos:], quote=False))
        return "".join(out)

    # --- elements ----------------------------------------------------------------

    def start_tag(self, name: str, attrs: Sequence[Attr]) -> str:
        if name in _NEVER or not _NAME_RE.fullmatch(name):
            return ""
        parts = [name]
        seen: set[str] = set()
        for key, value in attrs:
            lower = key.lower()
            if lower in seen or not ATTR_NAME_RE.fullmatch(key) or lower.startswith("on"):
                continue
            seen.add(lower)
            shown = self.plain(value) if isinstance(value, Unit) else value
            if lower in _URL_ATTRS and _SCRIPT_URL_RE.match(shown):
                continue
            if lower == "src" and name in ("img", "source", "video", "audio"):
                shown = self.rebase(shown)
            hreflang = None
            if lower == "href" and name == "a":
                shown, hreflang = self.link(shown)
            parts.append(f'{key}="{html.escape(shown, quote=True)}"')
            if hreflang and not any(k.lower() == "hreflang" for k, _ in attrs):
                parts.append(f'hreflang="{html.escape(hreflang, quote=True)}"')
        return "<" + " ".join(parts) + ">"

    def end_tag(self, name: str) -> str:
        if name in _NEVER or not _NAME_RE.fullmatch(name) or name in VOID_ELEMENTS:
            return ""
        return f"</{name}>"

    def element(self, name: str, attrs: Sequence[Attr], children: Sequence[Node]) -> str:
        if name in _NEVER:
            return ""
        m = _HEADING_RE.fullmatch(name)
        if m and self.shift:
            name = f"h{min(6, int(m.group(1)) + self.shift)}"
        if name in VOID_ELEMENTS:
            return self.start_tag(name, attrs)
        inner = "".join(self.node(child) for child in children)
        return f"{self.start_tag(name, attrs)}{inner}{self.end_tag(name)}"

    def node(self, node: Node) -> str:
        if isinstance(node, Unit):
            return self.text(node).html
        if isinstance(node, Element):
            return self.element(node.name, node.attrs, node.children)
        if isinstance(node, Text):
            return html.escape(node.value, quote=False)
        if isinstance(node, SiteTag):
            return html.escape(self.site_tag(node), quote=False)
        if isinstance(node, Comment):
            return "<!--" + node.value.replace("--", "- -").lstrip(">-") + "-->"
        return ""

    def site_tag(self, tag: SiteTag) -> str:
        out: list[str] = []
        for piece in tag.pieces:
            if isinstance(piece, Unit):
                quote = out[-1][-1:] if out else '"'
                out.append(quoted_value(self.plain(piece), quote))
            else:
                out.append(piece)
        return "".join(out)

    def body(self, nodes: Sequence[Node]) -> str:
        levels = [
            int(m.group(1))
            for n in elements_in(tuple(nodes))
            if isinstance(n, Element) and (m := _HEADING_RE.fullmatch(n.name)) is not None
        ]
        self.shift = 1 if levels and min(levels) == 1 else 0
        return "\n".join(self.node(n) for n in nodes)


def _kept(nodes: Sequence[Node]) -> str:
    """The text a "#text" placeholder keeps: what the author wrote, like a literal <1>."""
    return "".join(n.value for n in nodes if isinstance(n, Text))


def render_text(text: str, placeholders: Sequence[Placeholder]) -> str:
    """A unit text as HTML with nothing translated: escape everything, restore known tags."""
    return _Renderer(Document("", "", "en", ()), "en", {}, _same, _unchanged).markup(
        text, placeholders
    )


def _same(src: str) -> str:
    return src


def _unchanged(href: str) -> tuple[str, str | None]:
    return href, None


def localize(
    doc: Document,
    locale: str,
    translations: Mapping[str, str],
    rebase: Callable[[str], str] | None = None,
    link: Callable[[str], tuple[str, str | None]] | None = None,
) -> Article:
    """The post as it reads in `locale`, each missing msgstr falling back to the source.

    `rebase` maps an image's src as written in the source to the page's URL for it;
    `link` maps a link's href to the page's (and the hreflang of another language's page).
    """
    loc = _Renderer(doc, locale, translations, rebase or _same, link or _unchanged)
    title = loc.text(doc.title)
    if not title.plain.strip():  # <title> must not be empty: name the post by its slug
        slug = html.escape(doc.slug)
        title = LocalText(slug, doc.slug, slug)
    return Article(locale, title, loc.text(doc.description), loc.body(doc.body))


def render_nodes(
    doc: Document, locale: str, nodes: Sequence[Node], translations: Mapping[str, str]
) -> str:
    """Nodes as HTML in `locale`, headings and image URLs as written (raw HTML in Markdown)."""
    loc = _Renderer(doc, locale, translations, _same, _unchanged)
    return "\n".join(loc.node(n) for n in nodes)
