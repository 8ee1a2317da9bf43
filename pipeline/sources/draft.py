"""What a reader returns: blocks and metadata, before language and path are settled."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from pipeline.document import Block


@dataclass(frozen=True)
class Draft:
    """Blocks in reading order, with lines counted in the text the reader was given.

    ``meta`` holds the post's own metadata as strings: title, description,
    lang (when declared), slug, date…; ``meta_lines`` says where each key was
    written, so errors about it can point there.
    """

    blocks: tuple[Block, ...]
    meta: dict[str, str] = field(default_factory=dict)
    meta_lines: dict[str, int] = field(default_factory=dict)


def group_ids() -> itertools.count[int]:
    """Ids for lists and tables, unique within one post."""
    return itertools.count(1)
