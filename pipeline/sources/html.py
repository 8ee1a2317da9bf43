"""HTML pages and fragments → the document tree, through html5lib's HTML5 parser.

The parser repairs sloppy markup the way browsers do, so no post is rejected
for an unclosed tag. Front matter may come before <!DOCTYPE> (Hugo allows
it). <main>, else <article>, else <body> is the post; front matter's title,
else <title>, else the first <h1> is the title; front matter's description,
else <meta name="description">, the description.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from pipeline.document import DESCRIPTION, TITLE, Node, Unit
from pipeline.errors import PostlingoError
from pipeline.sources import dom
from pipeline.sources.draft import Draft, header_units
from pipeline.sources.front_matter import read_front_matter, split_front_matter
from pipeline.sources.inline import collapse, plain_unit
from pipeline.sources.sanitize import dropped_warning, sanitize_tree


def _head_units(
    head: ET.Element | None, lines: dict[ET.Element, int], offset: int
) -> tuple[Unit | None, Unit | None]:
    if head is None:
        return None, None
    title = description = None
    title_el = head.find("title")
    if title_el is not None and collapse(title_el.text or ""):
        title = plain_unit(TITLE, title_el.text or "", lines.get(title_el, 1) + offset)
    for el in head.iter("meta"):
        if el.get("name", "").lower() == "description" and collapse(el.get("content", "")):
            description = plain_unit(DESCRIPTION, el.get("content", ""), lines.get(el, 1) + offset)
            break
    return title, description


def parse(text: str, raw_html: str = "sanitize") -> Draft:
    """A page or fragment → title, description and body tree."""
    front, source, offset = split_front_matter(text)
    matter = read_front_matter(front)
    root, lines = dom.parse_tree(source)
    meta = dict(matter.meta)
    meta_lines = dict(matter.lines)
    if root.get("lang") and "lang" not in meta:
        meta["lang"] = root.get("lang", "")
        meta_lines["lang"] = lines.get(root, 1) + offset
    head_title, head_description = _head_units(root.find("head"), lines, offset)
    title, description = header_units(matter)
    title = title or head_title
    description = description or head_description
    body = root.find("body")
    nodes: tuple[Node, ...] = ()
    warnings: tuple[PostlingoError, ...] = matter.warnings
    if body is not None:
        post = next(itertools.chain(body.iter("main"), body.iter("article")), body)
        # "drop" would leave an HTML post empty: its markup is all raw HTML.
        dropped = sanitize_tree(post, "keep" if raw_html == "keep" else "sanitize", lines)
        warnings = (*warnings, *dropped_warning(dropped, lambda line: line + offset))
        nodes = dom.Walker(root, lines, lambda line: line + offset).flow(post)
    from_body = False
    if title is None:
        title, nodes = dom.first_heading(nodes)
        from_body = title is not None
    return Draft(nodes, title, description, meta, meta_lines, warnings, from_body)
