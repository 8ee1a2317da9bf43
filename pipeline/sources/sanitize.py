"""Raw HTML from a post, by policy: sanitise (the default), keep, or drop.

Posts come from many hands, so by default every element and attribute a
post brings is passed through nh3 (the Ammonia sanitiser) at read time,
one start tag at a time, with an allowlist: layout markup, classes, safe
inline styles and images stay; scripts, event handlers, script URLs,
iframes and forms go. Elements whose content is code to run (script,
style, iframe…) are dropped whole; other unknown elements are unwrapped,
their content kept. ``keep`` is for sites that trust their authors.
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Literal

import nh3

from pipeline.errors import PostlingoError
from pipeline.sources.inline import ATTR_NAME_RE, VOID_ELEMENTS

Action = Literal["keep", "unwrap", "drop"]

ALLOWED_TAGS = nh3.ALLOWED_TAGS | {
    "section", "main", "input", "picture", "source", "video", "audio", "track", "tfoot",
    "address", "big", "font", "label", "nobr",
}  # fmt: skip
_DROP_WHOLE = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "template",
        "noscript",
        "textarea",
        "select",
        "button",
        "noembed",
        "noframes",
        "xmp",
        "plaintext",
        "title",
        "meta",
        "link",
        "base",
        "head",
    ]
)
_GENERIC = {"class", "id", "title", "lang", "dir", "translate", "style", "role", "hidden"}
_ATTRIBUTES = {
    "*": _GENERIC,
    "a": {"href", "hreflang", "name", "target", "rel", "download"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes", "decoding", "align"},
    "source": {"src", "srcset", "sizes", "type", "media"},
    "video": {"src", "controls", "poster", "width", "height", "loop", "muted", "playsinline"},
    "audio": {"src", "controls", "loop", "muted"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "input": {"type", "checked", "disabled"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "align", "headers", "valign", "width"},
    "th": {"colspan", "rowspan", "align", "headers", "scope", "valign", "width"},
    "table": {"align", "width", "summary", "border", "cellpadding", "cellspacing"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "details": {"open"},
    "font": {"color", "size", "face"},
    "data": {"value"},
    "abbr": {"title"},
}
_STYLE_PROPERTIES = set(
    [
        "color",
        "background-color",
        "font-weight",
        "font-style",
        "font-size",
        "font-family",
        "text-align",
        "text-decoration",
        "text-indent",
        "line-height",
        "letter-spacing",
        "vertical-align",
        "white-space",
        "width",
        "height",
        "max-width",
        "min-width",
        "margin",
        "margin-top",
        "margin-bottom",
        "margin-left",
        "margin-right",
        "padding",
        "padding-top",
        "padding-bottom",
        "padding-left",
        "padding-right",
        "border",
        "border-top",
        "border-bottom",
        "border-left",
        "border-right",
        "border-color",
        "border-width",
        "border-style",
        "border-collapse",
        "border-radius",
        "display",
        "float",
        "clear",
        "list-style-type",
    ]
)
_ATTR_RE = re.compile(r'\s([^\s=>]+)(?:="([^"]*)")?')
_INPUT_TYPES = ("checkbox", "radio")
# Raster image types a data: URL may carry: they run no script.
DATA_IMAGE_TYPES = "png|gif|jpe?g|webp|avif"
_DATA_IMAGE_RE = re.compile(rf"data:image/(?:{DATA_IMAGE_TYPES});base64,[A-Za-z0-9+/=\s]*\Z")
# Where the HTML parser accepts an element on its own: table parts need a table.
_CONTEXT = {
    "td": ("<table><tr>", "</tr></table>"),
    "th": ("<table><tr>", "</tr></table>"),
    "tr": ("<table>", "</table>"),
    "tbody": ("<table>", "</table>"),
    "thead": ("<table>", "</table>"),
    "tfoot": ("<table>", "</table>"),
    "caption": ("<table>", "</table>"),
    "colgroup": ("<table>", "</table>"),
    "col": ("<table><colgroup>", "</colgroup></table>"),
}


@functools.lru_cache(maxsize=4096)
def _clean(
    tag: str, attrs: tuple[tuple[str, str], ...]
) -> tuple[Action, tuple[tuple[str, str], ...]]:
    if tag in _DROP_WHOLE:
        return "drop", ()
    if tag not in ALLOWED_TAGS:
        return "unwrap", ()
    if tag == "input" and dict(attrs).get("type", "").lower() not in _INPUT_TYPES:
        return "drop", ()
    written = "".join(
        f' {k}="{html.escape(v, quote=True)}"' for k, v in attrs if ATTR_NAME_RE.fullmatch(k)
    )
    closing = "" if tag in VOID_ELEMENTS else f"x</{tag}>"
    before, after = _CONTEXT.get(tag, ("", ""))
    cleaned = nh3.clean(
        f"{before}<{tag}{written}>{closing}{after}",
        tags=ALLOWED_TAGS,
        attributes=_ATTRIBUTES,
        generic_attribute_prefixes={"data-", "aria-"},
        link_rel=None,
        strip_comments=False,
        filter_style_properties=_STYLE_PROPERTIES,
    )
    start = re.search(rf"<{tag}(\s[^>]*)?>", cleaned)
    if start is None:
        return "unwrap", ()
    kept = tuple(
        (m.group(1), html.unescape(m.group(2) or ""))
        for m in _ATTR_RE.finditer(start.group(1) or "")
    )
    kept = tuple((k, _as_written(k, v, dict(attrs))) for k, v in kept)
    source = dict(attrs).get("src", "")
    if tag in ("img", "source") and _DATA_IMAGE_RE.match(source):
        kept = (("src", source), *kept)  # inline raster images run no script
    if tag == "img" and not any(k in ("src", "srcset") for k, _ in kept):
        return "drop", ()  # an image whose only source was unsafe
    return "keep", kept


def _declarations(style: str) -> list[tuple[str, str]]:
    pairs = (d.split(":", 1) for d in style.split(";") if ":" in d)
    return [(k.strip().lower(), " ".join(v.split())) for k, v in pairs]


def _as_written(name: str, cleaned: str, source: dict[str, str]) -> str:
    """The source's own style text when the sanitiser kept every declaration of it."""
    original = source.get(name, "")
    if name == "style" and _declarations(original) == _declarations(cleaned):
        return original
    return cleaned


