"""Source readers: Markdown, HTML and plain text → Documents, language, bad input."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import (
    CODE,
    DESCRIPTION,
    HEADING,
    IMAGE,
    LIST_ITEM,
    PARAGRAPH,
    QUOTE,
    RAW,
    TABLE_CELL,
    TITLE,
    Document,
    Placeholder,
    render_html,
    tags,
)
from pipeline.errors import PostlingoError
from pipeline.sources import discover, markdown, read
from pipeline.sources.inline import InlineText, collapse
from pipeline.sources.language import detect, normalise

ROOT = Path(__file__).resolve().parent.parent
EN = "The clinic opens early on weekdays. Patients can book a consultation online."
KO = "미니거상은 회복이 빠른 편입니다. 대부분 2~3일이면 일상으로 복귀합니다."


def post(tmp_path: Path, name: str, content: str | bytes, ignore: tuple[str, ...] = ()) -> Document:
    folder = tmp_path / "source"
    folder.mkdir(exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return read(path, tmp_path, ignore)


def body(doc: Document) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in doc.body()]


def error(tmp_path: Path, name: str, content: str | bytes) -> PostlingoError:
    with pytest.raises(PostlingoError) as info:
        post(tmp_path, name, content)
    return info.value


# --- Markdown ------------------------------------------------------------------


def test_markdown_inline_markup_becomes_numbered_placeholders(tmp_path: Path) -> None:
    doc = post(
        tmp_path,
        "a.md",
        f"{EN}\n\nSee **our *team*** and [the map](https://x.test/?a=1&b=\"2\" 'Find us') "
        "or run `rm <1> &` now.  \nCall ![tel](/t.png) soon.\n",
    )
    block = doc.body()[1]
    assert block.kind == PARAGRAPH
    assert (
        block.text
        == "See <1>our <2>team</2></1> and <3>the map</3> or run <4/> now.<5/>Call <6/> soon."
    )
    assert block.placeholders == (
        Placeholder("strong", "<strong>", "</strong>"),
        Placeholder("em", "<em>", "</em>"),
        Placeholder("a", '<a href="https://x.test/?a=1&amp;b=%222%22" title="Find us">', "</a>"),
        Placeholder("code", "<code>rm &lt;1&gt; &amp;</code>", void=True),
        Placeholder("br", "<br>", void=True),
        Placeholder("img", '<img src="/t.png" alt="tel">', void=True),
    )
    assert block.line == 3


def test_markdown_text_is_unescaped_and_whitespace_collapsed(tmp_path: Path) -> None:
    doc = post(tmp_path, "a.md", "Salt &amp; pepper,\nsoft   break\tand &lt;b&gt; text.\n")
    assert body(doc) == [(PARAGRAPH, "Salt & pepper, soft break and <b> text.")]


@given(
    st.from_regex(
        r"https://[a-z]{1,12}\.test/[a-z0-9/]{0,20}(\?[a-z]=[a-z0-9]{1,5})?", fullmatch=True
    )
)
@settings(max_examples=30, deadline=None)
def test_a_link_url_never_enters_the_text(url: str) -> None:
    for source in (f"Read [this guide]({url}) today.", f"Read <{url}> today."):
        (block,) = markdown.parse(source).blocks
        assert url not in block.text
        assert url in render_html(block.text, block.placeholders)


def test_markdown_autolink_is_one_void_placeholder(tmp_path: Path) -> None:
    doc = post(tmp_path, "a.md", f"{EN} Visit <https://clinic.test/book>.\n")
    block = doc.body()[0]
    assert block.text.endswith("Visit <1/>.")
    assert (
        block.placeholders[0].open
        == '<a href="https://clinic.test/book">https://clinic.test/book</a>'
    )


def test_markdown_literal_tag_text_cannot_become_a_tag(tmp_path: Path) -> None:
    doc = post(tmp_path, "a.md", f"{EN} Type <1> or </2> or <3/> here.\n")
    block = doc.body()[0]
    assert [p.name for p in block.placeholders] == ["text", "text", "text"]
    assert render_html(block.text, block.placeholders).endswith(
        "Type &lt;1&gt; or &lt;/2&gt; or &lt;3/&gt; here."
    )


@given(st.text(alphabet=st.sampled_from(list("ab <>/123\n\t&")), max_size=40))
def test_literal_text_always_renders_back_to_itself(text: str) -> None:
    builder = InlineText()
    for piece in re.split(r"(\s)", text):  # in pieces, as a parser hands them over
        builder.text(piece)
    built, placeholders = builder.build()
    assert all(1 <= t.number <= len(placeholders) for t in tags(built))
    assert all(t.kind == "void" for t in tags(built))
    assert render_html(built, placeholders) == html.escape(collapse(text), quote=False)


def test_markdown_structure_kinds_levels_groups(tmp_path: Path) -> None:
    source = (
        f"# Title here\n\n{EN}\n\n## Part *two*\n\n- one\n- two\n  1. inner\n\n"
        "> A quote.\n\n| Name | Price |\n|:-----|------:|\n| Lift | |\n\n"
        "```python\nx = '<1>'\n```\n\n    indented code\n"
    )
    doc = post(tmp_path, "a.md", source)
    assert doc.blocks[0].kind == TITLE and doc.blocks[0].text == "Title here"
    kinds = [(b.kind, b.text, b.line) for b in doc.body()]
    assert kinds[:6] == [
        (PARAGRAPH, EN, 3),
        (HEADING, "Part <1>two</1>", 5),
        (LIST_ITEM, "one", 7),
        (LIST_ITEM, "two", 8),
        (LIST_ITEM, "inner", 9),
        (QUOTE, "A quote.", 11),
    ]
    one, two, inner = doc.body()[2:5]
    assert (one.level, two.level, inner.level) == (1, 1, 2)
    assert one.group == two.group != inner.group
    assert inner.ordered and not one.ordered
    cells = [b for b in doc.blocks if b.kind == TABLE_CELL]
    assert [(c.text, c.row, c.header) for c in cells] == [
        ("Name", 0, True),
        ("Price", 0, True),
        ("Lift", 1, False),
        ("", 1, False),
    ]
    assert len({c.group for c in cells}) == 1 and cells[0].group not in (one.group, inner.group)
    code = [b for b in doc.blocks if b.kind == CODE]
    assert [(c.text, c.translatable) for c in code] == [
        ("x = '<1>'", False),
        ("indented code", False),
    ]
    assert code[0].attrs == (("class", "language-python"),)


def test_markdown_standalone_image_is_an_image_block(tmp_path: Path) -> None:
    doc = post(tmp_path, "a.md", f'{EN}\n\n![Incision & scar](/img/a.jpg "Before")\n')
    image = doc.body()[1]
    assert (image.kind, image.text, image.src, image.attrs) == (
        IMAGE,
        "Incision & scar",
        "/img/a.jpg",
        (("title", "Before"),),
    )
    assert image.line == 3


def test_markdown_raw_html_is_read_by_the_html_reader(tmp_path: Path) -> None:
    source = (
        f'{EN}\n\n<div class="note">\n<p>Book <b>now</b>.</p>\n<script>x()</script>\n</div>\n\n'
        'Some <span class="hl">marked <em>words</em></span> here.\n'
    )
    doc = post(tmp_path, "a.md", source)
    assert body(doc)[1:] == [
        (PARAGRAPH, "Book <1>now</1>."),
        (PARAGRAPH, "Some <1>marked <2>words</2></1> here."),
    ]
    assert doc.body()[1].line == 4
    assert doc.body()[2].placeholders[0] == Placeholder("span", '<span class="hl">', "</span>")


def test_front_matter_title_description_and_lines(tmp_path: Path) -> None:
    source = (
        "---\ntitle: Lifting & you\nslug: lifting-guide\ndate: 2024-05-01\n"
        "description: Why it lasts.\n---\n\n## First\n\nText of the post is here.\n"
    )
    doc = post(tmp_path, "a.md", source)
    assert doc.slug == "lifting-guide"
    assert doc.path == "source/a.md"
    assert doc.meta["date"] == "2024-05-01"
    assert [(b.kind, b.text, b.line) for b in doc.blocks] == [
        (TITLE, "Lifting & you", 2),
        (DESCRIPTION, "Why it lasts.", 5),
        (HEADING, "First", 8),
        (PARAGRAPH, "Text of the post is here.", 10),
    ]
    assert all(b.segments == () for b in doc.blocks)


def test_ignored_lines_are_dropped_and_lines_keep_their_numbers(tmp_path: Path) -> None:
    source = f"{EN}\nPrevious image\nNext image\n\n## Heading\n\nLast line.\n"
    doc = post(tmp_path, "a.md", source, ignore=("Previous image", r"Next\s+image"))
    assert body(doc) == [(PARAGRAPH, EN), (HEADING, "Heading"), (PARAGRAPH, "Last line.")]
    assert [b.line for b in doc.body()] == [1, 5, 7]


# --- HTML ------------------------------------------------------------------


PAGE = """<!doctype html>
<html>
<head>
<title>Lift &amp; recovery</title>
<meta name="description" content="What to expect after surgery.">
<style>p { color: red }</style>
</head>
<body>
<nav>Home | Blog</nav>
<main>
<h2>Week <em>one</em></h2>
<p>Swelling peaks on day 2. See <a href="/faq?a=1&amp;b=2" title="Questions">the FAQ</a>
and <code>a &lt; b</code> or <span translate="no">Clinic<b>Name</b></span>.</p>
<script>document.write("<p>hidden</p>")</script>
<p><img src="scar.jpg" alt="The incision line" title="After 3 months" width="300"></p>
<pre class="x">keep   &lt;this>
  as is</pre>
