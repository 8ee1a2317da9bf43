"""TMX 1.4b, the translation-memory format agencies' tools (Trados, memoQ, OmegaT…) exchange.

One <tu> per reviewed entry: the post and the msgctxt as <prop>s, one <tuv>
per language. Placeholder tags travel as TMX inline codes, so CAT tools
protect them: a pair ``<1>…</1>`` as ``<bpt i="1">&lt;1&gt;</bpt>`` …
``<ept i="1">&lt;/1&gt;</ept>``, a void ``<2/>`` as ``<ph x="2">&lt;2/&gt;</ph>``.
Reading takes each code's text back, so a tool that keeps the codes gives
the tags back exactly. A TMX file comes from outside: it is read by
defusedxml with DTDs and entities refused (no billion laughs, no external
files), and every error names the file and line.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from pipeline.document import tags
from pipeline.errors import PostlingoError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
POST, CONTEXT = "x-post", "x-context"
# Characters XML 1.0 cannot carry at all, not even escaped.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Variant:
    lang: str  # as written in xml:lang (BCP 47)
    text: str  # with placeholder tags <1>…</1>, <2/>


@dataclass(frozen=True)
class TranslationUnit:
    srclang: str
    variants: tuple[Variant, ...]
    post: str = ""
    context: str | None = None
    line: int = 0  # where it was read from, for messages

    def text(self, lang: str, same: Callable[[str, str], bool]) -> str | None:
        return next((v.text for v in self.variants if same(v.lang, lang)), None)


# --- writing -------------------------------------------------------------------


def _segment(seg: ET.Element, text: str) -> None:
    """Fill a <seg>: the text, with each placeholder tag as an inline code."""
    text = _NOT_XML_RE.sub("", text)
    last: ET.Element | None = None
    pos = 0
    for tag in tags(text):
        chunk = text[pos : tag.start]
        if last is None:
            seg.text = (seg.text or "") + chunk
        else:
            last.tail = (last.tail or "") + chunk
        name, attrs = {
            "open": ("bpt", {"i": str(tag.number), "x": str(tag.number)}),
            "close": ("ept", {"i": str(tag.number)}),
            "void": ("ph", {"x": str(tag.number)}),
        }[tag.kind]
        last = ET.SubElement(seg, name, attrs)
        last.text = text[tag.start : tag.end]
        pos = tag.end
    if last is None:
        seg.text = (seg.text or "") + text[pos:]
    else:
        last.tail = (last.tail or "") + text[pos:]


def write(units: Sequence[TranslationUnit], tool_version: str) -> bytes:
    """The TMX document; no creation date, so the same catalogs give the same bytes."""
    srclangs = {u.srclang for u in units}
    root = ET.Element("tmx", {"version": "1.4"})
    ET.SubElement(
        root,
        "header",
        {
            "creationtool": "postlingo",
            "creationtoolversion": tool_version,
            "segtype": "sentence",
            "o-tmf": "gettext PO",
            "adminlang": "en",
            "srclang": srclangs.pop() if len(srclangs) == 1 else "*all*",
            "datatype": "plaintext",
        },
    )
    body = ET.SubElement(root, "body")
    segments: list[tuple[ET.Element, str]] = []
    for unit in units:
        tu = ET.SubElement(body, "tu", {"srclang": unit.srclang})
        if unit.post:
            ET.SubElement(tu, "prop", {"type": POST}).text = unit.post
        if unit.context is not None:
            ET.SubElement(tu, "prop", {"type": CONTEXT}).text = _NOT_XML_RE.sub("", unit.context)
        for variant in unit.variants:
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: variant.lang})
            segments.append((ET.SubElement(tuv, "seg"), variant.text))
    ET.indent(root)  # before the segments are filled: their text is content, not layout
    for seg, text in segments:
        _segment(seg, text)
    text = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'.encode()


# --- reading -------------------------------------------------------------------


class _LineBuilder(ET.TreeBuilder):
    """A tree builder noting the line of every element it starts."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[ET.Element, int] = {}
        self.where: Callable[[], int] = lambda: 0

    def start(self, tag: Any, attrs: Any) -> ET.Element:
        element = super().start(tag, attrs)
        self.lines[element] = self.where()
        return element


def _parse(data: bytes, path: Path) -> tuple[ET.Element, dict[ET.Element, int]]:
    builder = _LineBuilder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    expat: Any = parser.parser
    builder.where = lambda: int(expat.CurrentLineNumber)
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise PostlingoError(
            f"not well-formed XML: {exc.msg if hasattr(exc, 'msg') else exc}", path, line
        ) from None
    except DefusedXmlException as exc:
        raise PostlingoError(
            f"refused: {type(exc).__name__} (TMX needs no DTD or entities)",
            path,
            int(expat.CurrentLineNumber),
        ) from None
    return root, builder.lines


def _seg_text(seg: ET.Element) -> str:
    """The segment's text with each inline code's own text (the placeholder tag) put back."""
    return "".join(seg.itertext())


def read(data: bytes, path: Path) -> list[TranslationUnit]:
    """The translation units of a TMX file; anything malformed is an error with its line."""
    root, lines = _parse(data, path)
    if root.tag != "tmx":
        raise PostlingoError(f"not a TMX file: the root element is <{root.tag}>", path, 1)
    header, body = root.find("header"), root.find("body")
    if header is None or body is None:
        raise PostlingoError("not a TMX file: <header> or <body> is missing", path, lines.get(root))
    default_src = header.get("srclang", "")
    units = []
    for tu in body.iter("tu"):
        line = lines.get(tu, 0)
        variants = []
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
            seg = tuv.find("seg")
            if not lang or seg is None:
                what = "xml:lang" if not lang else "<seg>"
                raise PostlingoError(f"<tuv> without {what}", path, lines.get(tuv, line))
            variants.append(Variant(lang, _seg_text(seg)))
        props = {p.get("type"): p.text or "" for p in tu.findall("prop")}
        srclang = tu.get("srclang") or default_src
        if not srclang or srclang == "*all*":
            raise PostlingoError("<tu> without a srclang (nor one in the header)", path, line)
        units.append(
            TranslationUnit(srclang, tuple(variants), props.get(POST, ""), props.get(CONTEXT), line)
        )
    return units
