"""Translated Markdown by substitution: the source kept byte for byte, only the words replaced.

A static-site generator must get back the post its author wrote: the same
block structure, shortcodes, Liquid, reference links and raw HTML. So the
source is not re-rendered from the tree. It is parsed once more with the
reader's own markdown-it configuration, each inline run (a paragraph, a
heading, a cell…) is read into units through the same HTML walker the reader
uses (so its msgids are the catalog's), and only a run whose translation
differs from its source is rewritten, in place, on one line. Its placeholder
tags go back to the Markdown they stood for: emphasis and link syntax as the
source wrote it, code spans, images, footnote references and shortcodes as
written. Translated words are escaped, so a msgstr can never add markup.
Anything the rewriting cannot map back is left as the source wrote it.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from pipeline import locales
from pipeline.article import balanced, render_nodes
from pipeline.document import (
    Document,
    Element,
    Node,
    Placeholder,
    SiteTag,
    Text,
    Unit,
    plain_text,
    tags,
    units_in,
)
from pipeline.segment import segment_document
from pipeline.sources import dom, markdown
from pipeline.sources.front_matter import split_front_matter
from pipeline.sources.inline import VOID_ELEMENTS
from pipeline.sources.sanitize import sanitize_tree
from pipeline.sources.site_tags import parse as parse_site_tag
from pipeline.sources.site_tags import quoted_value

MARK = "data-postlingo-token"  # on each rendered element: the inline token it came from
_SPAN, _LABEL = "postlingo_span", "postlingo_label"
_START_TAG_RE = re.compile(r"^<([A-Za-z][A-Za-z0-9-]*)")
# Punctuation that can start inline markup; escaped everywhere in translated words.
_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>&~])")
# `{{`, `{%`, `{:`: a shortcode, Liquid or an attribute list would begin.
_SITE_TAG_RE = re.compile(r"\{(?=[{%:])")
# Where a shortcode or Liquid tag opens or closes, in a translated parameter.
_OPENER_RE = re.compile(r"\{(?=[{%])")
_CLOSER_RE = re.compile(r"(?<=[}%])\}")
# What starts a block when it begins a line (heading, list, quote, admonition…).
_LINE_START_RE = re.compile(r"^(?:[#+\-=>:!?]|\d+(?=[.)]))")
_PAIRS = {"strong_open", "em_open", "s_open", "link_open"}


class _Unmapped(Exception):
    """An element the rewriting cannot trace back to its Markdown: keep the source."""


def escape(text: str, line_start: bool = False) -> str:
    """Words as Markdown that renders exactly them, on one line."""
    out = _SPECIAL_RE.sub(r"\\\1", " ".join(text.splitlines()))
    # a pipe as an entity: even escaped, a pipe makes a line a table header for the next one
    out = _SITE_TAG_RE.sub("{\\\\", out).replace("|", "&#124;")
    if line_start and _LINE_START_RE.match(out):
        out = "\\" + out
    return out


def _spanned(name: str, fn: Callable[[StateInline, bool], bool]) -> Callable[..., bool]:
    """An inline rule that also notes the source span of each token it makes."""

    def rule(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        label = -1
        if not silent and name in ("link", "image"):
            label = state.md.helpers.parseLinkLabel(
                state, start + (1 if name == "image" else 0), name == "link"
            )
        ok = fn(state, silent)
        if ok and not silent:
            for token in state.tokens[count:]:
                if token.type != "text" and _SPAN not in token.meta:
                    token.meta[_SPAN] = (start, state.pos)
                    token.meta[_LABEL] = label
        return ok

    return rule


@functools.cache
def _parser() -> MarkdownIt:
    md = markdown.configured("keep")
    for rule in list(md.inline.ruler.__rules__):
        md.inline.ruler.at(rule.name, _spanned(rule.name, rule.fn), {"alt": rule.alt})
    return md


@dataclass
class _Run:
    """One inline token: its children, its text, and how its lines continue."""

    tokens: list[Token]
    src: str
    prefix: str  # what starts a continuation line (quote marks, indentation)

    def index(self, ph: Placeholder | Element) -> int:
        mark = ph.attr(MARK)
        if not mark.isdigit() or int(mark) >= len(self.tokens):
            raise _Unmapped
        return int(mark)

    def source(self, i: int) -> str:
        token = self.tokens[i]
        if token.type == "html_inline":
            return str(token.meta.get("postlingo_html", token.content))
        if _SPAN not in token.meta:
            raise _Unmapped
        start, end = token.meta[_SPAN]
        return self.src[start:end]


class _Writer:
    """Renders the units of one run in the target locale, as Markdown."""

    def __init__(self, run: _Run, locale: str, translations: Mapping[str, str]) -> None:
        self.run = run
        self.locale = locale
        self.translations = translations
        self.sep = "" if locales.joins_without_space(locale) else " "

    def pieces(self, unit: Unit) -> list[tuple[str, Sequence[Placeholder]]]:
        """Each sentence's msgstr where it is publishable, else its source text."""
        out: list[tuple[str, Sequence[Placeholder]]] = []
        for seg in unit.segments:
            msgstr = self.translations.get(seg.text)
            if msgstr is not None and (
                balanced(msgstr, seg.placeholders) or not balanced(seg.text, seg.placeholders)
            ):
                out.append((msgstr, seg.placeholders))
            else:
                out.append((seg.text, seg.placeholders))
        if not unit.segments and unit.text:
            out.append((unit.text, unit.placeholders))
        return out

    def plain(self, unit: Unit) -> str:
        shown: list[str] = []
        for text, placeholders in self.pieces(unit):
            for number, ph in enumerate(placeholders, start=1):
                if ph.name == "#text":
                    text = text.replace(f"<{number}/>", _literal(ph.content))
            shown.append(plain_text(text))
        return self.sep.join(shown)

    def nodes(self, nodes: Sequence[Node], line_start: bool = False) -> str:
        out: list[str] = []
        for node in nodes:
            first = line_start and not out
            if isinstance(node, Unit):
                out.append(self.unit(node, first))
            elif isinstance(node, Text):
                out.append(escape(node.value, first))
            elif isinstance(node, Element):
                out.append(self.element(node))
            else:
                raise _Unmapped
        return "".join(out)

    def unit(self, unit: Unit, line_start: bool) -> str:
        rendered = [self.markup(text, phs) for text, phs in self.pieces(unit)]
        joined = self.sep.join(rendered)
        return "\\" + joined if line_start and _LINE_START_RE.match(joined) else joined

    def markup(self, text: str, placeholders: Sequence[Placeholder]) -> str:
        if not balanced(text, placeholders):
            text, placeholders = plain_text(text), ()
        out: list[str] = []
        pos = 0
        skipping: int | None = None  # inside a tag whose source is written whole
        for tag in tags(text):
            if skipping is None:
                out.append(escape(text[pos : tag.start]))
            pos = tag.end
            ph = placeholders[tag.number - 1] if 1 <= tag.number <= len(placeholders) else None
            if ph is None or ph.void != (tag.kind == "void"):
                if skipping is None:
                    out.append(escape(text[tag.start : tag.end]))
            elif skipping is not None:
                if tag.kind == "close" and tag.number == skipping:
                    skipping = None
            elif ph.name == "#text":
                out.append(escape(_literal(ph.content)))
            elif tag.kind == "void":
                out.append(self.void(ph))
            else:
                i = self.run.index(ph)
                if self.whole(i):
                    out.append(self.run.source(i))
                    skipping = tag.number if tag.kind == "open" else None
                else:
                    out.append(self.opening(i) if tag.kind == "open" else self.closing(i, ph))
        if skipping is None:
            out.append(escape(text[pos:]))
        return "".join(out)

    def whole(self, i: int) -> bool:
        """Tokens written as the source has them, words and all (URLs, footnote marks)."""
        token = self.run.tokens[i]
        return token.type not in _PAIRS | {"html_inline"} or token.markup in (
            "autolink",
            "linkify",
        )

    def opening(self, i: int) -> str:
        token = self.run.tokens[i]
        if token.type == "html_inline":
            return self.run.source(i)
        return "[" if token.type == "link_open" else token.markup

    def closing(self, i: int, ph: Placeholder | Element) -> str:
        token = self.run.tokens[i]
        if token.type == "html_inline":
            return f"</{ph.name}>"
        if token.type != "link_open":
            return token.markup
        title = next((v for k, v in ph.attrs if k == "title" and isinstance(v, Unit)), None)
        if title is not None and self.plain(title) != title.text:
            return f']({token.attrGet("href") or ""} "{_title(self.plain(title))}")'
        if token.meta.get(_LABEL, -1) < 0:
            raise _Unmapped
        return self.run.src[token.meta[_LABEL] : token.meta[_SPAN][1]]

    def void(self, ph: Placeholder) -> str:
        i = self.run.index(ph)
        token = self.run.tokens[i]
        if token.type == "hardbreak":
            return "  \n" + self.run.prefix  # not a backslash: it could join a bare URL before it
        if token.type == "image":
            return self.image(i, ph.attrs)
        if token.type == "site_tag_inline" and ph.content and isinstance(ph.content[0], SiteTag):
            return self.site_tag(ph.content[0])
        if token.type in _PAIRS and token.markup not in ("autolink", "linkify"):
            # a pair kept whole (a link around an image): its insides may still translate
            return self.opening(i) + self.nodes(ph.content) + self.closing(i, ph)
        return self.run.source(i)

    def element(self, element: Element) -> str:
        i = self.run.index(element)
        token = self.run.tokens[i]
        if token.type == "image":
            return self.image(i, element.attrs)
        if token.type in _PAIRS and token.markup not in ("autolink", "linkify"):
            return self.opening(i) + self.nodes(element.children) + self.closing(i, element)
        if token.type == "site_tag_inline" and element.children:
            tag = element.children[0]
            if isinstance(tag, SiteTag):
                return self.site_tag(tag)
        return self.run.source(i)

    def image(self, i: int, attrs: Sequence[tuple[str, str | Unit]]) -> str:
        values = dict(attrs)
        alt, title = values.get("alt"), values.get("title")
        alt_text = self.plain(alt) if isinstance(alt, Unit) else None
        title_text = self.plain(title) if isinstance(title, Unit) else None
        if (alt_text is None or alt_text == alt.text) and (  # type: ignore[union-attr]
            title_text is None or title_text == title.text  # type: ignore[union-attr]
        ):
            return self.run.source(i)
        token = self.run.tokens[i]
        start, end = token.meta[_SPAN]
        label = token.meta[_LABEL]
        shown_alt = escape(alt_text) if alt_text is not None else self.run.src[start + 2 : label]
        if title_text is not None and title_text != title.text:  # type: ignore[union-attr]
            return f'![{shown_alt}]({token.attrGet("src") or ""} "{_title(title_text)}")'
        return f"![{shown_alt}{self.run.src[label:end]}"

    def site_tag(self, tag: SiteTag) -> str:
        out: list[str] = []
        for piece in tag.pieces:
            if isinstance(piece, Unit):
                shown = self.plain(piece)
                if shown != piece.text:
                    shown = _parameter(shown)
                out.append(quoted_value(shown, out[-1][-1:] if out else '"'))
            else:
                out.append(piece)
        return "".join(out)

    def changed(self, units: Sequence[Unit]) -> bool:
        return any(
            self.translations.get(seg.text, seg.text) != seg.text
            for unit in units
            for seg in unit.segments
        )


