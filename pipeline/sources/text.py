"""Plain-text posts, as people paste them out of a blog editor.

Blank lines separate paragraphs, and the lines of a paragraph are joined,
so a sentence wrapped over two lines is one sentence again; the segmenter
splits sentences afterwards. Within a paragraph a line group (lines joined
because the first ends in a comma or the next begins in lower case) that
is short and ends without sentence-final punctuation is a subtitle: a
heading. Lines starting with ✔ • - * or "1." are list items. The first
line is the title, unless front matter gives one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.document import HEADING, LIST_ITEM, PARAGRAPH, TITLE, Element, Node, Unit
from pipeline.segment_marks import CLOSERS, KO_FINAL
from pipeline.sources.draft import Draft, header_units
from pipeline.sources.front_matter import read_front_matter, split_front_matter
from pipeline.sources.inline import plain_unit
from pipeline.sources.language import is_hangul

_BULLET_RE = re.compile(r"^(?:[✔✓✅☑•·▪▸►➤◦※]\s*|[-*+]\s+)")
_NUMBER_RE = re.compile(r"^\d{1,3}[.)]\s+")
_FINAL = ".?!…。？！~"
_CONTINUES = ",;:(-–—"
HEADING_WORDS = 16  # a subtitle is short; a long unpunctuated line is just prose
HEADING_CHARS = 120


def _closes(line: str) -> bool:
    """Whether a line ends a sentence (punctuation, or a Korean final ending)."""
    core = line.rstrip().rstrip(CLOSERS)
    if not core:
        return True
    last = core[-1]
    if last in _FINAL or last in KO_FINAL:
        return True
    # emoticons and emoji at a sentence end: ㅎㅎ ㅠㅠ 😊
    return not last.isalnum() and last not in _CONTINUES and not last.isspace()


def _continues(line: str, following: str) -> bool:
    """Whether `following` carries on the sentence `line` began (a wrapped line)."""
    if _closes(line):
        return False
    if line.rstrip()[-1:] in _CONTINUES:
        return True
    first = following.lstrip()[:1]
    return first.islower() or (is_hangul(first) and not _heading_like(line))


def _heading_like(text: str) -> bool:
    return len(text.split()) <= HEADING_WORDS and len(text) <= HEADING_CHARS


def _item(line: str) -> tuple[str, bool] | None:
    """(text, ordered) when the line is a list item."""
    for pattern, ordered in ((_BULLET_RE, False), (_NUMBER_RE, True)):
        m = pattern.match(line)
        if m and line[m.end() :].strip():
            return line[m.end() :].strip(), ordered
    return None


@dataclass
class _Builder:
    nodes: list[Node] = field(default_factory=list)
    paragraph: list[tuple[str, int]] = field(default_factory=list)
    items: list[Unit] = field(default_factory=list)
    ordered: bool = False

    def flush_paragraph(self) -> None:
        if self.paragraph:
            text = " ".join(t for t, _ in self.paragraph)
            unit = plain_unit(PARAGRAPH, text, self.paragraph[0][1])
            self.nodes.append(Element("p", children=(unit,), line=unit.line))
            self.paragraph = []

    def flush_list(self) -> None:
        if self.items:
            items = tuple(Element("li", children=(u,), line=u.line) for u in self.items)
            self.nodes.append(Element("ol" if self.ordered else "ul", (), items, items[0].line))
            self.items = []

    def item(self, text: str, ordered: bool, line: int) -> None:
        self.flush_paragraph()
        if self.items and ordered != self.ordered:
            self.flush_list()
        self.ordered = ordered
        self.items.append(plain_unit(LIST_ITEM, text, line))

    def heading(self, text: str, line: int) -> None:
        self.flush_paragraph()
        self.flush_list()
        unit = plain_unit(HEADING, text, line)
        self.nodes.append(Element("h2", children=(unit,), line=line))

    def text(self, text: str, line: int) -> None:
        self.flush_list()
        self.paragraph.append((text, line))


def _paragraphs(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, raw in lines:
        if raw.strip():
            blocks[-1].append((number, raw.strip()))
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def parse(text: str, raw_html: str = "sanitize") -> Draft:
    """A pasted text post → title and body tree; it holds no markup, so raw_html is moot."""
    front, body, offset = split_front_matter(text)
    matter = read_front_matter(front)
    lines = [(n + offset, line) for n, line in enumerate(body.split("\n"), start=1)]
    title, description = header_units(matter)
    build = _Builder()
    for block in _paragraphs(lines):
        if title is None:
            number, first = block.pop(0)
            title = plain_unit(TITLE, first, number)
        index = 0
        while index < len(block):
            number, line = block[index]
            item = _item(line)
            index += 1
            if item is not None:
                words = item[0]
                while (
                    index < len(block)
                    and _item(block[index][1]) is None
                    and _continues(words, block[index][1])
                ):
                    words += " " + block[index][1]
                    index += 1
                build.item(words, item[1], number)
                continue
            group = line
            while (
                index < len(block)
                and _item(block[index][1]) is None
                and _continues(group, block[index][1])
            ):
                group += " " + block[index][1]
                index += 1
            if not _closes(group) and _heading_like(group):
                build.heading(group, number)
            else:
                build.text(group, number)
        build.flush_paragraph()
    build.flush_list()
    return Draft(tuple(build.nodes), title, description, matter.meta, matter.lines, matter.warnings)
