"""Numbered placeholder tags in unit text: ``<1>…</1>`` for a pair, ``<2/>`` for a void.

These helpers read and check the tags as strings; what each number stands
for lives in the unit's placeholders (tree.py). One tag-validity check
(tag_problems) serves the checks, the merge and the review editor.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

TAG_RE = re.compile(r"<(/?)(\d+)(/?)>")
# Spans that must come through translation unchanged. ASCII only, so a Korean
# particle written against a URL (https://clinic.kr에서) is not taken for part of
# it, and without trailing punctuation, which belongs to the sentence.
URL_RE = re.compile(
    r"(?i:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*[A-Za-z0-9\-_~/#=&+%]"
)
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

T = TypeVar("T")


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


def has_words(text: str) -> bool:
    """Whether a unit's text holds anything a translator could translate."""
    return any(c.isalnum() for c in plain_text(text))


def renumber(text: str, placeholders: Sequence[T]) -> tuple[str, tuple[T, ...]]:
    """Renumber the tags of a slice of unit text from 1, in order of appearance.

    Identical sentences then get identical msgids wherever they occur, which
    lets memory and the MT cache reuse them.
    """
    mapping: dict[int, int] = {}
    used: list[T] = []

    def sub(m: re.Match[str]) -> str:
        old = int(m.group(2))
        if old < 1 or old > len(placeholders):
            return m.group(0)
        if old not in mapping:
            mapping[old] = len(used) + 1
            used.append(placeholders[old - 1])
        return f"<{m.group(1)}{mapping[old]}{m.group(3)}>"

    return TAG_RE.sub(sub, text), tuple(used)


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
