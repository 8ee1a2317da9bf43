"""The parsed post: one structure drives both extraction and assembly.

A source is parsed once into a Document. Inline markup in a block's text is
replaced by numbered placeholder tags (``<1>…</1>`` for a pair, ``<2/>`` for a
void element); the Placeholder records what each number stands for, so a
reviewer can move a tag but never change the URL or code behind it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

# Block kinds, as reviewers see them in `#.` comments.
TITLE = "title"
DESCRIPTION = "description"
HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list item"
QUOTE = "quote"
IMAGE = "image alt"
TABLE_CELL = "table cell"
CODE = "code"
RAW = "kept as written"  # block-level markup with translate="no": shown, never translated

UNTRANSLATED_KINDS = frozenset({CODE, RAW})

TAG_RE = re.compile(r"<(/?)(\d+)(/?)>")
# Spans that must come through translation unchanged. ASCII only, so a Korean
# particle written against a URL (https://clinic.kr에서) is not taken for part of
# it, and without trailing punctuation, which belongs to the sentence.
URL_RE = re.compile(
    r"(?i:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*[A-Za-z0-9\-_~/#=&+%]"
)
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class Placeholder:
    """What one numbered tag stands for: the original markup, kept out of msgids."""

    name: str  # element name: a, strong, em, code, br, img
    open: str  # HTML emitted for <N> (pair) or <N/> (void)
    close: str = ""  # HTML emitted for </N>; empty for a void element
    void: bool = False


@dataclass(frozen=True)
class Segment:
    """One sentence: one PO entry. Its tags are numbered from 1 within it."""

    text: str
    placeholders: tuple[Placeholder, ...] = ()
    line: int = 0
    kind: str = PARAGRAPH


@dataclass(frozen=True)
class Block:
    """A unit of the document's structure; its text carries block-wide tag numbers."""

    kind: str
    text: str
    line: int
    placeholders: tuple[Placeholder, ...] = ()
    segments: tuple[Segment, ...] = ()
    level: int = 0  # heading level; nesting depth of a list item
    group: int | None = None  # list or table this block belongs to
    ordered: bool = False  # for list items: <ol> rather than <ul>
    row: int = 0  # for table cells
    header: bool = False  # for table cells: <th>
    src: str = ""  # for images: the image URL
    attrs: tuple[tuple[str, str], ...] = ()  # for images: other attributes kept verbatim

    @property
    def translatable(self) -> bool:
        return self.kind not in UNTRANSLATED_KINDS and bool(self.text.strip())


@dataclass(frozen=True)
class Document:
    """A post in its source language, in reading order."""

    slug: str
    path: str  # project-relative, e.g. source/mini-thread-lifting.md
    lang: str
    blocks: tuple[Block, ...]
    meta: dict[str, str] = field(default_factory=dict)

    def first(self, kind: str) -> Block | None:
        return next((b for b in self.blocks if b.kind == kind), None)

    @property
    def title(self) -> str:
        block = self.first(TITLE) or self.first(HEADING)
        return plain_text(block.text) if block else self.slug

    def body(self) -> tuple[Block, ...]:
        """Blocks shown in the article, without the title and meta description."""
        return tuple(b for b in self.blocks if b.kind not in (TITLE, DESCRIPTION))

    def segments(self) -> Iterator[Segment]:
        for block in self.blocks:
            yield from block.segments


# --- placeholder tag helpers -------------------------------------------------


@dataclass(frozen=True)
class Tag:
    """One tag occurrence in a text: kind is 'open', 'close' or 'void'."""

    kind: str
    number: int
    start: int
    end: int


def tags(text: str) -> list[Tag]:
    found = []
    for m in TAG_RE.finditer(text):
        closing, number, slash = m.group(1), int(m.group(2)), m.group(3)
        if closing and slash:
            continue  # "</1/>" is not a tag
        kind = "close" if closing else "void" if slash else "open"
        found.append(Tag(kind, number, m.start(), m.end()))
    return found


def plain_text(text: str) -> str:
    """The text with every placeholder tag removed (for <title>, alt, word counts)."""
    return TAG_RE.sub("", text)


def renumber(text: str, placeholders: Sequence[Placeholder]) -> tuple[str, tuple[Placeholder, ...]]:
    """Renumber the tags of a slice of block text from 1, in order of appearance.

    Identical sentences then get identical msgids wherever they occur, which
    lets memory and the MT cache reuse them.
    """
    mapping: dict[int, int] = {}
    used: list[Placeholder] = []

    def sub(m: re.Match[str]) -> str:
        old = int(m.group(2))
        if old < 1 or old > len(placeholders):
            return m.group(0)
        if old not in mapping:
            mapping[old] = len(used) + 1
            used.append(placeholders[old - 1])
        return f"<{m.group(1)}{mapping[old]}{m.group(3)}>"

    return TAG_RE.sub(sub, text), tuple(used)


def render_html(text: str, placeholders: Sequence[Placeholder]) -> str:
    """Turn a (translated) text into HTML: escape everything, restore known tags.

    Tags that name no placeholder, or have the wrong shape, are shown escaped:
    a translation can never inject markup.
    """
    out: list[str] = []
    pos = 0
    for tag in tags(text):
        out.append(html.escape(text[pos : tag.start], quote=False))
        pos = tag.end
        ph = placeholders[tag.number - 1] if 1 <= tag.number <= len(placeholders) else None
        if ph is None or ph.void != (tag.kind == "void"):
            out.append(html.escape(text[tag.start : tag.end], quote=False))
        elif tag.kind == "close":
            out.append(ph.close)
        else:
            out.append(ph.open)
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def with_segments(block: Block, segments: Sequence[Segment]) -> Block:
    return replace(block, segments=tuple(segments))


def tag_problems(source: str, translation: str) -> list[str]:
    """Why a translation's tags don't match its source's; empty when they do.

    Order may change (Korean word order needs it); the set, the count of each
    tag and proper nesting may not.
    """
    problems: list[str] = []
    want = sorted((t.kind, t.number) for t in tags(source))
    have = sorted((t.kind, t.number) for t in tags(translation))
    for item in sorted(set(want) | set(have)):
        kind, number = item
        shown = {"close": f"</{number}>", "void": f"<{number}/>"}.get(kind, f"<{number}>")
        if have.count(item) < want.count(item):
            problems.append(f"missing tag {shown}")
        elif have.count(item) > want.count(item):
            problems.append(f"extra tag {shown}")
    if problems:
        return problems
    stack: list[int] = []
    for tag in tags(translation):
        if tag.kind == "open":
            stack.append(tag.number)
        elif tag.kind == "close":
            if not stack or stack[-1] != tag.number:
                problems.append(f"tag </{tag.number}> is not properly nested")
                break
            stack.pop()
    else:
        if stack:
            problems.append(f"tag <{stack[-1]}> is never closed")
    return problems
