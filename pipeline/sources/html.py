"""HTML pages and fragments → blocks, through html5lib's HTML5 parser.

The parser repairs sloppy markup the way browsers do, so no post is rejected
for an unclosed tag. html5lib keeps no source positions; a tree builder that
notes the tokenizer's line whenever it creates an element gives each block
the line of its start tag.

Choices made here:
- <main>, else <article>, else <body> is the post; <title> (else the first
  <h1>) the title, <meta name="description"> the description.
- script, style, template, iframe, svg… are dropped; <pre> is a CODE block;
  inline <code>, <kbd>, <samp> and inline elements with translate="no" become
  void placeholders holding their original markup. A block-level element with
  translate="no" is a RAW block: every page shows it as written.
- alt of an image standing alone is an IMAGE block; title attributes, and
  alt of images inside a sentence, stay inside the placeholder markup, kept
  verbatim: a msgid cannot carry an attribute without letting a translation
  break the markup around it.
"""

from __future__ import annotations

import html
import itertools
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import html5lib

from pipeline.document import (
    CODE,
    DESCRIPTION,
    HEADING,
    IMAGE,
    LIST_ITEM,
    PARAGRAPH,
    QUOTE,
    RAW,
    TABLE_CELL,
    TITLE,
    Block,
    plain_text,
)
from pipeline.sources.draft import Draft, group_ids
from pipeline.sources.inline import (
    VOID_ELEMENTS,
    InlineText,
    collapse,
    element_names,
    plain_block,
    start_tag,
)

SKIPPED = element_names(
    "script style template noscript head title meta link base iframe object embed svg math "
    "canvas audio video select textarea input button"
)
HEADINGS = {f"h{n}": n for n in range(1, 7)}
CONTAINERS = element_names(
    "address article aside blockquote center dd details dialog div dl dt fieldset figcaption "
    "figure footer form header hgroup legend li main menu nav ol section summary ul"
)
BLOCK_ELEMENTS = CONTAINERS | set(HEADINGS) | {"p", "pre", "table", "hr", "caption"}
CODE_LIKE = frozenset({"code", "kbd", "samp"})
_RAW_TEXT = frozenset({"script", "style"})

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