def _title(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return _SITE_TAG_RE.sub("{\\\\", escaped)


def _site_openers(text: str) -> int:
    return len(_OPENER_RE.findall(text))


def _parameter(text: str) -> str:
    """A translated shortcode or Liquid parameter that cannot end its tag or open another."""
    return _CLOSER_RE.sub(" }", _OPENER_RE.sub("{ ", text))


def _literal(nodes: Sequence[Node]) -> str:
    return "".join(n.value for n in nodes if isinstance(n, Text))


# --- reading the runs ------------------------------------------------------------


def _marked_html(
    md: MarkdownIt, children: list[Token], env: dict[str, object], drop_html: bool
) -> str:
    """The run as the reader renders it, each element marked with its token's index."""
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)
    out: list[str] = []
    for index, token in enumerate(children):
        if token.type == "html_inline":
            token.meta["postlingo_html"] = token.content
            if drop_html:
                continue
        if token.type in renderer.rules:
            piece = renderer.rules[token.type](children, index, md.options, env)
        else:
            piece = renderer.renderToken(children, index, md.options, env)
        out.append(_START_TAG_RE.sub(rf'<\1 {MARK}="{index}"', piece, count=1))
    return "".join(out)


def _units(html: str, lang: str, raw_html: str) -> tuple[Node, ...] | None:
    """The run's nodes with segmented units, as the reader makes them (None: not one block)."""
    root, lines = dom.parse_tree(f"<p>{html}</p>", fragment=True)
    sanitize_tree(root, raw_html, lines)
    nodes = dom.Walker(root, lines).flow(root)
    if len(nodes) != 1 or not isinstance(nodes[0], Element) or nodes[0].name != "p":
        return None
    return segment_document(Document("", "", lang, nodes[0].children)).body


