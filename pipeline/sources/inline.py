"""Inline markup → placeholder tags, shared by the Markdown and HTML readers.

Readers feed text and markup in reading order; the builder numbers the tags
in order of appearance only at the end, so that text that arrives in pieces
(split by comments, entities, ignored elements) is checked as one string: a
literal ``<1>`` written by the author can never turn into a tag.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.document import TAG_RE, Block, Placeholder

# HTML's own definition of whitespace; U+00A0 and friends are content.
_SPACE_RE = re.compile(r"[ \t\n\r\f]+")
_LEADING_SPACE_RE = re.compile(r"^((?:<\d+>)+) ")
_TRAILING_SPACE_RE = re.compile(r" ((?:</\d+>)+)$")


def element_names(spaced: str) -> frozenset[str]:
    """A set of HTML element names written as one spaced string."""
    return frozenset(spaced.split())


VOID_ELEMENTS = element_names("area base br col embed hr img input link meta source track wbr")


def start_tag(name: str, attrs: Iterable[tuple[str, str]]) -> str:
    """An HTML start tag with every attribute value escaped and quoted."""
    parts = [name]
    for key, value in attrs:
        if not key or key.startswith("{"):
            continue  # namespaced attributes of foreign content
        parts.append(f'{key}="{html.escape(value, quote=True)}"')
    return "<" + " ".join(parts) + ">"


def collapse(text: str) -> str:
    """Runs of whitespace (soft line breaks included) become one space."""
    return _SPACE_RE.sub(" ", text).strip()


@dataclass(frozen=True)
class _Mark:
    kind: str  # open, close, void
    ref: int  # index into InlineText._markup


class InlineText:
    """Collects the text of one block and the markup that interrupts it."""

    def __init__(self) -> None:
        self._parts: list[str | _Mark] = []
        self._markup: list[Placeholder] = []

    def text(self, text: str) -> None:
        if text:
            self._parts.append(text)

    def open(self, name: str, open_html: str, close_html: str) -> int:
        """Start a pair tag; pass the returned handle to close()."""
        self._markup.append(Placeholder(name, open_html, close_html))
        self._parts.append(_Mark("open", len(self._markup) - 1))
        return len(self._markup) - 1

    def close(self, handle: int) -> None:
        self._parts.append(_Mark("close", handle))

    def void(self, name: str, markup: str) -> None:
        self._markup.append(Placeholder(name, markup, void=True))
        self._parts.append(_Mark("void", len(self._markup) - 1))

    @property
    def empty(self) -> bool:
        return not any(isinstance(p, _Mark) or p.strip() for p in self._parts)

    def _margin(self, part: str | _Mark) -> bool:
        """Whitespace or a line break at either end of a block: nothing to keep."""
        if isinstance(part, str):
            return not part.strip(" \t\n\r\f")
        return part.kind == "void" and self._markup[part.ref].name in ("br", "wbr")

    def build(self) -> tuple[str, tuple[Placeholder, ...]]:
        """The block text with tags numbered from 1, and what each number stands for."""
        out: list[str] = []
        used: list[Placeholder] = []
        numbers: dict[int, int] = {}
        pending: list[str] = []

        def flush_text() -> None:
            plain = _SPACE_RE.sub(" ", "".join(pending))
            pending.clear()
            pos = 0
            for m in TAG_RE.finditer(plain):
                out.append(plain[pos : m.start()])
                used.append(Placeholder("text", html.escape(m.group(0), quote=False), void=True))
                out.append(f"<{len(used)}/>")
                pos = m.end()
            out.append(plain[pos:])

        parts = list(self._parts)
        while parts and self._margin(parts[0]):
            parts.pop(0)
        while parts and self._margin(parts[-1]):
            parts.pop()
        for part in parts:
            if isinstance(part, str):
                pending.append(part)
                continue
            flush_text()
            if part.kind == "close":
                out.append(f"</{numbers[part.ref]}>")
                continue
            used.append(self._markup[part.ref])
            numbers[part.ref] = len(used)
            out.append(f"<{len(used)}/>" if part.kind == "void" else f"<{len(used)}>")
        flush_text()
        text = _SPACE_RE.sub(" ", "".join(out)).strip(" ")
        # " <1>word </1>" → "<1>word</1>": no space at the block's edges, even inside tags
        text = _LEADING_SPACE_RE.sub(r"\1", _TRAILING_SPACE_RE.sub(r"\1", text))
        return text, tuple(used)


def plain_block(kind: str, text: str, line: int, **fields: Any) -> Block:
    """A block of text that carries no markup (a title, an alt text, a plain-text line).

    It still goes through InlineText, so a literal ``<1>`` the author wrote is
    kept as text and never taken for a placeholder tag.
    """
    builder = InlineText()
    builder.text(text)
    value, placeholders = builder.build()
    return Block(kind, value, line, placeholders, **fields)
