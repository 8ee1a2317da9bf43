"""The parsed post as a tree, as a browser or Hugo sees it.

Containers are Elements (list, item, quote, table, cell, figure, raw HTML…)
holding other nodes. The leaves that translate are Units: the text of one
heading, paragraph, cell or caption, with inline markup replaced by
numbered placeholder tags, and also translatable attribute values (alt,
title…) and readable shortcode parameters. Everything else is kept as the
source wrote it: Text (code, translate="no" content), SiteTag (static-site
markup) and Comment. Extraction walks the tree in reading order; assembly
renders the same tree, so no container is ever guessed back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Union

from pipeline.document.tags import has_words
from pipeline.errors import PostlingoError

# Unit kinds, as reviewers see them in `#.` comments.
TITLE = "title"
DESCRIPTION = "description"
HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list item"
QUOTE = "quote"
TABLE_CELL = "table cell"
CAPTION = "caption"
TERM = "term"
DEFINITION = "definition"
FOOTNOTE = "footnote"
ATTRIBUTE = "attribute"  # shown as e.g. "alt attribute of an image"
SHORTCODE = "shortcode parameter"

# Attributes whose values people read, so they are translated wherever they appear.
TRANSLATABLE_ATTRS = ("alt", "title", "aria-label", "placeholder")

AttrValue = Union[str, "Unit"]
Attr = tuple[str, AttrValue]


@dataclass(frozen=True)
class Segment:
    """One sentence: one PO entry. Its tags are numbered from 1 within it."""

    text: str
    placeholders: tuple[Placeholder, ...] = ()
    line: int = 0
    kind: str = PARAGRAPH


@dataclass(frozen=True)
class Unit:
    """A translatable leaf. Its text carries tags numbered across the whole unit."""

    kind: str
    text: str
    line: int
    placeholders: tuple[Placeholder, ...] = ()
    segments: tuple[Segment, ...] = ()
    plain: bool = False  # an attribute or parameter value: rendered without markup

    @property
    def translatable(self) -> bool:
        return has_words(self.text)


@dataclass(frozen=True)
class Placeholder:
    """What one numbered tag stands for: an element, rendered only at output.

    A pair (``<1>…</1>``) wraps translated words; a void (``<2/>``) stands for
    an element kept whole, whose content is kept as written (code, an image,
    a footnote reference, a shortcode). Attribute values may be Units.
    """

    name: str
    attrs: tuple[Attr, ...] = ()
    void: bool = False
    content: tuple[Node, ...] = ()

    def attr(self, name: str) -> str:
        return attr_text(self.attrs, name)


@dataclass(frozen=True)
class Element:
    """A container or a kept element, with its source attributes in order."""

    name: str
    attrs: tuple[Attr, ...] = ()
    children: tuple[Node, ...] = ()
    line: int = 0

    def attr(self, name: str) -> str:
        return attr_text(self.attrs, name)


@dataclass(frozen=True)
class Text:
    """Text kept exactly as written: never translated, escaped at output."""

    value: str


@dataclass(frozen=True)
class Comment:
    value: str


@dataclass(frozen=True)
class SiteTag:
    """Static-site markup ({{< >}}, {% %}, {: }) kept verbatim around readable parameters."""

    pieces: tuple[str | Unit, ...]
    line: int = 0


Node = Element | Unit | Text | Comment | SiteTag


def attr_text(attrs: tuple[Attr, ...], name: str) -> str:
    """An attribute's source value ('' when absent)."""
    for key, value in attrs:
        if key == name:
            return value.text if isinstance(value, Unit) else value
    return ""


@dataclass(frozen=True)
class Document:
    """A post in its source language."""

    slug: str
    path: str  # project-relative, e.g. source/mini-thread-lifting.md
    lang: str
    body: tuple[Node, ...]
    title: Unit | None = None
    description: Unit | None = None
    meta: dict[str, str] = field(default_factory=dict)
    title_from_body: bool = False  # the title is the body's first <h1>, shown as the page title
    warnings: tuple[PostlingoError, ...] = ()  # read anyway: a misspelled front-matter key

    def units(self) -> Iterator[Unit]:
        """Every unit, translatable or not, in reading order."""
        for unit in (self.title, self.description):
            if unit is not None:
                yield from unit_and_inner(unit)
        yield from units_in(self.body)

    def segments(self) -> Iterator[Segment]:
        for unit in self.units():
            yield from unit.segments


# --- walking ---------------------------------------------------------------------


def _children(node: Node | Placeholder) -> list[Node | Placeholder | Unit]:
    """What a node holds, in reading order: attribute units first, then content."""
    out: list[Node | Placeholder | Unit] = []
    if isinstance(node, Element | Placeholder):
        out.extend(v for _, v in node.attrs if isinstance(v, Unit))
        out.extend(node.children if isinstance(node, Element) else node.content)
    elif isinstance(node, SiteTag):
        out.extend(p for p in node.pieces if isinstance(p, Unit))
    elif isinstance(node, Unit):
        out.extend(node.placeholders)
    return out


def unit_and_inner(unit: Unit) -> Iterator[Unit]:
    yield unit
    yield from units_in(list(unit.placeholders))


def units_in(nodes: list[Node | Placeholder] | tuple[Node, ...]) -> Iterator[Unit]:
    """Units under the given nodes in reading order, without recursion.

    A unit comes before the units inside its placeholders (an image's alt
    text inside a sentence follows the sentence).
    """
    stack: list[Node | Placeholder | Unit] = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, Unit):
            yield node
        stack.extend(reversed(_children(node)))


def elements_in(nodes: tuple[Node, ...]) -> Iterator[Element | Placeholder]:
    """Every element and placeholder under the nodes (for images to copy), without recursion."""
    stack: list[Node | Placeholder | Unit] = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, Element | Placeholder):
            yield node
        stack.extend(_children(node))


def map_units(doc: Document, change: Callable[[Unit], Unit]) -> Document:
    """The document with every unit replaced by change(unit), structure untouched.

    Recursion is bounded by the readers' nesting limit.
    """

    def unit(u: Unit) -> Unit:
        return change(replace(u, placeholders=tuple(placeholder(p) for p in u.placeholders)))

    def attrs(items: tuple[Attr, ...]) -> tuple[Attr, ...]:
        return tuple((k, unit(v) if isinstance(v, Unit) else v) for k, v in items)

    def placeholder(p: Placeholder) -> Placeholder:
        if not p.content and not any(isinstance(v, Unit) for _, v in p.attrs):
            return p
        return replace(p, attrs=attrs(p.attrs), content=tuple(node(n) for n in p.content))

    def node(n: Node) -> Node:
        if isinstance(n, Unit):
            return unit(n)
        if isinstance(n, Element):
            return replace(n, attrs=attrs(n.attrs), children=tuple(node(c) for c in n.children))
        if isinstance(n, SiteTag):
            return replace(n, pieces=tuple(unit(p) if isinstance(p, Unit) else p for p in n.pieces))
        return n

    return replace(
        doc,
        body=tuple(node(n) for n in doc.body),
        title=unit(doc.title) if doc.title else None,
        description=unit(doc.description) if doc.description else None,
    )