<div translate="no"><p>Not for translation.</p></div>
<ul><li>Rest<ul><li>Sleep high</li></ul></li><li><p>Ice</p></li></ul>
<table><tr><th>Day</th><th>Care</th></tr><tr><td>1</td><td></td></tr></table>
</main>
</body>
</html>
"""


def test_html_page_blocks(tmp_path: Path) -> None:
    doc = post(tmp_path, "page.html", PAGE)
    assert doc.lang == "en"
    assert [(b.kind, b.text, b.line) for b in doc.blocks[:4]] == [
        (TITLE, "Lift & recovery", 4),
        (DESCRIPTION, "What to expect after surgery.", 5),
        (HEADING, "Week <1>one</1>", 11),
        (
            PARAGRAPH,
            "Swelling peaks on day 2. See <1>the FAQ</1> and <2/> or <3/>.",
            12,
        ),
    ]
    para = doc.blocks[3]
    assert [p.open for p in para.placeholders] == [
        '<a href="/faq?a=1&amp;b=2" title="Questions">',
        "<code>a &lt; b</code>",
        '<span translate="no">Clinic<b>Name</b></span>',
    ]
    texts = " ".join(b.text for b in doc.blocks if b.translatable)
    for hidden in ("hidden", "color", "Home", "Not for translation"):
        assert hidden not in texts
    kept = [b.text for b in doc.blocks if b.kind == RAW]  # shown as written, never translated
    assert kept == ['<div translate="no"><p>Not for translation.</p></div>']
    image = doc.blocks[4]
    assert (image.kind, image.text, image.src, image.line) == (
        IMAGE,
        "The incision line",
        "scar.jpg",
        15,
    )
    assert image.attrs == (("title", "After 3 months"), ("width", "300"))
    code = doc.blocks[5]
    assert (code.kind, code.text, code.translatable) == (CODE, "keep   <this>\n  as is", False)
    items = [b for b in doc.blocks if b.kind == LIST_ITEM]
    assert [(b.text, b.level) for b in items] == [("Rest", 1), ("Sleep high", 2), ("Ice", 1)]
    assert items[0].group == items[2].group != items[1].group
    cells = [(b.text, b.row, b.header) for b in doc.blocks if b.kind == TABLE_CELL]
    assert cells == [("Day", 0, True), ("Care", 0, True), ("1", 1, False), ("", 1, False)]


def test_html_fragment_without_title_uses_first_h1_and_is_forgiving(tmp_path: Path) -> None:
    doc = post(
        tmp_path, "frag.htm", "<h1>Aftercare</h1><p>Keep the <b>bandage on\n<p>for two days."
    )
    assert doc.blocks[0].kind == TITLE and doc.blocks[0].text == "Aftercare"
    assert body(doc) == [
        (PARAGRAPH, "Keep the <1>bandage on</1>"),
        (PARAGRAPH, "<1>for two days.</1>"),
    ]


def test_html_article_is_preferred_over_the_rest_of_the_body(tmp_path: Path) -> None:
    page = f"<body><header>Menu text here</header><article><p>{EN}</p></article></body>"
    assert body(post(tmp_path, "a.html", page)) == [(PARAGRAPH, EN)]


def test_html_svg_and_math_are_dropped_and_an_icon_in_a_link_stays_valid_markup(
    tmp_path: Path,
) -> None:
    page = (
        f'<p>{EN} <a href="/share"><svg viewBox="0 0 1 1"><path d="M0"/></svg></a> '
        "Then <math><mi>x</mi></math> <svg><title>icon</title></svg>go.</p>"
    )
    [paragraph] = post(tmp_path, "a.html", page).body()
    assert paragraph.text == f"{EN} <1/> Then go."
    assert paragraph.placeholders[0].open == (
        '<a href="/share"><svg viewBox="0 0 1 1"><path d="M0"></path></svg></a>'
    )


def test_html_lang_attribute_declares_the_language(tmp_path: Path) -> None:
    doc = post(tmp_path, "a.html", f'<html lang="ko-KR"><p>{EN}</p></html>')
    assert doc.lang == "ko"


def test_html_without_text_is_an_error(tmp_path: Path) -> None:
    err = error(tmp_path, "a.html", "<html><body><img src=x.png><script>var a</script></body>")
    assert err.path == "source/a.html" and "no text" in err.message


# --- plain text ------------------------------------------------------------------


def test_text_rules(tmp_path: Path) -> None:
    source = (
        "\n  Mini thread lifting  \nFirst <1> line.\n\n✔ one\n• two\n\n- three\nAfter.\n- again\n"
    )
    doc = post(tmp_path, "a.txt", source)
    assert [(b.kind, b.text, b.line) for b in doc.blocks] == [
        (TITLE, "Mini thread lifting", 2),
        (PARAGRAPH, "First <1/> line.", 3),
        (LIST_ITEM, "one", 5),
        (LIST_ITEM, "two", 6),
        (LIST_ITEM, "three", 8),
        (PARAGRAPH, "After.", 9),
        (LIST_ITEM, "again", 10),
    ]
    groups = [b.group for b in doc.blocks if b.kind == LIST_ITEM]
    assert groups[0] == groups[1] == groups[2] != groups[3]


def test_the_seed_text_reads_with_its_carousel_lines_ignored(tmp_path: Path) -> None:
    seed = Path("/work/shared/seeds/mini-thread-lifting.txt")
    if not seed.exists():
        pytest.skip("seed not available")
    doc = post(
        tmp_path, "seed.txt", seed.read_text(encoding="utf-8"), ("Previous image", "Next image")
    )
    assert doc.lang == "en" and doc.title == "Mini thread lifting"
    assert not any("Previous image" in b.text for b in doc.blocks)
    assert sum(b.kind == LIST_ITEM for b in doc.blocks) == 3


# --- language ------------------------------------------------------------------


def test_declared_language_is_normalised(tmp_path: Path) -> None:
    assert post(tmp_path, "a.md", f"---\nlang: ko-KR\n---\n{EN}\n").lang == "ko"
    assert normalise("EN_us") == "en"


def test_languages_are_detected(tmp_path: Path) -> None:
    assert post(tmp_path, "en.md", EN).lang == "en"
    assert post(tmp_path, "ko.md", KO).lang == "ko"
    # Latin brand names in a Korean sentence do not fool the Hangul share.
    assert detect("SMAS layer를 당기는 HIFU, Ulthera, Thermage 시술을 비교해 드립니다") == "ko"
    assert detect("Book now.") == "en"  # too short to judge: not Polish
    assert detect(EN) == detect(EN) == "en"


def test_a_french_post_is_rejected_by_name(tmp_path: Path) -> None:
    french = "Le lifting est une intervention chirurgicale. La récupération prend quelques jours."
    err = error(tmp_path, "fr.md", french)
    assert str(err).startswith("source/fr.md: detected language 'fr'")
    assert "\n" not in str(err)


def test_an_unsupported_declared_language_is_rejected_at_its_line(tmp_path: Path) -> None:
    err = error(tmp_path, "a.md", f"---\ntitle: T\nlang: ja\n---\n{EN}\n")
    assert (err.path, err.line) == ("source/a.md", 3)
    assert "'ja'" in err.message


# --- bad input -----------------------------------------------------------------


def test_discover_lists_posts_sorted(tmp_path: Path) -> None:
    for name in ("b.md", "a.html", "c.txt", "d.markdown", "e.htm", ".hidden.md", "notes.pdf"):
        (tmp_path / name).write_text(EN, encoding="utf-8")
    assert [p.name for p in discover(tmp_path)] == [
        "a.html",
        "b.md",
        "c.txt",
        "d.markdown",
        "e.htm",
    ]


def test_missing_and_empty_source_folders(tmp_path: Path) -> None:
    with pytest.raises(PostlingoError, match="not found") as missing:
        discover(tmp_path / "nope")
    assert missing.value.path == str(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.pdf").write_text("x")
    with pytest.raises(PostlingoError, match="no posts") as empty:
        discover(tmp_path / "empty")
    assert empty.value.path == str(tmp_path / "empty")


@pytest.mark.parametrize(
    "name, content",
    [
        ("a.md", ""),
        ("a.md", "---\ntitle: ''\n---\n\n```\ncode only\n```\n"),
        ("a.md", "![](/only-an-image.png)\n"),
        ("a.txt", "\n   \n\n"),
    ],
)
def test_a_post_without_text_is_an_error(tmp_path: Path, name: str, content: str) -> None:
    err = error(tmp_path, name, content)
    assert err.path == f"source/{name}" and "no text to translate" in err.message


def test_non_utf8_is_reported_with_file_and_line(tmp_path: Path) -> None:
    err = error(tmp_path, "a.md", "Line one\nLine two caf\xe9\n".encode("latin-1"))
    assert (err.path, err.line) == ("source/a.md", 2)
    assert "UTF-8" in err.message


@pytest.mark.parametrize(
    "front, line",
    [
        ("title: Good\ndescription: [unclosed\n", 3),
        ("title: Good\n  bad: indent\n", 3),
        ("- a list\n- not a mapping\n", 2),
        ("title: Good\ndate: 2024-02-30\n", 3),  # YAML reads it as a date; there is none
        ("title: Good\ntags:\n  - 2024-13-01\n", 4),
    ],
)
def test_broken_front_matter_names_file_and_line(tmp_path: Path, front: str, line: int) -> None:
    err = error(tmp_path, "a.md", f"---\n{front}---\n{EN}\n")
    assert (err.path, err.line) == ("source/a.md", line)
    assert "front matter" in err.message


def test_unclosed_front_matter_and_bad_slug_and_bad_ignore(tmp_path: Path) -> None:
    err = error(tmp_path, "a.md", f"---\ntitle: T\n{EN}\n")
    assert (err.line, "never closed" in err.message) == (1, True)
    err = error(tmp_path, "b.md", f"---\nslug: ../../etc\n---\n{EN}\n")
    assert (err.line, "slug" in err.message) == (2, True)
    with pytest.raises(PostlingoError, match="ignore pattern"):
        post(tmp_path, "c.md", EN, ignore=("(unclosed",))


# --- the sample posts ------------------------------------------------------------


def test_the_english_sample_post() -> None:
    doc = read(ROOT / "source" / "mini-thread-lifting.md", ROOT)
    assert (doc.slug, doc.lang, doc.path) == (
        "mini-thread-lifting",
        "en",
        "source/mini-thread-lifting.md",
    )
    assert doc.blocks[0].kind == TITLE and doc.blocks[1].kind == DESCRIPTION
    headings = [b.text for b in doc.blocks if b.kind == HEADING]
    assert (
        "Mini thread lifting and mini facelift, the biggest difference is the “area of action”"
        in headings
    )
    assert sum(b.kind == LIST_ITEM for b in doc.blocks) == 3
    assert not any("Previous image" in b.text or "Next image" in b.text for b in doc.blocks)


def test_the_korean_sample_post() -> None:
    posts = [p for p in discover(ROOT / "source") if p.name != "mini-thread-lifting.md"]
    docs = [read(p, ROOT) for p in posts]
    korean = [d for d in docs if d.lang == "ko"]
    assert korean, "a Korean sample post is expected in source/"
    doc = korean[0]
    kinds = {b.kind for b in doc.blocks}
    assert {TITLE, DESCRIPTION, HEADING, LIST_ITEM, IMAGE, PARAGRAPH} <= kinds
    names = {p.name for b in doc.blocks for p in b.placeholders}
    assert {"a", "strong"} <= names
    image = doc.first(IMAGE)
    assert image is not None and image.text and image.src
    assert re.search(r"\d+(~\d+)?(일|주|개월|년|분)", " ".join(b.text for b in doc.blocks))
