"""Plain-text posts, as pasted out of a blog editor: one paragraph per line.

The first non-empty line is the title. A line starting with a bullet (✔ ✓ •,
or "- " / "* ") is a list item; items belong to the same list until a
paragraph line comes between them (blank lines do not end a list).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.document import LIST_ITEM, PARAGRAPH, TITLE, Block
from pipeline.sources.draft import Draft, group_ids
from pipeline.sources.inline import plain_block

_BULLET_RE = re.compile(r"^(?:[✔✓•]\s*|[-*]\s+)")


def parse(text: str) -> Draft:
    blocks: list[Block] = []
    groups: Iterator[int] = group_ids()
    group: int | None = None
    meta: dict[str, str] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if not blocks:
            blocks.append(plain_block(TITLE, line, number))
            meta["title"] = line
            continue
        bullet = _BULLET_RE.match(line)
        if bullet and line[bullet.end() :].strip():
            group = next(groups) if group is None else group
            blocks.append(
                plain_block(LIST_ITEM, line[bullet.end() :], number, level=1, group=group)
            )
        else:
            group = None
            blocks.append(plain_block(PARAGRAPH, line, number))
    return Draft(tuple(blocks), meta)
