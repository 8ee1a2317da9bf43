"""Normalised DOMs for the faithful-document tests: what a reader sees, not how it was typed.

Both sides (the page we build and the reference renderer's output) go through
html5lib and then through the same normalisation, so that a difference left
over is one a reader could notice:

- element names and nesting, attributes and text are compared;
- comments are dropped;
- runs of HTML whitespace (space, tab, newline, CR, FF) collapse to one space,
  and whitespace at the edge of a block element, next to a block element or
  next to ``<br>`` is dropped (it renders as nothing). U+00A0 is *content*, as
  in the readers (``&nbsp;`` paragraphs of Tistory exports must survive);
- ``class`` is compared as a set of names, ``style`` as its list of
  declarations (``a: b;`` and ``a:b`` are the same; the page may re-serialise
  the CSS it keeps);
- inside ``<pre>`` text is compared exactly, except newlines at the very end
  (markdown-it ends code with one, the page need not);
- heading levels are compared relative to the first heading of the document
  (``h[+0]``, ``h[+1]``…): the page may shift all of them by one constant,
  because its title is the page's ``<h1>``, but not compress or reorder them.

What is deliberately not compared (keep this list tiny):

- ``translate="no"`` on ``<pre>``/``<code>``: the page marks code so browser
  translators leave it alone; it is an addition, never a change of content.
- a ``<div class="table">`` wrapping exactly one ``<table>``: the scroll
  container the page puts around wide tables for phones; it is unwrapped on
  both sides.
- empty ``<thead>``/``<tbody>``/``<tfoot>``: markdown-it writes no ``<tbody>``
  for a header-only table, html5lib and the page may; an empty section
  renders nothing.
- ``src`` of ``<img>``/``<source>`` only when a caller asks (``drop_src``): a
  built site rebases image URLs to where it copied the files. The in-process
  page (``localize`` without ``rebase``) keeps them and they are compared.
"""

from __future__ import annotations

import difflib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field

import html5lib

_BLOCK_NAMES = (
    "address article aside blockquote caption center details dialog dd div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p "
    "pre section summary table tbody td tfoot th thead tr ul"
)
BLOCK = frozenset(_BLOCK_NAMES.split())
_SPACE = re.compile(r"[ \t\n\r\f]+")
_HEADING = re.compile(r"h([1-6])")
_CODE_MARK = frozenset({"pre", "code"})
_SECTIONS = frozenset({"thead", "tbody", "tfoot"})


@dataclass
class El:
    name: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[El | str] = field(default_factory=list)


Node = El | str


# --- parsing -------------------------------------------------------------------


def parse_fragment(markup: str) -> ET.Element:
    """An HTML fragment (a page body, a reference rendering) as html5lib sees it."""
    return html5lib.parseFragment(markup, treebuilder="etree", namespaceHTMLElements=False)


def post_root(source: str) -> ET.Element:
    """The post inside an HTML page, as the HTML reader picks it: <main>, else <article>, else <body>."""
    root = html5lib.parse(source, treebuilder="etree", namespaceHTMLElements=False)
    body = root.find("body")
    assert body is not None
    for name in ("main", "article"):
        found = next(body.iter(name), None)
        if found is not None:
            return found
    return body


def _name(tag: str) -> str:
    return tag.rpartition("}")[2].lower()


def _convert(element: ET.Element) -> list[Node]:
    items: list[Node] = []
    if element.text:
        items.append(element.text)
    for child in element:
        if isinstance(child.tag, str):  # comments and processing instructions are not
            items.append(
                El(
                    _name(child.tag),
                    {_name(k): v for k, v in child.attrib.items()},
                    _convert(child),
                )
            )
        if child.tail:
            items.append(child.tail)
    merged: list[Node] = []
    for item in items:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        else:
            merged.append(item)
    return merged


# --- normalisation ---------------------------------------------------------------


