"""What a reader returns: the tree and metadata, before language and path are settled."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.document import DESCRIPTION, TITLE, Node, Unit
from pipeline.errors import PostlingoError
from pipeline.sources.front_matter import FrontMatter
from pipeline.sources.inline import plain_unit


@dataclass(frozen=True)
class Draft:
    """The body tree, with lines counted in the text the reader was given.

    ``meta`` holds the post's own metadata as strings: title, description,
    lang (when declared), slug, date…; ``meta_lines`` says where each key was
    written, so errors about it can point there. ``warnings`` are problems
    that did not stop the reading (a misspelled front-matter key).
    """

    body: tuple[Node, ...]
    title: Unit | None = None
    description: Unit | None = None
    meta: dict[str, str] = field(default_factory=dict)
    meta_lines: dict[str, int] = field(default_factory=dict)
    warnings: tuple[PostlingoError, ...] = ()
    title_from_body: bool = False


def header_units(matter: FrontMatter) -> tuple[Unit | None, Unit | None]:
    """The front matter's title and description as units, where it gives them."""
    title, description = (
        plain_unit(kind, matter.meta[key], matter.lines.get(key, 1))
        if matter.meta.get(key, "").strip()
        else None
        for key, kind in (("title", TITLE), ("description", DESCRIPTION))
    )
    return title, description
