"""An HTML5 tree (html5lib) → Document nodes: the one walker every reader shares.

Markdown is rendered to HTML by markdown-it-py and read here too, so raw
HTML inside Markdown, lists inside table cells and quotes inside list items
all take the same path, and the tree is the one a browser would build.

html5lib keeps no source positions; a tree builder that notes the
tokenizer's line whenever it creates an element gives each unit the line of
its start tag. Walking recurses per element, so a nesting limit is checked
first, without recursion.
"""

from __future__ import annotations

import gc
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import html5lib

from pipeline.document import (
    ATTRIBUTE,
    CAPTION,
    DEFINITION,
    FOOTNOTE,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    QUOTE,
    TABLE_CELL,
    TERM,
    TITLE,
    TRANSLATABLE_ATTRS,
    Attr,
    Comment,
    Element,
    Node,
    Placeholder,
    Text,
    Unit,
)
from pipeline.errors import PostlingoError
from pipeline.sources import site_tags
from pipeline.sources.inline import InlineRun, element_names, plain_unit

MAX_DEPTH = 200
COLLECT_ABOVE = 256 * 1024  # characters of HTML; below this the garbage is small

BLOCK_ELEMENTS = element_names(
    "address article aside blockquote caption center colgroup dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr legend li main "
    "menu nav ol p pre section summary table tbody td tfoot th thead tr ul"
)
# Kept whole, as written: code, foreign content, embedded media and form controls.
KEPT = element_names(
    "pre code kbd samp svg math iframe object embed video audio canvas picture select textarea "
    "button script style template noscript"
)
_KINDS = {
    "li": LIST_ITEM,
    "td": TABLE_CELL,
    "th": TABLE_CELL,
    "blockquote": QUOTE,
    "figcaption": CAPTION,
    "caption": CAPTION,
    "dt": TERM,
    "dd": DEFINITION,
    **{f"h{n}": HEADING for n in range(1, 7)},
}

_EtreeBuilder: Any = html5lib.treebuilders.getTreeBuilder("etree")


class _LineTreeBuilder(_EtreeBuilder):
    """The etree builder, noting the source line of every element it creates."""

    def __init__(self, namespace_html_elements: bool) -> None:
        self.lines: dict[ET.Element, int] = {}
        self.position: Callable[[], int] = lambda: 1
        super().__init__(namespace_html_elements)

    def elementClass(self, name: str, namespace: str | None = None) -> Any:
        element = _EtreeBuilder.elementClass(name, namespace)
        self.lines[element._element] = self.position()
        return element