def _attrs(el: El, drop_src: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in el.attrs.items():
        if key == "translate" and el.name in _CODE_MARK and value.strip().lower() == "no":
            continue
        if key == "src" and drop_src and el.name in ("img", "source"):
            continue
        if key == "class":
            value = " ".join(sorted(value.split()))
        elif key == "style":
            value = _style(value)
        out[key] = value
    return out


def _style(value: str) -> str:
    """CSS declarations as 'property:value' joined by ';': spacing and a final ';' don't matter."""
    declarations = []
    for declaration in value.split(";"):
        prop, colon, val = declaration.partition(":")
        if colon and prop.strip():
            declarations.append(f"{prop.strip().lower()}:{' '.join(val.split())}")
    return ";".join(declarations)


def _blank(node: Node) -> bool:
    return isinstance(node, str) and not _SPACE.sub("", node)


def _structure(nodes: list[Node], drop_src: bool) -> list[Node]:
    """Attributes normalised, the table scroll wrapper and empty table sections removed."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
            continue
        children = _structure(node.children, drop_src)
        el = El(node.name, _attrs(node, drop_src), children)
        solid = [c for c in children if not _blank(c)]
        if (
            el.name == "div"
            and el.attrs == {"class": "table"}
            and len(solid) == 1
            and isinstance(solid[0], El)
            and solid[0].name == "table"
        ):
            out.append(solid[0])
        elif el.name in _SECTIONS and not solid:
            continue
        else:
            out.append(el)
    merged: list[Node] = []
    for item in out:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        else:
            merged.append(item)
    return merged


def _breaks(node: Node | None) -> bool:
    return isinstance(node, El) and (node.name in BLOCK or node.name == "br")


def _spaces(nodes: list[Node], block: bool, pre: bool) -> list[Node]:
    out: list[Node] = []
    for index, node in enumerate(nodes):
        if isinstance(node, El):
            inside_pre = pre or node.name == "pre"
            children = _spaces(node.children, node.name in BLOCK, inside_pre)
            if node.name == "pre":
                _trim_last_newlines(children)
            out.append(El(node.name, node.attrs, children))
            continue
        if pre:
            out.append(node)
            continue
        text = _SPACE.sub(" ", node)
        before = nodes[index - 1] if index else None
        after = nodes[index + 1] if index + 1 < len(nodes) else None
        if (before is None and block) or _breaks(before):
            text = text.lstrip(" ")
        if (after is None and block) or _breaks(after):
            text = text.rstrip(" ")
        if text:
            out.append(text)
    return out


def _trim_last_newlines(children: list[Node]) -> None:
    while children:
        last = children[-1]
        if isinstance(last, El):
            _trim_last_newlines(last.children)
            return
        trimmed = last.rstrip("\n")
        if trimmed:
            children[-1] = trimmed
            return
        children.pop()


def _walk(nodes: list[Node]) -> Iterator[El]:
    for node in nodes:
        if isinstance(node, El):
            yield node
            yield from _walk(node.children)


def _drop_first_h1(nodes: list[Node]) -> bool:
    for index, node in enumerate(nodes):
        if not isinstance(node, El):
            continue
        if node.name == "h1":
            del nodes[index]
            return True
        if _drop_first_h1(node.children):
            return True
    return False


def normalise(
    root: ET.Element, *, drop_first_h1: bool = False, drop_src: bool = False
) -> list[Node]:
    """The children of root, normalised as the module docstring says."""
    nodes = _convert(root)
    if drop_first_h1:
        assert _drop_first_h1(nodes), "the post's title came from an <h1> the reference lacks"
    nodes = _spaces(_structure(nodes, drop_src), block=True, pre=False)
    headings = [el for el in _walk(nodes) if _HEADING.fullmatch(el.name)]
    if headings:
        base = int(headings[0].name[1])
        for el in headings:
            el.name = f"h[{int(el.name[1]) - base:+d}]"
    return nodes


# --- showing -------------------------------------------------------------------


def render(nodes: list[Node], *, skeleton: bool = False, depth: int = 0) -> list[str]:
    """One line per node, indented by depth: the form failures are shown in."""
    lines: list[str] = []
    pad = "  " * depth
    for node in nodes:
        if isinstance(node, str):
            if not skeleton:
                shown = json.dumps(node, ensure_ascii=False).replace("\xa0", "\\u00a0")
                lines.append(pad + shown)
            continue
        if skeleton:
            lines.append(f"{pad}<{node.name}>")
        else:
            attrs = "".join(
                f" {k}={json.dumps(v, ensure_ascii=False)}" for k, v in sorted(node.attrs.items())
            )
            lines.append(f"{pad}<{node.name}{attrs}>")
        lines.extend(render(node.children, skeleton=skeleton, depth=depth + 1))
    return lines


def diff(reference: list[str], page: list[str]) -> str:
    return "\n".join(difflib.unified_diff(reference, page, "reference", "page", lineterm="", n=4))


def assert_same(
    page: ET.Element,
    reference: ET.Element,
    *,
    title_from_body: bool = False,
    skeleton: bool = False,
    drop_src: bool = False,
    what: str = "",
) -> None:
    """Fail with a unified diff of the two normalised DOMs when they differ."""
    want = render(
        normalise(reference, drop_first_h1=title_from_body, drop_src=drop_src), skeleton=skeleton
    )
    got = render(normalise(page, drop_src=drop_src), skeleton=skeleton)
    if got != want:
        kind = "element skeleton" if skeleton else "DOM"
        raise AssertionError(
            f"{what}: page {kind} differs from the reference "
            f"(- reference, + page)\n{diff(want, got)}"
        )
