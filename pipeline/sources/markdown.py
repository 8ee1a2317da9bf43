"""Markdown posts → blocks, through markdown-it-py's token stream.

YAML front matter between ``---`` lines gives title, description, lang,
slug, date… Raw HTML blocks are read with the HTML reader, so their text is
translated like any other; raw inline HTML (``<span class="x">``) becomes a
void placeholder holding the tag as written, and the words around it stay in
the sentence.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.document import (
    CODE,
    DESCRIPTION,
    HEADING,
    IMAGE,
    LIST_ITEM,
    PARAGRAPH,
    QUOTE,
    TABLE_CELL,
    TITLE,
    Block,
    Placeholder,
    plain_text,
)
from pipeline.errors import PostlingoError
from pipeline.sources import html as html_reader
from pipeline.sources.draft import Draft, group_ids
from pipeline.sources.inline import VOID_ELEMENTS, InlineText, plain_block, start_tag

_MD = MarkdownIt("commonmark").enable("table")
_FENCE_END = ("---", "...")
_TAG_NAME_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_PAIRS = {"strong": "strong", "em": "em", "s": "s"}


# --- front matter ------------------------------------------------------------


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(front matter, body, lines before the body). No front matter: ('', text, 0)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return "", text, 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _FENCE_END:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 1
    raise PostlingoError("front matter starting here is never closed with ---", None, 1)


def _meta_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_meta_value(v) for v in value)
    return "" if value is None else str(value)


def _bad_date(front: str) -> int:
    """The file line of the first timestamp in the front matter that is no real date."""
    constructor = yaml.SafeLoader("")
    pending = [yaml.compose(front, Loader=yaml.SafeLoader)]
    seen: set[int] = set()  # an alias may make the tree a loop
    while pending:
        node = pending.pop(0)
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            pending.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
            try:
                constructor.construct_yaml_timestamp(node)
            except ValueError:
                return int(node.start_mark.line) + 2
    return 2


def read_front_matter(front: str) -> tuple[dict[str, str], dict[str, int]]:
    """Front matter → string metadata and the line (1-based, in the file) of each key."""
    if not front.strip():
        return {}, {}
    try:
        node = yaml.compose(front, Loader=yaml.SafeLoader)
        data = yaml.safe_load(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PostlingoError(f"front matter is not valid YAML: {problem}", None, line) from exc
    except ValueError as exc:  # a date YAML recognises but the calendar lacks: 2024-02-30
        raise PostlingoError(
            f"front matter has no such date: {exc}", None, _bad_date(front)
        ) from exc
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise PostlingoError("front matter must be a YAML mapping (key: value lines)", None, 2)
    lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value}
    meta = {str(k): _meta_value(v) for k, v in data.items() if not isinstance(v, dict)}
    return meta, lines


# --- inline content ----------------------------------------------------------


def _alt_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_alt_text(child))
    return "".join(parts)


def _image_markup(token: Token) -> str:
    attrs = [("src", str(token.attrGet("src") or "")), ("alt", _alt_text(token))]
    if token.attrGet("title"):
        attrs.append(("title", str(token.attrGet("title"))))
    return start_tag("img", attrs)


def inline_text(children: Sequence[Token]) -> tuple[str, tuple[Placeholder, ...]]:
    """Inline tokens → block text with numbered tags, and their placeholders."""
    builder = InlineText()
    open_tags: list[int] = []
    pairs = _html_pairs(children)
    handles: dict[int, int] = {}  # index of a closing html_inline → handle of its opening
    tokens: Iterator[tuple[int, Token]] = iter(enumerate(children))
    for index, token in tokens:
        kind = token.type
        if kind == "text":
            builder.text(token.content)
        elif kind == "softbreak":
            builder.text(" ")
        elif kind == "hardbreak":
            builder.void("br", "<br>")
        elif kind == "code_inline":
            builder.void("code", f"<code>{html.escape(token.content, quote=False)}</code>")
        elif kind == "image":
            builder.void("img", _image_markup(token))
        elif kind == "html_inline" and index in pairs:
            name = _tag_name(token.content)
            handles[pairs[index]] = builder.open(
                name, token.content, children[pairs[index]].content
            )
        elif kind == "html_inline" and index in handles:
            builder.close(handles.pop(index))
        elif kind == "html_inline":
            builder.void(_tag_name(token.content), token.content)
        elif kind == "link_open" and token.markup == "autolink":
            # The text of an autolink is its URL: keep it whole, out of the msgid.
            href = str(token.attrGet("href") or "")
            shown = "".join(t.content for _, t in _until_close(tokens))
            builder.void("a", f"{start_tag('a', [('href', href)])}{html.escape(shown)}</a>")
        elif kind == "link_open":
            attrs = [(str(k), str(v)) for k, v in token.attrs.items()]
            open_tags.append(builder.open("a", start_tag("a", attrs), "</a>"))
        elif kind.endswith("_open") and kind[:-5] in _PAIRS:
            name = _PAIRS[kind[:-5]]
            open_tags.append(builder.open(name, f"<{name}>", f"</{name}>"))
        elif kind.endswith("_close") and open_tags:
            builder.close(open_tags.pop())
    return builder.build()


def _until_close(tokens: Iterator[tuple[int, Token]]) -> Iterator[tuple[int, Token]]:
    for index, token in tokens:
        if token.type == "link_close":
            return
        yield index, token


def _tag_name(markup: str) -> str:
    m = _TAG_NAME_RE.match(markup)
    return m.group(1).lower() if m else "html"


def _html_pairs(children: Sequence[Token]) -> dict[int, int]:
    """Raw inline HTML start tags matched with their end tags: index → index.

    A matched pair becomes one pair placeholder (``<1>words</1>``) rather than
    two void ones, so reviewers see what the words are wrapped in. Only pairs
    that nest properly with the Markdown emphasis and links around them match.
    """
    pairs: dict[int, int] = {}
    stack: list[tuple[str, int, int]] = []  # (tag name, index, markdown depth)
    depth = 0
    for index, token in enumerate(children):
        if token.type.endswith("_open"):
            depth += 1
        elif token.type.endswith("_close"):
            depth -= 1
            stack = [entry for entry in stack if entry[2] <= depth]
        elif token.type == "html_inline":
            markup = token.content
            name = _tag_name(markup)
            if markup.startswith("</"):
                if stack and stack[-1][0] == name and stack[-1][2] == depth:
                    pairs[stack.pop()[1]] = index
            elif name != "html" and name not in VOID_ELEMENTS and not markup.endswith("/>"):
                stack.append((name, index, depth))
    return pairs


def _standalone_image(children: Sequence[Token]) -> Token | None:
    """The image, when a paragraph holds nothing else."""
    images = [t for t in children if t.type == "image"]
    rest = [t for t in children if t.type != "image"]
    plain = all(t.type in ("softbreak", "text") and not t.content.strip() for t in rest)
    return images[0] if len(images) == 1 and plain else None


# --- blocks ------------------------------------------------------------------


class _Walker:
    """Tracks the containers markdown-it opens and closes around each inline token."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.groups = group_ids()
        self.blocks: list[Block] = []
        self.lists: list[tuple[int, bool]] = []  # (group, ordered) of each open list
        self.quotes = 0
        self.table: int | None = None
        self.row = -1
        self.cell: tuple[bool, tuple[tuple[str, str], ...]] = (False, ())
        self.heading = 0  # level of the open heading, 0 outside one

    def line(self, token: Token) -> int:
        return (token.map[0] if token.map else 0) + 1 + self.offset

    def walk(self, tokens: Sequence[Token]) -> list[Block]:
        for token in tokens:
            self.token(token)
        return self.blocks

    def token(self, token: Token) -> None:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.lists.append((next(self.groups), kind == "ordered_list_open"))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "blockquote_open":
            self.quotes += 1
        elif kind == "blockquote_close":
            self.quotes -= 1
        elif kind == "table_open":
            self.table, self.row = next(self.groups), -1
        elif kind == "table_close":
            self.table = None
        elif kind == "tr_open":
            self.row += 1
        elif kind in ("th_open", "td_open"):
            style = token.attrGet("style")
            self.cell = (kind == "th_open", (("style", str(style)),) if style else ())
        elif kind == "heading_open":
            self.heading = int(token.tag[1:])
        elif kind == "heading_close":
            self.heading = 0
        elif kind == "inline":
            self.inline(token)
        elif kind in ("fence", "code_block"):
            lang = token.info.split()[0] if token.info.strip() else ""
            attrs = (("class", f"language-{lang}"),) if lang else ()
            text = token.content[:-1] if token.content.endswith("\n") else token.content
            self.blocks.append(Block(CODE, text, self.line(token), attrs=attrs))
        elif kind == "html_block":
            line = self.line(token) - 1
            self.blocks.extend(html_reader.body_blocks(token.content, line, self.groups))

    def inline(self, token: Token) -> None:
        line = self.line(token)
        children = token.children or []
        if self.table is not None and not self.heading:
            text, placeholders = inline_text(children)
            header, attrs = self.cell
            block = Block(TABLE_CELL, text, line, placeholders, group=self.table, row=self.row)
            self.blocks.append(replace(block, header=header, attrs=attrs))
            return
        image = None if self.heading else _standalone_image(children)
        if image is not None:
            title = image.attrGet("title")
            attrs = (("title", str(title)),) if title else ()
            src = str(image.attrGet("src") or "")
            self.blocks.append(plain_block(IMAGE, _alt_text(image), line, src=src, attrs=attrs))
            return
        text, placeholders = inline_text(children)
        if not text:
            return
        if self.heading:
            self.blocks.append(Block(HEADING, text, line, placeholders, level=self.heading))
        elif self.lists:
            group, ordered = self.lists[-1]
            level = len(self.lists)
            block = Block(LIST_ITEM, text, line, placeholders, level=level, group=group)
            self.blocks.append(replace(block, ordered=ordered))
        else:
            kind = QUOTE if self.quotes else PARAGRAPH
            self.blocks.append(Block(kind, text, line, placeholders))


def parse(text: str) -> Draft:
    """A Markdown post → title, description, body blocks."""
    front, body, offset = split_front_matter(text)
    meta, meta_lines = read_front_matter(front)
    blocks = _Walker(offset).walk(_MD.parse(body))
    header: list[Block] = []
    for key, kind in (("title", TITLE), ("description", DESCRIPTION)):
        if meta.get(key, "").strip():
            header.append(plain_block(kind, meta[key], meta_lines.get(key, 1)))
    if not meta.get("title") and blocks and blocks[0].kind == HEADING and blocks[0].level == 1:
        first = blocks.pop(0)
        header.insert(0, replace(first, kind=TITLE, level=0))
        meta["title"] = plain_text(first.text)
    return Draft(tuple(header + blocks), meta, meta_lines)
