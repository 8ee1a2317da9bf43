"""Hypothesis strategies for nested posts: Markdown and HTML built from a small grammar.

Text comes from a vocabulary of real English and Korean words and sentences,
so segmentation and language detection see what they see in real posts. A
generated post carries what the tests need to know about it besides its
source: the texts that must come out as msgids of their own (alt, title,
aria-label, shortcode captions), and the site markup it contains.

Markdown indentation follows CommonMark: a list item's continuation lines are
indented by the width of its marker, a quote's lines start with ``> ``, and
blocks are separated by blank lines (which the prefixes carry along).
Documents stay small (at most about 30 blocks) so an example runs in
milliseconds.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from hypothesis import strategies as st

# --- vocabulary ----------------------------------------------------------------

EN_WORDS = (
    "swelling",
    "recovery",
    "jawline",
    "cheeks",
    "threads",
    "clinic",
    "surgeon",
    "layer",
    "elasticity",
    "incision",
    "consultation",
    "patients",
    "results",
    "skin",
    "procedure",
    "booking",
    "week",
    "morning",
    "follow-up",
    "scar",
    "filler",
    "laser",
    "toning",
)
EN_SENTENCES = (
    "Most swelling settles within two weeks",
    "The incision is hidden in front of the ear",
    "Book a consultation before you decide",
    "Threads dissolve within a year",
    "Recovery takes two to three days for most patients",
    "Avoid saunas for a week after the procedure",
    "The deep layer is lifted and fixed in place",
    "Our surgeons answer every question in person",
    "Results keep improving for three months",
    "Light make-up is fine from the sixth day",
)
KO_WORDS = (
    "리프팅",
    "회복",
    "붓기",
    "턱선",
    "탄력",
    "상담",
    "시술",
    "병원",
    "원장님",
    "예약",
    "후기",
    "효과",
    "피부",
    "마취",
    "절개",
    "흉터",
    "필러",
    "주사",
)
KO_SENTENCES = (
    "붓기는 보통 2주 안에 가라앉습니다",
    "절개는 귀 앞쪽에 숨겨집니다",
    "시술 전에 꼭 상담을 받아 보세요",
    "실은 1년 안에 녹아 없어집니다",
    "대부분 2~3일이면 일상으로 돌아갑니다",
    "시술 후 일주일은 사우나를 피해 주세요",
    "원장님이 직접 모든 질문에 답해 드립니다",
    "결과는 석 달 동안 점점 자연스러워집니다",
    "탄력이 떨어진 피부에는 다른 방법이 필요합니다",
    "예약은 홈페이지에서 하실 수 있습니다",
)
URLS = (
    "https://clinic.example/booking",
    "https://clinic.example/faq",
    "https://blog.example/2024/05/lifting",
    "/en/contact",
)
IMAGES = ("images/before.jpg", "images/after.png", "https://cdn.clinic.example/jaw.webp")
CODE_LINES = (
    "npm install booking-widget",
    "curl -s https://clinic.example/api/slots",
    'print("예약 완료")',
    "def recovery_days(age):",
    "    return 3 if age < 50 else 5",
    "SELECT name FROM patients;",
)
CLASSES = ("note", "tip", "warning", "callout", "notice-box")


@dataclass
class Post:
    """A generated post and what the tests check beyond the DOM."""

    source: str
    lang: str
    units: list[str] = field(default_factory=list)  # texts that must be msgids themselves
    blocks: int = 0


@dataclass
class _Ctx:
    lang: str
    units: list[str]
    budget: list[int]  # blocks left, shared by the whole document
    footnotes: list[str] = field(default_factory=list)

    def take(self) -> bool:
        if self.budget[0] <= 0:
            return False
        self.budget[0] -= 1
        return True


def _words(draw: st.DrawFn, ctx: _Ctx, low: int = 1, high: int = 3) -> str:
    pool = KO_WORDS if ctx.lang == "ko" else EN_WORDS
    return " ".join(draw(st.lists(st.sampled_from(pool), min_size=low, max_size=high)))


def _sentence_text(draw: st.DrawFn, ctx: _Ctx) -> str:
    pool = KO_SENTENCES if ctx.lang == "ko" else EN_SENTENCES
    return draw(st.sampled_from(pool))


# --- Markdown --------------------------------------------------------------------


def _md_inline_piece(draw: st.DrawFn, ctx: _Ctx) -> str:
    kind = draw(
        st.sampled_from(
            (
                "plain",
                "plain",
                "plain",
                "strong",
                "em",
                "code",
                "link",
                "image",
                "strike",
                "autolink",
                "www",
                "footnote",
                "shortcode",
                "liquid",
            )
        )
    )
    words = _words(draw, ctx)
    if kind == "strong":
        return f"**{words}**"
    if kind == "em":
        return f"*{words}*"
    if kind == "code":
        return "`" + draw(st.sampled_from(("--dry-run", "config.toml", "v2.1", "npm ci"))) + "`"
    if kind == "link":
        return f"[{words}]({draw(st.sampled_from(URLS))})"
    if kind == "image":
        alt = _words(draw, ctx, 2, 4)
        ctx.units.append(alt)
        return f"![{alt}]({draw(st.sampled_from(IMAGES))})"
    if kind == "strike":
        return f"~~{words}~~"
    if kind == "autolink":
        return f"<{draw(st.sampled_from(URLS[:3]))}>"
    if kind == "www":
        return "www.gangnam-clinic.kr"
    if kind == "footnote" and len(ctx.footnotes) < 3:
        label = str(len(ctx.footnotes) + 1)
        ctx.footnotes.append(label)
        return f"{words}[^{label}]"
    if kind == "shortcode":
        return '{{< ref "notice/booking.md" >}}'
    if kind == "liquid":
        return "{{ site.title }}"
    return words


def _md_sentence(draw: st.DrawFn, ctx: _Ctx) -> str:
    """A sentence: real words with inline markup in the middle, then its full stop."""
    head = _sentence_text(draw, ctx)
    inner = [_md_inline_piece(draw, ctx) for _ in range(draw(st.integers(0, 2)))]
    end = draw(st.sampled_from((".", ".", "?", "!"))) if ctx.lang == "en" else "."
    return " ".join([head, *inner]) + end


def _md_paragraph_lines(draw: st.DrawFn, ctx: _Ctx) -> list[str]:
    sentences = [_md_sentence(draw, ctx) for _ in range(draw(st.integers(1, 3)))]
    joins = draw(
        st.lists(
            st.sampled_from((" ", "\n", "  \n")),
            min_size=len(sentences) - 1,
            max_size=len(sentences) - 1,
        )
    )
    text = sentences[0]
    for sep, sentence in zip(joins, sentences[1:], strict=True):
        text += sep + sentence
    return text.split("\n")


def _indent(lines: list[str], first: str, rest: str) -> list[str]:
    out = []
    for index, line in enumerate(lines):
        prefix = first if index == 0 else rest
        out.append((prefix + line) if line else prefix.rstrip())
    return out


def _md_list(draw: st.DrawFn, ctx: _Ctx, depth: int) -> list[str]:
    ordered = draw(st.booleans())
    tight = draw(st.booleans())
    task = not ordered and draw(st.integers(0, 4)) == 0
    lines: list[str] = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        if not ctx.take() and number > 1:
            break
        marker = f"{number}. " if ordered else draw(st.sampled_from(("- ", "* ")))
        if task:
            marker += draw(st.sampled_from(("[ ] ", "[x] ")))
        first = _md_paragraph_lines(draw, ctx)
        body = [first]
        if depth < 3:
            for _ in range(draw(st.integers(0, 2))):
                block = _md_block(draw, ctx, depth + 1, in_item=True)
                if block:
                    body.append(block)
        item: list[str] = []
        for index, block in enumerate(body):
            if index and (not tight or block[0][:1] not in "-*123"):
                item.append("")
            item.extend(block)
        width = len(marker) if not task else len(marker) - 4
        if tight is False and lines:
            lines.append("")
        lines.extend(_indent(item, marker, " " * width))
    return lines


def _md_quote(draw: st.DrawFn, ctx: _Ctx, depth: int) -> list[str]:
    inner: list[str] = []
    for index in range(draw(st.integers(1, 3))):
        block = _md_block(draw, ctx, depth + 1) if index or depth < 3 else None
        block = block or _md_paragraph_lines(draw, ctx)
        if inner:
            inner.append("")
        inner.extend(block)
    return [("> " + line) if line else ">" for line in inner]


def _md_heading(draw: st.DrawFn, ctx: _Ctx) -> list[str]:
    level = draw(st.integers(1, 4))
    text = _words(draw, ctx, 2, 4)
    anchor = draw(st.sampled_from(("", "", f" {{#section-{draw(st.integers(1, 99))}}}")))
    return ["#" * level + " " + text + anchor]


def _md_code(draw: st.DrawFn) -> list[str]:
    lang = draw(st.sampled_from(("", "bash", "python", "text")))
    body = draw(st.lists(st.sampled_from(CODE_LINES), min_size=1, max_size=3))
    return ["```" + lang, *body, "```"]


def _md_table(draw: st.DrawFn, ctx: _Ctx) -> list[str]:
    columns = draw(st.integers(2, 3))
    header = [_words(draw, ctx, 1, 2) for _ in range(columns)]
    align = [draw(st.sampled_from(("---", ":---", ":---:", "---:"))) for _ in range(columns)]
    rows = [
        [
            _md_inline_piece(draw, ctx) if draw(st.booleans()) else _words(draw, ctx)
            for _ in range(columns)
        ]
        for _ in range(draw(st.integers(1, 3)))
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _md_raw_html(draw: st.DrawFn, ctx: _Ctx) -> list[str]:
    cls = draw(st.sampled_from(CLASSES))
    sentence = html.escape(_sentence_text(draw, ctx)) + "."
    word = html.escape(_words(draw, ctx))
    label = _words(draw, ctx, 2, 3)
    shapes = (
        f"<p>{sentence} <strong>{word}</strong></p>",
        f'<p>{sentence} <a href="{URLS[0]}" title="{label}">{word}</a></p>',
        f'<img src="{IMAGES[0]}" alt="{label}">',
        f'<ul><li>{sentence}</li><li aria-label="{label}">{word}</li></ul>',
    )
    shape = draw(st.integers(0, len(shapes) - 1))
    if shape:  # a title, an alt or an aria-label ("label in inner" is also true of a word)
        ctx.units.append(label)
    return [f'<div class="{cls}">', shapes[shape], "</div>"]


def _md_shortcode(draw: st.DrawFn, ctx: _Ctx) -> list[str]:
    kind = draw(st.sampled_from(("figure", "alert", "include", "highlight")))
    if kind == "figure":
        caption = _sentence_text(draw, ctx) + "."
        ctx.units.append(caption)
        # A relative src: linkify in the reference would make an absolute URL inside the
        # shortcode a link, which says nothing about the page.
        src = draw(st.sampled_from(IMAGES[:2]))
        return [f'{{{{< figure src="{src}" caption="{caption}" >}}}}']
    if kind == "alert":
        title = _words(draw, ctx, 1, 3)
        ctx.units.append(title)
        return [f'{{{{% alert title="{title}" %}}}}', _md_sentence(draw, ctx), "{{% /alert %}}"]
    if kind == "include":
        return ['{% include note.html content="v4" %}']
    return ["{% highlight ruby %}", 'puts "hello"', "{% endhighlight %}"]


def _md_deflist(draw: st.DrawFn, ctx: _Ctx) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 2))):
        if lines:
            lines.append("")
        lines.append(_words(draw, ctx, 1, 2))
        lines.append(": " + _md_sentence(draw, ctx))
    return lines


def _md_block(draw: st.DrawFn, ctx: _Ctx, depth: int, in_item: bool = False) -> list[str] | None:
    if not ctx.take():
        return None
    kinds = ["paragraph", "paragraph", "code", "list", "quote", "heading", "image"]
    if in_item:  # what real posts put inside list items
        kinds = ["list", "list", "paragraph", "code", "quote", "image"]
    if depth == 0:
        kinds += ["table", "raw", "shortcode", "deflist"]
    if depth >= 3:
        kinds = ["paragraph", "code"]
    kind = draw(st.sampled_from(kinds))
    if kind == "paragraph":
        return _md_paragraph_lines(draw, ctx)
    if kind == "image":
        alt = _words(draw, ctx, 2, 4)
        ctx.units.append(alt)
        title = draw(st.sampled_from(("", ' "' + _words(draw, ctx, 1, 2) + '"')))
        if title:
            ctx.units.append(title[2:-1])
        return [f"![{alt}]({draw(st.sampled_from(IMAGES))}{title})"]
    if kind == "code":
        return _md_code(draw)
    if kind == "list":
        return _md_list(draw, ctx, depth)
    if kind == "quote":
        return _md_quote(draw, ctx, depth)
    if kind == "heading":
        return _md_heading(draw, ctx)
    if kind == "table":
        return _md_table(draw, ctx)
    if kind == "raw":
        return _md_raw_html(draw, ctx)
    if kind == "shortcode":
        return _md_shortcode(draw, ctx)
    return _md_deflist(draw, ctx)


@st.composite
def markdown_posts(draw: st.DrawFn, max_blocks: int = 30) -> Post:
    """A Markdown post with front matter (lang, title) and nested blocks."""
    lang = draw(st.sampled_from(("en", "ko")))
    ctx = _Ctx(lang, [], [draw(st.integers(1, max_blocks))])
    title = _words(draw, ctx, 2, 4)
    front = ["---", f"title: {title}", f"lang: {lang}", "---", ""]
    blocks: list[list[str]] = [_md_paragraph_lines(draw, ctx)]  # a post with words to translate
    while True:
        block = _md_block(draw, ctx, 0)
        if block is None:
            break
        blocks.append(block)
    for label in ctx.footnotes:
        note = [f"[^{label}]: " + _md_sentence(draw, ctx)]
        if draw(st.booleans()):
            note += ["", "    " + _md_sentence(draw, ctx), "", "    - " + _words(draw, ctx)]
        blocks.append(note)
    body: list[str] = []
    for block in blocks:
        if body:
            body.append("")
        body.extend(block)
    return Post("\n".join(front + body) + "\n", lang, ctx.units, len(blocks))


# --- HTML ------------------------------------------------------------------------


def _h_inline(draw: st.DrawFn, ctx: _Ctx, depth: int = 0) -> str:
    parts = [html.escape(_sentence_text(draw, ctx))]
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(("a", "strong", "em", "span", "code", "img", "br", "plain")))
        words = html.escape(_words(draw, ctx))
        if kind == "a":
            extra = ""
            if draw(st.booleans()):
                label = _words(draw, ctx, 2, 3)
                ctx.units.append(label)
                extra = f' {draw(st.sampled_from(("title", "aria-label")))}="{html.escape(label)}"'
            inner = words
            if depth < 1 and draw(st.booleans()):
                inner = f"<strong>{words}</strong>"
            parts.append(f'<a href="{draw(st.sampled_from(URLS))}"{extra}>{inner}</a>')
        elif kind in ("strong", "em", "code"):
            parts.append(f"<{kind}>{words}</{kind}>")
        elif kind == "span":
            parts.append(f'<span class="{draw(st.sampled_from(CLASSES))}">{words}</span>')
        elif kind == "img":
            alt = _words(draw, ctx, 2, 4)
            ctx.units.append(alt)
            parts.append(f'<img src="{draw(st.sampled_from(IMAGES))}" alt="{html.escape(alt)}">')
        elif kind == "br":
            parts.append("<br>")
        else:
            parts.append(words)
    return " ".join(parts) + "."


def _h_list(draw: st.DrawFn, ctx: _Ctx, depth: int) -> str:
    tag = draw(st.sampled_from(("ul", "ol")))
    items = []
    for index in range(draw(st.integers(1, 3))):
        if index and not ctx.take():
            break
        if depth < 3 and draw(st.booleans()):
            inner = "".join(_h_flow(draw, ctx, depth + 1, 1, 2))
            if draw(st.booleans()):
                inner = _h_inline(draw, ctx) + inner
        else:
            inner = _h_inline(draw, ctx)
        items.append(f"<li>{inner}</li>")
    return f"<{tag}>" + "\n".join(items) + f"</{tag}>"


def _h_cell(draw: st.DrawFn, ctx: _Ctx, tag: str) -> str:
    if tag == "td" and draw(st.integers(0, 2)) == 0:
        return f"<td>{_h_list(draw, ctx, 2)}</td>"
    return f"<{tag}>{html.escape(_words(draw, ctx))}</{tag}>"


def _h_table(draw: st.DrawFn, ctx: _Ctx) -> str:
    columns = draw(st.integers(1, 3))
    head = ""
    if draw(st.booleans()):
        head = "<thead><tr>" + "".join(_h_cell(draw, ctx, "th") for _ in range(columns))
        head += "</tr></thead>"
    rows = "".join(
        "<tr>" + "".join(_h_cell(draw, ctx, "td") for _ in range(columns)) + "</tr>\n"
        for _ in range(draw(st.integers(1, 3)))
    )
    return f"<table>{head}<tbody>\n{rows}</tbody></table>"


def _h_figure(draw: st.DrawFn, ctx: _Ctx) -> str:
    alt = _words(draw, ctx, 2, 4)
    ctx.units.append(alt)
    img = f'<img src="{draw(st.sampled_from(IMAGES))}" alt="{html.escape(alt)}">'
    caption = f"<figcaption>{_h_inline(draw, ctx, 1)}</figcaption>" if draw(st.booleans()) else ""
    return f"<figure>{img}{caption}</figure>"


def _h_dl(draw: st.DrawFn, ctx: _Ctx, depth: int) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 2))):
        parts.append(f"<dt>{html.escape(_words(draw, ctx, 1, 2))}</dt>")
        if depth < 3 and draw(st.booleans()):
            parts.append("<dd>" + "".join(_h_flow(draw, ctx, depth + 1, 1, 2)) + "</dd>")
        else:
            parts.append(f"<dd>{_h_inline(draw, ctx)}</dd>")
    return "<dl>" + "\n".join(parts) + "</dl>"


def _h_block(draw: st.DrawFn, ctx: _Ctx, depth: int) -> str | None:
    if not ctx.take():
        return None
    kinds = ["p", "p", "h", "list", "quote", "div", "table", "figure", "dl", "pre"]
    if depth >= 3:
        kinds = ["p", "pre"]
    kind = draw(st.sampled_from(kinds))
    if kind == "p":
        return f"<p>{_h_inline(draw, ctx)}</p>"
    if kind == "h":
        level = draw(st.integers(2, 4))
        return f"<h{level}>{html.escape(_words(draw, ctx, 2, 4))}</h{level}>"
    if kind == "list":
        return _h_list(draw, ctx, depth)
    if kind == "quote":
        return "<blockquote>\n" + "\n".join(_h_flow(draw, ctx, depth + 1, 1, 3)) + "\n</blockquote>"
    if kind == "div":
        tag = draw(st.sampled_from(("div", "section")))
        cls = draw(st.sampled_from(CLASSES))
        inner = "\n".join(_h_flow(draw, ctx, depth + 1, 1, 3))
        return f'<{tag} class="{cls}">\n{inner}\n</{tag}>'
    if kind == "table":
        return _h_table(draw, ctx)
    if kind == "figure":
        return _h_figure(draw, ctx)
    if kind == "dl":
        return _h_dl(draw, ctx, depth)
    code = "\n".join(
        html.escape(line)
        for line in draw(st.lists(st.sampled_from(CODE_LINES), min_size=1, max_size=3))
    )
    return f"<pre><code>{code}</code></pre>"


def _h_flow(draw: st.DrawFn, ctx: _Ctx, depth: int, low: int, high: int) -> list[str]:
    out = []
    for _ in range(draw(st.integers(low, high))):
        block = _h_block(draw, ctx, depth)
        if block is None:
            break
        out.append(block)
    return out or [f"<p>{_h_inline(draw, ctx)}</p>"]


@st.composite
def html_posts(draw: st.DrawFn, max_blocks: int = 30) -> Post:
    """A whole HTML page: <title>, and a <main> of nested blocks (sometimes an <h1> first)."""
    lang = draw(st.sampled_from(("en", "ko")))
    ctx = _Ctx(lang, [], [draw(st.integers(1, max_blocks))])
    title = html.escape(_words(draw, ctx, 2, 4))
    blocks: list[str] = []
    if draw(st.booleans()):
        blocks.append(f"<h1>{title}</h1>")
    blocks.append(f"<p>{_h_inline(draw, ctx)}</p>")  # a post with words to translate
    blocks += _h_flow(draw, ctx, 0, 1, max_blocks)
    head = f"<title>{title}</title>" if draw(st.booleans()) else ""
    body = "\n".join(blocks)
    source = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8">{head}</head>\n'
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
    return Post(source, lang, ctx.units, len(blocks))