def parse_tree(text: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The <html> element of a page or fragment, and each element's 1-based line."""
    parser = html5lib.HTMLParser(tree=_LineTreeBuilder, namespaceHTMLElements=False)
    builder: _LineTreeBuilder = parser.tree
    builder.position = lambda: parser.tokenizer.stream.position()[0]
    root = parser.parse(text)
    for element in root.iter():
        # Foreign content (svg, math) comes back as "{namespace}name": plain names
        # let SKIPPED drop it and keep the markup of an icon inside a link valid.
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.rpartition("}")[2]
    return root, builder.lines


def outer_html(element: ET.Element) -> str:
    """Serialise an element as it was written, for markup kept out of msgids."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    out = [start_tag(tag, element.attrib.items())]
    if tag in VOID_ELEMENTS:
        return out[0]
    escape: Callable[[str], str] = (
        (lambda s: s) if tag in _RAW_TEXT else (lambda s: html.escape(s, quote=False))
    )
    out.append(escape(element.text or ""))
    for child in element:
        out.append(outer_html(child))
        out.append(escape(child.tail or ""))
    out.append(f"</{tag}>")
    return "".join(out)


def _pieces(element: ET.Element) -> Iterator[str | ET.Element]:
    """Children in document order: text, element, tail text, element…"""
    if element.text:
        yield element.text
    for child in element:
        yield child
        if child.tail:
            yield child.tail


def _no_translate(element: ET.Element) -> bool:
    return element.get("translate", "").strip().lower() == "no"


@dataclass(frozen=True)
class _Context:
    """Where the walker is: what a run of inline content becomes."""

    kind: str = PARAGRAPH
    level: int = 0
    group: int | None = None
    ordered: bool = False


class _Run:
    """Inline content waiting to become one block."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.inline = InlineText()
        self.images: list[ET.Element] = []
        self.other = False  # anything besides whitespace and one image


class _Walker:
    def __init__(self, lines: dict[ET.Element, int], groups: Iterator[int], offset: int) -> None:
        self.lines = lines
        self.groups = groups
        self.offset = offset
        self.blocks: list[Block] = []

    def line(self, element: ET.Element, fallback: int = 1) -> int:
        return self.lines.get(element, fallback - self.offset) + self.offset

    # --- block level ---------------------------------------------------------

    def flow(self, element: ET.Element, ctx: _Context) -> None:
        """Walk a container: block children become blocks, inline runs between them too."""
        parent_line = self.line(element)
        run = _Run(parent_line)
        for piece in _pieces(element):
            if isinstance(piece, str):
                self.inline_text(run, piece)
                continue
            tag = piece.tag
            if not isinstance(tag, str) or tag in SKIPPED:
                continue
            if tag in BLOCK_ELEMENTS:
                self.emit(run, ctx)
                run = _Run(parent_line)
                if _no_translate(piece):
                    self.blocks.append(Block(RAW, outer_html(piece), self.line(piece)))
                else:
                    self.block(piece, ctx)
            else:
                if not run.other and not run.images:
                    run.line = self.line(piece, parent_line)
                self.inline_element(run, piece)
        self.emit(run, ctx)

    def block(self, element: ET.Element, ctx: _Context) -> None:
        tag = element.tag
        line = self.line(element)
        if tag in HEADINGS:
            run = _Run(line)
            self.inline_children(run, element)
            self.emit(run, replace(ctx, kind=HEADING, level=HEADINGS[tag]))
        elif tag in ("p", "caption"):
            run = _Run(line)
            self.inline_children(run, element)
            self.emit(run, ctx)
        elif tag == "pre":
            code = element.find("code")
            cls = element.get("class") or (code.get("class") if code is not None else None)
            text = "".join(element.itertext()).rstrip("\n")
            attrs = (("class", cls),) if cls else ()
            self.blocks.append(Block(CODE, text, line, attrs=attrs))
        elif tag in ("ul", "ol", "menu"):
            level = ctx.level + 1 if ctx.kind == LIST_ITEM else 1
            group = next(self.groups)
            self.flow(element, _Context(LIST_ITEM, level, group, tag == "ol"))
        elif tag == "blockquote":
            self.flow(element, replace(ctx, kind=QUOTE) if ctx.kind == PARAGRAPH else ctx)
        elif tag == "table":
            self.table(element)
        elif tag == "hr":
            return
        else:
            self.flow(element, ctx)

    def table(self, table: ET.Element) -> None:
        group = next(self.groups)
        rows: list[ET.Element] = []
        for child in table:
            if child.tag == "caption" and not _no_translate(child):
                self.block(child, _Context())
            elif child.tag == "tr":
                rows.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows.extend(r for r in child if r.tag == "tr")
        for row, tr in enumerate(rows):
            for cell in tr:
                if cell.tag not in ("td", "th"):
                    continue
                run = _Run(self.line(cell, self.line(tr)))
                if not _no_translate(cell):
                    self.inline_children(run, cell)
                text, placeholders = run.inline.build()
                attrs = tuple(
                    (k, v)
                    for k, v in cell.attrib.items()
                    if k in ("align", "style", "colspan", "rowspan")
                )
                self.blocks.append(
                    Block(
                        TABLE_CELL,
                        text,
                        run.line,
                        placeholders,
                        group=group,
                        row=row,
                        header=cell.tag == "th",
                        attrs=attrs,
                    )
                )

    def emit(self, run: _Run, ctx: _Context) -> None:
        if run.inline.empty:
            return
        if len(run.images) == 1 and not run.other:
            self.blocks.append(image_block(run.images[0], run.line))
            return
        text, placeholders = run.inline.build()
        if not text:
            return  # only line breaks, left between blocks
        self.blocks.append(
            Block(
                ctx.kind,
                text,
                run.line,
                placeholders,
                level=ctx.level,
                group=ctx.group,
                ordered=ctx.ordered,
            )
        )

    # --- inline level --------------------------------------------------------

    def inline_text(self, run: _Run, text: str) -> None:
        if text.strip():
            run.other = True
        run.inline.text(text)

    def inline_children(self, run: _Run, element: ET.Element) -> None:
        for piece in _pieces(element):
            if isinstance(piece, str):
                self.inline_text(run, piece)
            else:
                self.inline_element(run, piece)

    def inline_element(self, run: _Run, element: ET.Element) -> None:
        tag = element.tag
        if not isinstance(tag, str) or tag in SKIPPED:
            return
        if tag == "img" and not _no_translate(element):
            run.images.append(element)
            if len(run.images) > 1:
                run.other = True
            run.inline.void("img", outer_html(element))
            return
        run.other = True
        if _no_translate(element) or tag in CODE_LIKE or tag in VOID_ELEMENTS:
            run.inline.void(tag, outer_html(element))
        elif tag in BLOCK_ELEMENTS:
            # A block inside inline content (a card inside a link, a list in a
            # cell): its words join the surrounding text.
            run.inline.text(" ")
            self.inline_children(run, element)
            run.inline.text(" ")
        elif not "".join(element.itertext()).strip():
            run.inline.void(tag, outer_html(element))  # an icon, an empty anchor
        else:
            handle = run.inline.open(tag, start_tag(tag, element.attrib.items()), f"</{tag}>")
            self.inline_children(run, element)
            run.inline.close(handle)


def image_block(img: ET.Element, line: int) -> Block:
    """An image standing alone: its alt text is what gets translated."""
    attrs = tuple((k, v) for k, v in img.attrib.items() if k not in ("src", "alt"))
    return plain_block(IMAGE, img.get("alt", ""), line, src=img.get("src", ""), attrs=attrs)


def body_blocks(
    text: str, line_offset: int = 0, groups: Iterator[int] | None = None
) -> list[Block]:
    """Blocks of an HTML fragment (raw HTML inside Markdown), lines shifted by offset."""
    root, lines = parse_tree(text)
    walker = _Walker(lines, groups or group_ids(), line_offset)
    body = root.find("body")
    if body is not None:
        walker.flow(body, _Context())
    return walker.blocks


def parse(text: str) -> Draft:
    """A page or fragment → title, description, body blocks."""
    root, lines = parse_tree(text)
    head = root.find("head")
    body = root.find("body")
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    if root.get("lang"):
        meta["lang"] = root.get("lang", "")
        meta_lines["lang"] = lines.get(root, 1)
    header: list[Block] = []
    title_el = head.find("title") if head is not None else None
    if title_el is not None and collapse(title_el.text or ""):
        meta["title"] = collapse(title_el.text or "")
        header.append(plain_block(TITLE, title_el.text or "", lines.get(title_el, 1)))
    for el in head.iter("meta") if head is not None else ():
        if el.get("name", "").lower() == "description" and collapse(el.get("content", "")):
            meta["description"] = collapse(el.get("content", ""))
            header.append(plain_block(DESCRIPTION, el.get("content", ""), lines.get(el, 1)))
            break
    walker = _Walker(lines, group_ids(), 0)
    if body is not None:
        post = next(itertools.chain(body.iter("main"), body.iter("article")), body)
        walker.flow(post, _Context())
    blocks = walker.blocks
    if not any(b.kind == TITLE for b in header):
        first_h1 = next((b for b in blocks if b.kind == HEADING and b.level == 1), None)
        if first_h1 is not None:
            blocks.remove(first_h1)
            header.insert(0, replace(first_h1, kind=TITLE, level=0))
            meta["title"] = plain_text(first_h1.text)
    return Draft(tuple(header + blocks), meta, meta_lines)