def parse_tree(text: str, fragment: bool = False) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The <html> element of a page (or a fragment's container), and each element's line."""
    parser = html5lib.HTMLParser(tree=_LineTreeBuilder, namespaceHTMLElements=False)
    builder: _LineTreeBuilder = parser.tree
    builder.position = lambda: parser.tokenizer.stream.position()[0]
    root = parser.parseFragment(text) if fragment else parser.parse(text)
    if fragment:  # a DocumentFragment: wrap its children so callers see one element
        wrapper = ET.Element("body")
        wrapper.text = root.text
        wrapper.extend(list(root))
        root = wrapper
    lines = builder.lines
    check_depth(root, lines)
    for element in root.iter():
        # Foreign content (svg, math) comes back as "{namespace}name".
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.rpartition("}")[2]
    if len(text) > COLLECT_ABOVE:
        # html5lib's parser, tokenizer and node wrappers refer to each other, so
        # they outlive the parse until a garbage collection, holding the input and
        # its tokens: 5-8x a big post, on top of the tree being walked.
        del parser, builder
        gc.collect()
    return root, lines


def check_depth(root: ET.Element, lines: dict[ET.Element, int]) -> None:
    """Refuse trees nested deeper than MAX_DEPTH, before anything recurses over them."""
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise PostlingoError(
                f"nesting deeper than {MAX_DEPTH} levels", None, lines.get(element, 1)
            )
        stack.extend((child, depth + 1) for child in element)


def _pieces(element: ET.Element) -> Iterator[str | ET.Element]:
    """Children in document order: text, element, tail text, element…"""
    if element.text:
        yield element.text
    for child in element:
        yield child
        if child.tail:
            yield child.tail


def no_translate(element: ET.Element) -> bool:
    return element.get("translate", "").strip().lower() == "no"


def _is_comment(element: ET.Element) -> bool:
    return element.tag is ET.Comment


def _with_blocks(root: ET.Element) -> set[ET.Element]:
    """Elements that hold a block-level element somewhere inside (a card inside a link)."""
    found: set[ET.Element] = set()
    order: list[tuple[ET.Element, ET.Element | None]] = []
    stack: list[tuple[ET.Element, ET.Element | None]] = [(root, None)]
    while stack:
        element, parent = stack.pop()
        order.append((element, parent))
        stack.extend((child, element) for child in element)
    for element, parent in reversed(order):
        if parent is not None and (element.tag in BLOCK_ELEMENTS or element in found):
            found.add(parent)
    return found


class Walker:
    """Turns the elements under one container into nodes."""

    def __init__(
        self,
        root: ET.Element,
        lines: dict[ET.Element, int],
        line_of: Callable[[int], int] = lambda line: line,
    ) -> None:
        self.lines = lines
        self.line_of = line_of
        self.blocky = _with_blocks(root)

    def line(self, element: ET.Element, fallback: int = 1) -> int:
        rendered = self.lines.get(element)
        return self.line_of(rendered) if rendered is not None else fallback

    def is_block(self, element: ET.Element) -> bool:
        return element.tag in BLOCK_ELEMENTS or element in self.blocky

    # --- block level -------------------------------------------------------------

    def flow(self, container: ET.Element, kind: str = PARAGRAPH) -> tuple[Node, ...]:
        """A container's children: block elements become nodes, inline runs become units."""
        parent_line = self.line(container)
        out: list[Node] = []
        run = InlineRun(parent_line)
        for piece in _pieces(container):
            if isinstance(piece, str):
                run.text(piece)
            elif _is_comment(piece):
                if run.empty:
                    out.append(Comment(piece.text or ""))
            elif not isinstance(piece.tag, str):
                continue
            elif self.is_block(piece):
                out.extend(run.nodes(kind))
                out.append(self.block(piece, kind))
                run = InlineRun(parent_line)
            else:
                if run.empty:
                    run.line = self.line(piece, parent_line)
                self.inline(run, piece)
        out.extend(run.nodes(kind))
        return tuple(out)

    def block(self, element: ET.Element, kind: str) -> Node:
        tag = str(element.tag)
        line = self.line(element)
        if site_tags.is_site_tag(element):
            return Element(tag, self.attrs(element), (site_tags.read(element, line),), line)
        if no_translate(element) or tag in KEPT:
            return self.kept(element, translate=False)
        inner = _KINDS.get(tag, kind)
        if tag == "li" and "footnote-item" in element.get("class", ""):
            inner = FOOTNOTE
        return Element(tag, self.attrs(element), self.flow(element, inner), line)

    def kept(self, element: ET.Element, translate: bool = True) -> Element:
        """An element and everything in it as written; only attribute values may translate."""
        children: list[Node] = []
        for piece in _pieces(element):
            if isinstance(piece, str):
                children.append(Text(piece))
            elif _is_comment(piece):
                children.append(Comment(piece.text or ""))
            elif isinstance(piece.tag, str):
                children.append(self.kept(piece, translate and not no_translate(piece)))
        attrs = self.attrs(element, translate and not no_translate(element))
        return Element(str(element.tag), attrs, tuple(children), self.line(element))

    def attrs(self, element: ET.Element, translate: bool = True) -> tuple[Attr, ...]:
        out: list[Attr] = []
        for key, value in element.attrib.items():
            if not isinstance(key, str) or key.startswith("{"):
                continue  # namespaced attributes of foreign content
            if translate and key in TRANSLATABLE_ATTRS and any(c.isalnum() for c in value):
                unit = plain_unit(f"{key} {ATTRIBUTE}", value, self.line(element))
                out.append((key, unit))
            else:
                out.append((key, value))
        return tuple(out)

    # --- inline level ------------------------------------------------------------

    def inline(self, run: InlineRun, element: ET.Element) -> None:
        tag = str(element.tag)
        if site_tags.is_site_tag(element):
            tag_node = site_tags.read(element, self.line(element))
            run.void(Placeholder(tag, self.attrs(element), True, (tag_node,)))
            return
        wordless = not any(c.isalnum() for c in "".join(element.itertext()))
        if no_translate(element) or tag in KEPT or wordless:
            kept = self.kept(element, translate=not no_translate(element) and tag not in KEPT)
            run.void(Placeholder(tag, kept.attrs, True, kept.children))
            return
        handle = run.open(Placeholder(tag, self.attrs(element)))
        for piece in _pieces(element):
            if isinstance(piece, str):
                run.text(piece)
            elif not _is_comment(piece) and isinstance(piece.tag, str):
                self.inline(run, piece)
        run.close(handle)


def first_heading(nodes: tuple[Node, ...]) -> tuple[Unit | None, tuple[Node, ...]]:
    """The body's leading <h1> as the title, and the body without it."""
    for index, node in enumerate(nodes):
        if isinstance(node, Comment):
            continue
        if isinstance(node, Element) and node.name == "h1":
            units = [c for c in node.children if isinstance(c, Unit)]
            if len(units) == 1 and units[0].translatable:
                return replace(units[0], kind=TITLE), nodes[:index] + nodes[index + 1 :]
        break
    return None, nodes