def _column(line: str, text: str, cursor: int) -> int:
    """Where a run's first line starts: at the end of the line when it can (`1. 1 day`)."""
    for candidate in (line, line.rstrip()):
        if candidate.endswith(text) and len(candidate) - len(text) >= cursor:
            return len(candidate) - len(text)
    return line.find(text, cursor)


def _locate(
    lines: list[str], starts: list[int], token: Token, cursor: dict[int, int]
) -> tuple[int, int, str] | None:
    """Where a run's text is in the body: (start, end) offsets and the continuation prefix."""
    if token.map is None or not token.content:
        return None
    first = token.map[0]
    parts = token.content.split("\n")
    if first + len(parts) > len(lines):
        return None
    col = _column(lines[first], parts[0], cursor.get(first, 0))
    if col < 0:
        return None
    cursor[first] = col + len(parts[0])
    if len(parts) == 1:
        return starts[first] + col, starts[first] + col + len(parts[0]), ""
    for k, part in enumerate(parts[1:], start=1):
        line = lines[first + k] if k < len(parts) - 1 else lines[first + k].rstrip()
        if not line.endswith(part):
            return None
    last = first + len(parts) - 1
    following = lines[first + 1]
    prefix = following[: len(following) - len(parts[1])] if parts[1] else following
    return starts[first] + col, starts[last] + len(lines[last].rstrip()), prefix