def decide(
    policy: str, tag: str, attrs: tuple[tuple[str, str], ...]
) -> tuple[Action, tuple[tuple[str, str], ...]]:
    """What happens to one element from a post, and the attributes it keeps."""
    if policy == "keep":
        return "keep", attrs
    return _clean(tag.lower(), attrs)


def _append_text(parent: ET.Element, index: int, text: str | None) -> None:
    """Put text where child `index` of parent begins (after the previous sibling)."""
    if not text:
        return
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text


def _remove(parent: ET.Element, index: int) -> None:
    child = parent[index]
    tail = child.tail
    del parent[index]
    _append_text(parent, index, tail)


def _unwrap(parent: ET.Element, index: int) -> None:
    child = parent[index]
    text, tail, children = child.text, child.tail, list(child)
    del parent[index]
    _append_text(parent, index, text)
    for offset, grandchild in enumerate(children):
        parent.insert(index + offset, grandchild)
    _append_text(parent, index + len(children), tail)


def sanitize_tree(
    root: ET.Element, policy: str, lines: dict[ET.Element, int]
) -> list[tuple[str, int]]:
    """Apply the policy below root in place, without recursion; the (tag, line) of each drop."""
    dropped: list[tuple[str, int]] = []
    if policy == "keep":
        return dropped
    stack = [root]
    while stack:
        parent = stack.pop()
        index = 0
        while index < len(parent):
            child = parent[index]
            if not isinstance(child.tag, str):
                index += 1
                continue
            attrs = tuple((k, v) for k, v in child.attrib.items() if isinstance(k, str))
            action, kept = decide(policy, child.tag, attrs)
            if action == "keep":
                child.attrib.clear()
                child.attrib.update(kept)
                stack.append(child)
                index += 1
            elif action == "drop":
                dropped.append((child.tag, lines.get(child, 1)))
                _remove(parent, index)
            else:
                _unwrap(parent, index)
    return dropped


def dropped_warning(
    dropped: list[tuple[str, int]], line_of: Callable[[int], int]
) -> tuple[PostlingoError, ...]:
    """One warning per post naming what the policy removed, at the first removal."""
    if not dropped:
        return ()
    names = ", ".join(sorted({f"<{tag}>" for tag, _ in dropped}))
    return (
        PostlingoError(
            f'raw HTML removed as unsafe: {names} (set raw_html = "keep" to trust post authors)',
            None,
            line_of(dropped[0][1]),
        ),
    )
