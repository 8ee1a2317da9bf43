"""Markdown posts → the document tree, through markdown-it-py's own HTML.

The post is rendered by markdown-it-py (CommonMark, GFM tables,
strikethrough, task lists, autolinks and footnotes, definition lists, MkDocs
admonitions, ``{#id}`` on headings, static-site tags) and the HTML read by
the shared HTML5 walker. That makes the reference for "faithful" the
reader itself: raw HTML between Markdown blocks nests as a browser nests it,
and the tree is what markdown-it-py shows. Rendering token by token keeps a
table from each output line to the source line it came from.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.gfm import gfm_plugin

from pipeline.sources import dom
from pipeline.sources.draft import Draft, header_units
from pipeline.sources.front_matter import read_front_matter, split_front_matter
from pipeline.sources.sanitize import dropped_warning, sanitize_tree
from pipeline.sources.site_tags import site_tags_plugin

HEADING_ID_RE = re.compile(r"\s*\{(#[\w:.-]+(?:\s+\.[\w-]+)*|(?:\.[\w-]+\s*)+)\}\s*$")


def _heading_ids(state: StateCore) -> None:
    """`## Title {#id .class}` (kramdown, Pandoc, Hugo): the braces become attributes."""
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        inline = tokens[index + 1]
        if token.type != "heading_open" or inline.type != "inline" or not inline.children:
            continue
        last = inline.children[-1]
        m = HEADING_ID_RE.search(last.content) if last.type == "text" else None
        if m is None:
            continue
        last.content = last.content[: m.start()]
        for part in m.group(1).split():
            if part.startswith("#"):
                token.attrSet("id", part[1:])
            else:
                classes = f"{token.attrGet('class') or ''} {part[1:]}".strip()
                token.attrSet("class", classes)


def _nothing(*_: object) -> str:
    return ""


def configured(raw_html: str = "keep") -> MarkdownIt:
    """The one Markdown configuration: the reader, the reference and the SSG writer use it.

    With raw_html = "drop", raw HTML in the post renders as nothing.
    """
    md = MarkdownIt("commonmark", {"html": True})
    md.use(gfm_plugin).use(deflist_plugin).use(admon_plugin).use(site_tags_plugin)
    md.core.ruler.after("inline", "heading_ids", _heading_ids)
    # "2~3일", "4~5 days": Korean (and many English) posts write ranges with one tilde
    md.options["strikethrough_single_tilde"] = False
    if raw_html == "drop":
        md.add_render_rule("html_block", _nothing)
        md.add_render_rule("html_inline", _nothing)
    return md


renderer = functools.cache(configured)


def reference_html(body: str) -> str:
    """markdown-it-py's own rendering of a post body, raw HTML kept: what a faithful page shows."""
    return renderer().render(body)


def render_with_lines(body: str, raw_html: str = "keep") -> tuple[str, list[int]]:
    """The body's HTML and, at index n - 1, the source line of output line n."""
    md = renderer(raw_html)
    env: dict[str, object] = {}
    tokens = md.parse(body, env)
    html_out = md.renderer
    assert isinstance(html_out, RendererHTML)
    out: list[str] = []
    table = [1]  # table[n - 1]: source line of output line n
    fresh = True  # the next piece starts a new output line
    current = 1
    for index, token in enumerate(tokens):
        if token.type == "inline":
            piece = html_out.renderInline(token.children or [], md.options, env)
        elif token.type in html_out.rules:
            piece = html_out.rules[token.type](tokens, index, md.options, env)
        else:
            piece = html_out.renderToken(tokens, index, md.options, env)
        if not piece:
            continue
        if token.map:
            current = token.map[0] + 1
        if fresh:
            table[-1] = current
        inner = token.type in ("html_block", "inline", "fence", "code_block")
        breaks = piece.count("\n")
        for k in range(1, breaks + 1):
            table.append(current + k if inner else current)
        fresh = piece.endswith("\n")
        out.append(piece)
    return "".join(out), table


def parse(text: str, raw_html: str = "sanitize") -> Draft:
    """A Markdown post → title, description and body tree."""
    front, body, offset = split_front_matter(text)
    matter = read_front_matter(front)
    rendered, table = render_with_lines(body, raw_html)
    root, lines = dom.parse_tree(rendered, fragment=True)

    def line_of(rendered_line: int) -> int:
        return table[min(max(rendered_line, 1), len(table)) - 1] + offset

    dropped = sanitize_tree(root, raw_html, lines)
    nodes = dom.Walker(root, lines, line_of).flow(root)
    title, description = header_units(matter)
    from_body = False
    if title is None:
        title, nodes = dom.first_heading(nodes)
        from_body = title is not None
    warnings = (*matter.warnings, *dropped_warning(dropped, line_of))
    return Draft(nodes, title, description, matter.meta, matter.lines, warnings, from_body)
