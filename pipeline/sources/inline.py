"""A run of inline content → a Unit with numbered placeholder tags, or kept nodes.

Readers feed text and markup in reading order; tags are numbered in order
of appearance only at the end, so text that arrives in pieces (split by
comments, entities, ignored elements) is checked as one string: a literal
``<1>`` written by the author can never turn into a tag.

Void elements at either edge of a run (a task-list checkbox, an image
before its caption, a trailing line break) stay outside the unit as nodes
of their own: they are not the translator's business. A run with no words
at all is kept as nodes too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.document import TAG_RE, Element, Node, Placeholder, Text, Unit, kept_text

# HTML's own definition of whitespace; U+00A0 and friends are content.
_SPACE_RE = re.compile(r"[ \t\n\r\f]+")
_SPACES = " \t\n\r\f"
_LEADING_SPACE_RE = re.compile(r"^((?:<\d+>)+) ")
_TRAILING_SPACE_RE = re.compile(r" ((?:</\d+>)+)$")


def element_names(spaced: str) -> frozenset[str]:
    """A set of HTML element names written as one spaced string."""
    return frozenset(spaced.split())


VOID_ELEMENTS = element_names("area base br col embed hr img input link meta source track wbr")
# An attribute name that can be written out without quoting or escaping.
ATTR_NAME_RE = re.compile(r"[A-Za-z_:][-A-Za-z0-9_:.]*")


def _blank(text: str) -> bool:
    """Only HTML whitespace; a no-break space is content (Tistory's spacer paragraphs)."""
    return not text.strip(_SPACES)


def collapse(text: str) -> str:
    """Runs of whitespace (soft line breaks included) become one space."""
    return _SPACE_RE.sub(" ", text).strip()


@dataclass(frozen=True)
class _Mark:
    kind: str  # open, close, void
    ref: int  # index into InlineRun._markup


class InlineRun:
    """Collects the text of one run and the markup that interrupts it."""

    def __init__(self, line: int) -> None:
        self.line = line
        self._parts: list[str | _Mark] = []
        self._markup: list[Placeholder] = []

    def text(self, text: str) -> None:
        if text:
            self._parts.append(text)

    def open(self, ph: Placeholder) -> int:
        """Start a pair tag; pass the returned handle to close()."""
        self._markup.append(ph)
        self._parts.append(_Mark("open", len(self._markup) - 1))
        return len(self._markup) - 1

    def close(self, handle: int) -> None:
        self._parts.append(_Mark("close", handle))

    def void(self, ph: Placeholder) -> None:
        self._markup.append(ph)
        self._parts.append(_Mark("void", len(self._markup) - 1))

    @property
    def empty(self) -> bool:
        return not any(isinstance(p, _Mark) or p.strip(" \t\n\r\f") for p in self._parts)

    def has_words(self) -> bool:
        return any(isinstance(p, str) and any(c.isalnum() for c in p) for p in self._parts)

    def nodes(self, kind: str) -> list[Node]:
        """The run as tree nodes: kept edges, then one Unit (when it has words)."""
        parts = list(self._parts)
        if not self.has_words():
            return self._kept(parts)
        head = 0
        while head < len(parts) and self._edge(parts[head]):
            head += 1
        tail = len(parts)
        while tail > head and self._edge(parts[tail - 1]):
            tail -= 1
        text, placeholders = self._build(parts[head:tail])
        unit = Unit(kind, text, self.line, placeholders)
        before = self._kept(parts[:head], keep_end=True)
        after = self._kept(parts[tail:], keep_start=True)
        # the space between a kept edge and the words belongs on the page
        first, last = parts[head], parts[tail - 1]
        if before and isinstance(first, str) and first[:1] in _SPACES:
            before.append(Text(" "))
        if after and isinstance(last, str) and last[-1:] in _SPACES:
            after.insert(0, Text(" "))
        return [*before, unit, *after]

    def _edge(self, part: str | _Mark) -> bool:
        if isinstance(part, str):
            return not part.strip(" \t\n\r\f")
        if part.kind != "void":
            return False
        ph = self._markup[part.ref]
        return ph.name != "#text" and not any(c.isalnum() for c in kept_text(ph.content))

    def _kept(
        self, parts: list[str | _Mark], keep_start: bool = False, keep_end: bool = False
    ) -> list[Node]:
        """Parts rebuilt as elements and text; the run's outer edges lose their whitespace."""
        stack: list[tuple[Placeholder | None, list[Node]]] = [(None, [])]
        for part in parts:
            if isinstance(part, str):
                siblings = stack[-1][1]
                if siblings and isinstance(siblings[-1], Text):
                    part = siblings.pop().value + part  # type: ignore[union-attr]
                spaced = _SPACE_RE.sub(" ", part)
                if spaced:
                    siblings.append(Text(spaced))
                continue
            ph = self._markup[part.ref]
            if part.kind == "open":
                stack.append((ph, []))
            elif part.kind == "close" and len(stack) > 1:
                opened, children = stack.pop()
                assert opened is not None
                stack[-1][1].append(Element(opened.name, opened.attrs, tuple(children)))
            elif ph.name == "#text":
                stack[-1][1].extend(ph.content)
            else:
                stack[-1][1].append(Element(ph.name, ph.attrs, ph.content))
        nodes = stack[0][1]
        # strip whitespace-only text at the run's edges
        while not keep_start and nodes and isinstance(nodes[0], Text) and _blank(nodes[0].value):
            nodes.pop(0)
        while not keep_end and nodes and isinstance(nodes[-1], Text) and _blank(nodes[-1].value):
            nodes.pop()
        if not keep_start and nodes and isinstance(nodes[0], Text):
            nodes[0] = Text(nodes[0].value.lstrip(_SPACES))
        if not keep_end and nodes and isinstance(nodes[-1], Text):
            nodes[-1] = Text(nodes[-1].value.rstrip(_SPACES))
        return nodes if any(not isinstance(n, Text) or not _blank(n.value) for n in nodes) else []

    def _build(self, parts: list[str | _Mark]) -> tuple[str, tuple[Placeholder, ...]]:
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
                used.append(Placeholder("#text", void=True, content=(Text(m.group(0)),)))
                out.append(f"<{len(used)}/>")
                pos = m.end()
            out.append(plain[pos:])

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
        # " <1>word </1>" → "<1>word</1>": no space at the unit's edges, even inside tags
        text = _LEADING_SPACE_RE.sub(r"\1", _TRAILING_SPACE_RE.sub(r"\1", text))
        return text, tuple(used)


def plain_unit(kind: str, text: str, line: int) -> Unit:
    """A unit of text that carries no markup (a title, an attribute value, a text line).

    It still goes through InlineRun, so a literal ``<1>`` the author wrote is
    kept as text and never taken for a placeholder tag.
    """
    run = InlineRun(line)
    run.text(text)
    value, placeholders = run._build(list(run._parts))
    return Unit(kind, value, line, placeholders, plain=True)
