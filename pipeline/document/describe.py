"""What each placeholder tag stands for, in words a reviewer in Poedit can use.

Written into the entry's `#.` comment, one line per tag:
``<1>…</1> link to https://clinic.example/booking``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pipeline.document.tree import Comment, Element, Node, Placeholder, SiteTag, Text, Unit

_NAMES = {
    "strong": "bold",
    "b": "bold",
    "em": "italic",
    "i": "italic",
    "s": "struck out",
    "del": "struck out",
    "strike": "struck out",
    "u": "underlined",
    "ins": "inserted",
    "mark": "highlighted",
    "sup": "superscript",
    "sub": "subscript",
    "small": "small print",
    "q": "quotation",
    "cite": "citation",
    "br": "line break",
    "wbr": "line break opportunity",
    "code": "code",
    "kbd": "keyboard input",
    "samp": "sample output",
    "var": "variable",
    "time": "time",
    "abbr": "abbreviation",
}
_SHOWN = 60  # characters of kept content quoted in a description


def kept_text(nodes: Sequence[Node]) -> str:
    """The text of kept content, as a reader would see it."""
    out: list[str] = []
    stack: list[Node] = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, Text):
            out.append(node.value)
        elif isinstance(node, Unit):
            out.append(node.text)
        elif isinstance(node, SiteTag):
            out.append("".join(p.text if isinstance(p, Unit) else p for p in node.pieces))
        elif isinstance(node, Element):
            stack.extend(reversed(node.children))
        elif isinstance(node, Comment):
            continue
    return " ".join("".join(out).split())


def _quoted(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def label(ph: Placeholder) -> str:
    """A short description of one placeholder."""
    name = ph.name
    inner = kept_text(ph.content)
    if name == "#text":
        return f"text kept as written: {_quoted(inner)}"
    if any(isinstance(n, SiteTag) for n in ph.content):
        return f"shortcode kept as written: {_quoted(inner)}"
    if name == "a":
        href = ph.attr("href")
        numbered = "footnote-ref" in ph.attr("class") or not any(c.isalpha() for c in inner)
        if numbered and href.startswith("#"):
            return f"link within the page {inner}".rstrip()
        return f"link to {href}" if href else "link"
    if name == "sup" and "footnote-ref" in ph.attr("class"):
        return f"footnote reference {inner}".rstrip()
    if name == "img":
        return f"image {ph.attr('src')}".rstrip()
    if name == "input":
        return f"{ph.attr('type') or 'input'} field"
    words = _NAMES.get(name, f"{name} element")
    if name == "span" and ph.attr("class"):
        words = f"span .{ph.attr('class').split()[0]}"
    if ph.void and inner:
        return f"{words}: {_quoted(inner)}"
    return words


def describe(placeholders: Sequence[Placeholder]) -> Iterator[str]:
    """One line per tag, numbered as in the msgid: '<1>…</1> bold', '<2/> line break'."""
    for number, ph in enumerate(placeholders, start=1):
        shown = f"<{number}/>" if ph.void else f"<{number}>…</{number}>"
        yield f"{shown} {label(ph)}"
