"""Static-site markup kept as written: Hugo shortcodes, Liquid tags, kramdown IAL.

``{{< figure caption="…" >}}``, ``{{% alert %}}``, ``{% include x.html %}``,
``{{ site.baseurl }}`` and ``{: .align-center}`` are markup, not prose. A
markdown-it plugin takes them out of the text before emphasis or sentence
rules can touch them and renders each as an element of class "shortcode";
the tree walker reads that element back as a SiteTag, whose readable
parameters (caption, title, alt…) are units of their own. Code-carrying
pairs (``{% highlight %}…{% endhighlight %}``) are kept whole.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from pipeline.document import SHORTCODE, SiteTag, Unit
from pipeline.sources.inline import plain_unit

CLASS = "shortcode"
_DELIMITERS = (("{{<", ">}}"), ("{{%", "%}}"), ("{%", "%}"), ("{{", "}}"), ("{:", "}"))
_LONGEST = 4000  # characters one tag may span; keeps scanning linear on hostile input
_PARAM_RE = re.compile(
    r"""(?<![\w-])(caption|title|alt|attr|description|summary|label)(\s*=\s*)"""
    r"""("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|`[^`]*`)"""
)
_CODE_PAIRS = re.compile(
    r"^\{(?:%-?\s*(highlight|raw|comment)\b|\{<\s*(highlight|code)\b)", re.IGNORECASE
)


def _delimiters(src: str, pos: int) -> tuple[str, str] | None:
    for opener, closer in _DELIMITERS:
        if src.startswith(opener, pos):
            return opener, closer
    return None


def scan(src: str, pos: int, limit: int | None = None) -> int:
    """The end of the tag starting at pos (quotes respected), or -1 when there is none."""
    found = _delimiters(src, pos)
    if found is None:
        return -1
    opener, closer = found
    stop = min(len(src) if limit is None else limit, pos + _LONGEST)
    quote = ""
    i = pos + len(opener)
    while i < stop:
        ch = src[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'`" and opener != "{:":
            quote = ch
        elif src.startswith(closer, i):
            return i + len(closer) if i + len(closer) <= stop else -1
        elif ch == "\n" and src.startswith("\n", i + 1):
            return -1  # a blank line ends any tag
        i += 1
    return -1


def _code_pair_end(raw: str) -> re.Pattern[str] | None:
    m = _CODE_PAIRS.match(raw)
    if not m:
        return None
    if m.group(1):
        return re.compile(r"\{%-?\s*end" + m.group(1).lower() + r"\s*-?%\}")
    return re.compile(r"\{\{<\s*/\s*" + m.group(2).lower() + r"\s*>\}\}")


# --- the markdown-it plugin ----------------------------------------------------


def _block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    stop = scan(state.src, pos)
    if stop < 0:
        return False
    line = start
    while line < end - 1 and state.eMarks[line] < stop:
        line += 1
    if state.eMarks[line] < stop or state.src[stop : state.eMarks[line]].strip():
        return False
    raw = state.src[pos:stop]
    following = line + 1
    closing = _code_pair_end(raw)
    if closing is not None:
        for candidate in range(following, end):
            text = state.src[state.bMarks[candidate] : state.eMarks[candidate]]
            if closing.search(text):
                raw = state.src[pos : state.eMarks[candidate]]
                following = candidate + 1
                break
        else:
            closing = None
    if silent:
        return True
    token = state.push("site_tag_block", "div", 0)
    token.content = raw
    token.map = [start, following]
    token.meta = {"code": closing is not None}
    token.block = True
    state.line = following
    return True


def _inline(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    stop = scan(state.src, state.pos, state.posMax)
    if stop < 0:
        return False
    if not silent:
        token = state.push("site_tag_inline", "span", 0)
        token.content = state.src[state.pos : stop]
    state.pos = stop
    return True


def _render_block(
    self: RendererProtocol, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    tag = "pre" if token.meta.get("code") else "div"
    return f'<{tag} class="{CLASS}">{html.escape(token.content, quote=False)}</{tag}>\n'


def _render_inline(
    self: RendererProtocol, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f'<span class="{CLASS}">{html.escape(tokens[idx].content, quote=False)}</span>'


def site_tags_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "paragraph", "site_tag", _block, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.inline.ruler.before("text", "site_tag", _inline)
    md.add_render_rule("site_tag_block", _render_block)
    md.add_render_rule("site_tag_inline", _render_inline)


# --- reading the rendered element back -------------------------------------------


def is_site_tag(element: ET.Element) -> bool:
    return (
        element.tag in ("div", "span", "pre")
        and element.get("class") == CLASS
        and len(element) == 0
        and scan(element.text or "", 0) > 0
    )


def read(element: ET.Element, line: int) -> SiteTag:
    raw = element.text or ""
    if element.tag == "pre":
        return SiteTag((raw,), line)
    return parse(raw, line)


def parse(raw: str, line: int) -> SiteTag:
    """A tag's text, its readable parameter values as units."""
    pieces: list[str | Unit] = []
    pos = 0
    for m in _PARAM_RE.finditer(raw):
        quoted = m.group(3)
        value = quoted[1:-1]
        if quoted[0] == '"':
            value = re.sub(r"\\(.)", r"\1", value)
        if not any(c.isalnum() for c in value):
            continue
        pieces.append(raw[pos : m.start(3) + 1])
        pieces.append(plain_unit(f"{m.group(1)} {SHORTCODE}", value, line))
        pos = m.end(3) - 1
    pieces.append(raw[pos:])
    return SiteTag(tuple(p for p in pieces if p != ""), line)


def quoted_value(translation: str, quote: str) -> str:
    """A translated value written back inside the quote the source used."""
    if quote == '"':
        return translation.replace("\\", "\\\\").replace('"', '\\"')
    if quote == "'":
        return translation.replace("'", "’")
    return translation.replace("`", "'")