def _without_heading_attrs(content: str, place: tuple[int, int, str]) -> tuple[int, int, str]:
    """A heading's text without its trailing `{#id .class}`, which stays as written."""
    m = markdown.HEADING_ID_RE.search(content)
    if m is None:
        return place
    kept = len(content) - m.start() - (len(m.group(0)) - len(m.group(0).lstrip()))
    return place[0], place[1] - kept, place[2]


_START_RE = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>")
_END_RE = re.compile(r"</[A-Za-z][A-Za-z0-9-]*\s*>")


def _self_contained(content: str, root: ET.Element) -> bool:
    """Whether the HTML parses alone into exactly the elements it writes, each closed."""
    starts = _START_RE.findall(content)
    pairs = [name for name, slash in starts if not slash and name.lower() not in VOID_ELEMENTS]
    parsed = sum(1 for e in root.iter() if isinstance(e.tag, str)) - 1  # the wrapper
    return parsed == len(starts) and len(_END_RE.findall(content)) == len(pairs)


@dataclass(frozen=True)
class _Region:
    """A stretch of the body that translation may rewrite, with its units (any locale)."""

    kind: str  # "run" (inline text), "tag" (a block shortcode), "html" (a raw HTML block)
    start: int
    end: int
    nodes: tuple[Node, ...]
    run: _Run
    lang: str


def _block_tag(body: str, token: Token, start: int, lang: str) -> _Region | None:
    """A block shortcode with readable parameters (caption, title…)."""
    if token.meta.get("code"):
        return None
    tag = segment_document(Document("", "", lang, (parse_site_tag(token.content, 0),))).body[0]
    at = body.find(token.content, start)
    if not isinstance(tag, SiteTag) or at < 0:
        return None
    return _Region("tag", at, at + len(token.content), (tag,), _Run([], "", ""), lang)


def _html_block(body: str, token: Token, start: int, lang: str, raw_html: str) -> _Region | None:
    """Raw HTML between Markdown blocks, when it stands alone as elements of its own."""
    root, lines = dom.parse_tree(token.content, fragment=True)
    if not _self_contained(token.content, root):
        return None  # part of an element that other blocks open or close: keep it as written
    sanitize_tree(root, raw_html, lines)
    doc = segment_document(Document("", "", lang, dom.Walker(root, lines).flow(root)))
    content = token.content.rstrip("\n")
    at = body.find(content, start)
    return (
        _Region("html", at, at + len(content), doc.body, _Run([], content, ""), lang)
        if at >= 0
        else None
    )


def _inline(
    md: MarkdownIt, token: Token, place: tuple[int, int, str] | None, env: dict[str, object],
    lang: str, raw_html: str,
) -> _Region | None:  # fmt: skip
    if place is None or not token.children:
        return None
    nodes = _units(_marked_html(md, token.children, env, raw_html == "drop"), lang, raw_html)
    if nodes is None:
        return None
    return _Region(
        "run", place[0], place[1], nodes, _Run(token.children, token.content, place[2]), lang
    )


@functools.lru_cache(maxsize=32)
def _regions(body: str, lang: str, raw_html: str) -> tuple[_Region, ...]:
    """Every region of a body, read once per post however many locales it is written in."""
    md = _parser()
    env: dict[str, object] = {}
    tokens = md.parse(body, env)
    lines = body.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    cursor: dict[int, int] = {}
    found: list[_Region | None] = []
    for previous, token in zip([None, *tokens], tokens, strict=False):
        if token.map is None:
            continue
        if token.type == "site_tag_block":
            found.append(_block_tag(body, token, starts[token.map[0]], lang))
        elif token.type == "html_block" and raw_html != "drop":
            found.append(_html_block(body, token, starts[token.map[0]], lang, raw_html))
        elif token.type == "inline":
            place = _locate(lines, starts, token, cursor)
            if place is not None and previous is not None and previous.type == "heading_open":
                place = _without_heading_attrs(token.content, place)
            found.append(_inline(md, token, place, env, lang, raw_html))
    return tuple(r for r in found if r is not None)


def _rewrite(region: _Region, writer: _Writer) -> str | None:
    """The region in the writer's locale, or None to keep it as written."""
    if region.kind == "run":
        try:
            return writer.nodes(region.nodes, line_start=True)
        except _Unmapped:
            return None
    if region.kind == "tag":
        tag = region.nodes[0]
        return writer.site_tag(tag) if isinstance(tag, SiteTag) else None
    doc = Document("", "", region.lang, region.nodes)
    html = render_nodes(doc, writer.locale, region.nodes, writer.translations)
    if any(not line.strip() for line in html.split("\n")):
        return None  # a blank line would end the HTML block
    if _site_openers(html) > _site_openers(region.run.src):
        return None  # a msgstr would open a shortcode or Liquid tag: keep the source
    if [t.type for t in _parser().parse(html, {})] != ["html_block"]:
        return None  # Markdown would no longer read it as one HTML block
    return html


def translate_body(
    body: str, lang: str, locale: str, translations: Mapping[str, str], raw_html: str
) -> str:
    """A Markdown body with every translated region rewritten in place; the rest as written."""
    edits: list[tuple[int, int, str]] = []
    for region in _regions(body, lang, raw_html):
        writer = _Writer(region.run, locale, translations)
        if not writer.changed(list(units_in(region.nodes))):
            continue
        text = _rewrite(region, writer)
        if text is not None:
            edits.append((region.start, region.end, text))
    out = body
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[end:]
    return out


def plain(unit: Unit, locale: str, translations: Mapping[str, str]) -> str:
    """A unit's words in the locale without markup: a front-matter title or description."""
    return _Writer(_Run([], "", ""), locale, translations).plain(unit)


def split(text: str) -> tuple[str, str]:
    """(front matter block with its fences, body): the body is the text after it."""
    _, body, _ = split_front_matter(text)
    return text[: len(text) - len(body)], body
