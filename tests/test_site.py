import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.article import localize
from pipeline.config import Config
from pipeline.document import (
    CODE,
    DESCRIPTION,
    HEADING,
    IMAGE,
    LIST_ITEM,
    PARAGRAPH,
    QUOTE,
    TABLE_CELL,
    TITLE,
    Block,
    Document,
    Placeholder,
    Segment,
)
from pipeline.errors import PostlingoError
from pipeline.site import Edition, assets, og_locale, render_site

LINK = Placeholder("a", '<a href="https://example.com/?a=1&amp;b=2">', "</a>")
BOLD = Placeholder("strong", "<strong>", "</strong>")
CODE_TAG = Placeholder("code", "<code>", "</code>")
BR = Placeholder("br", "<br>", void=True)
VNU = Path(__file__).parent.parent / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"


def block(kind: str, *segments: Segment | str, **kw: object) -> Block:
    segs = tuple(s if isinstance(s, Segment) else Segment(s, kind=kind) for s in segments)
    return Block(kind, " ".join(s.text for s in segs), 1, segments=segs, **kw)  # type: ignore[arg-type]


def sample_doc(slug: str = "lifting") -> Document:
    return Document(
        slug,
        f"source/{slug}.md",
        "en",
        (
            block(TITLE, "Mini thread lifting"),
            block(DESCRIPTION, "Threads or a facelift?"),
            block(HEADING, "Why threads", level=1),
            block(
                PARAGRAPH,
                Segment("Read <1>our guide</1> first.", (LINK,)),
                Segment("It is <1>short</1> and <2>clear</2>.", (BOLD, CODE_TAG)),
                "Untranslated sentence.",
            ),
            block(LIST_ITEM, "First item", group=1),
            block(LIST_ITEM, "Nested item", group=1, level=1),
            block(LIST_ITEM, "Second item", group=1),
            block(TABLE_CELL, "Method", group=2, row=0, header=True),
            block(TABLE_CELL, "Recovery", group=2, row=0, header=True),
            block(TABLE_CELL, "Threads", group=2, row=1),
            block(TABLE_CELL, "2 days", group=2, row=1),
            block(IMAGE, "A smiling face", src="img/face.png", attrs=(("width", "300"),)),
            Block(CODE, 'if a < b and c > "d":\n    pass', 20),
            block(QUOTE, "It was painless."),
        ),
    )


KO = {
    "Mini thread lifting": "미니 실리프팅",
    "Threads or a facelift?": "실리프팅일까요, 안면거상일까요?",
    "Why threads": "왜 실리프팅인가",
    "Read <1>our guide</1> first.": "먼저 <1>안내서</1>를 읽어 보세요.",
    "It is <1>short</1> and <2>clear</2>.": "<2>명확하고</2> <1>짧습니다</1>.",
    "First item": "<script>alert(1)</script>",
    "A smiling face": "웃는 얼굴",
}


def site(*editions: Edition, **config: object) -> dict[str, str]:
    return render_site(
        list(editions), Config(root=Path("/nonexistent"), project="clinic", **config)
    )  # type: ignore[arg-type]


def three_languages(**config: object) -> dict[str, str]:
    doc = sample_doc()
    return site(
        Edition(doc, "en", {}),
        Edition(doc, "ko", KO),
        Edition(doc, "ar", {"Mini thread lifting": "شد الخيوط"}),
        **config,
    )


def article(page: str) -> str:
    found = re.search(r"<article>(.*)</article>", page, re.S)
    assert found, page
    return found.group(1)


def assert_parses(page: str) -> None:
    html5lib.HTMLParser(strict=True).parse(page)


# --- pages in the source language and in translation ------------------------------


def test_source_page_shows_the_source_text_with_markup_restored() -> None:
    page = three_languages()["en/lifting.html"]
    assert page.startswith("<!DOCTYPE html>\n")
    assert '<html lang="en" dir="ltr">' in page
    assert "<title>Mini thread lifting</title>" in page
    assert '<meta name="description" content="Threads or a facelift?">' in page
    body = article(page)
    assert "<h1>Mini thread lifting</h1>" in body
    assert "<h2>Why threads</h2>" in body  # body h1 shifted below the title
    assert (
        '<p>Read <a href="https://example.com/?a=1&amp;b=2">our guide</a> first. '
        "It is <strong>short</strong> and <code>clear</code>. Untranslated sentence.</p>" in body
    )
    assert "lang=" not in body
    assert_parses(page)


def test_translated_page_puts_msgstrs_back_into_their_blocks() -> None:
    page = three_languages()["ko/lifting.html"]
    assert '<html lang="ko" dir="ltr">' in page
    assert "<title>미니 실리프팅</title>" in page
    assert 'content="실리프팅일까요, 안면거상일까요?"' in page
    body = article(page)
    assert "<h1>미니 실리프팅</h1>" in body
    assert '먼저 <a href="https://example.com/?a=1&amp;b=2">안내서</a>를 읽어 보세요.' in body
    assert "<code>명확하고</code> <strong>짧습니다</strong>." in body  # tags moved by reviewer
    assert 'alt="웃는 얼굴"' in body
    assert_parses(page)


def test_a_msgstr_can_never_inject_markup() -> None:
    body = article(three_languages()["ko/lifting.html"])
    assert "<script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_untranslated_segment_falls_back_to_source_marked_with_its_language() -> None:
    pages = three_languages()
    assert '<span lang="en">Untranslated sentence.</span>' in article(pages["ko/lifting.html"])
    assert '<span lang="en">It was painless.</span>' in article(pages["ko/lifting.html"])
    # in a right-to-left page the English fallback also keeps its own direction
    assert '<span lang="en" dir="ltr">Why threads</span>' in article(pages["ar/lifting.html"])


def test_a_msgstr_with_broken_tags_falls_back_to_the_source() -> None:
    doc = sample_doc()
    page = site(
        Edition(doc, "en", {}),
        Edition(doc, "ko", {"Read <1>our guide</1> first.": "먼저 </1>안내서<1>를"}),
    )["ko/lifting.html"]
    assert '<span lang="en">Read <a href="https://example.com/?a=1&amp;b=2">our guide</a>' in page
    assert_parses(page)


def test_arabic_page_is_right_to_left() -> None:
    page = three_languages()["ar/lifting.html"]
    assert '<html lang="ar" dir="rtl">' in page
    assert "<h1>شد الخيوط</h1>" in page


def test_chinese_and_japanese_sentences_join_without_a_space() -> None:
    doc = Document("p", "source/p.md", "en", (block(PARAGRAPH, "One.", "Two."),))
    body = localize(doc, "ja", {"One.": "一つ。", "Two.": "二つ。"}).body_html
    assert body == "<p>一つ。二つ。</p>"
    assert localize(doc, "ko", {"One.": "하나.", "Two.": "둘."}).body_html == "<p>하나. 둘.</p>"


def test_blocks_become_lists_tables_figures_and_code() -> None:
    body = article(three_languages()["en/lifting.html"])
    assert "<ul><li>First item<ul><li>Nested item</li></ul></li><li>Second item</li></ul>" in body
    assert "<thead><tr><th>Method</th><th>Recovery</th></tr></thead>" in body
    assert "<tbody><tr><td>Threads</td><td>2 days</td></tr></tbody>" in body
    assert '<figure><img src="../img/face.png" alt="A smiling face" width="300"></figure>' in body
    assert '<code>if a &lt; b and c &gt; "d":\n    pass</code></pre>' in body
    assert "<blockquote>\n<p>It was painless.</p>\n</blockquote>" in body


def test_headings_sit_below_the_title_and_never_skip_a_level() -> None:
    levels = (1, 3, 2, 4, 1)
    doc = Document(
        "p",
        "source/p.md",
        "en",
        (block(TITLE, "T"), *(block(HEADING, f"h{n}", level=n) for n in levels)),
    )
    body = localize(doc, "en", {}).body_html
    assert re.findall(r"<h(\d)>", body) == ["2", "3", "3", "4", "2"]


def test_a_title_with_no_words_falls_back_to_the_slug() -> None:
    doc = Document("my-post", "source/p.md", "en", (block(TITLE, Segment("<1/>", (BR,))),))
    assert "<title>my-post</title>" in site(Edition(doc, "en", {}))["en/my-post.html"]


def test_separate_lists_stay_separate_and_ordered_lists_are_ol() -> None:
    doc = Document(
        "p",
        "source/p.md",
        "en",
        (
            block(LIST_ITEM, "a", group=1),
            block(LIST_ITEM, "b", group=2, ordered=True),
            block(LIST_ITEM, "c", group=2, ordered=True),
        ),
    )
    assert localize(doc, "en", {}).body_html == "<ul><li>a</li></ul><ol><li>b</li><li>c</li></ol>"


def test_relative_images_point_at_their_copy_in_the_site() -> None:
    doc = Document(
        "p",
        "source/p.md",
        "en",
        (
            block(IMAGE, "a", src="img/a b.png?v=2"),
            block(IMAGE, "b", src="/images/b.png"),
            block(IMAGE, "c", src="https://cdn.example/c.png"),
            block(IMAGE, "d", src="../secret.png"),
        ),
    )
    body = article(site(Edition(doc, "en", {}))["en/p.html"])
    assert 'src="../img/a%20b.png?v=2"' in body
    assert 'src="/images/b.png"' in body
    assert 'src="https://cdn.example/c.png"' in body
    assert 'src="../secret.png"' in body  # outside source/: left as written, never copied
    assert assets([doc], Config()) == {"img/a b.png": "source/img/a b.png"}


def test_an_image_inside_a_sentence_points_at_its_copy_in_the_site() -> None:
    cat = Placeholder("img", '<img src="img/cat.png" alt="a cat">', void=True)
    cdn = Placeholder("img", "<img src='https://cdn.example/c.png' alt=c>", void=True)
    sentence = Segment("A <1/> and <2/> here.", (cat, cdn))
    doc = Document("p", "source/p.md", "en", (block(PARAGRAPH, sentence),))
    pages = site(Edition(doc, "en", {}), Edition(doc, "ko", {sentence.text: "<2/> 와 <1/>."}))
    for locale in ("en", "ko"):
        body = article(pages[f"{locale}/p.html"])
        assert '<img src="../img/cat.png" alt="a cat">' in body
        assert "<img src='https://cdn.example/c.png' alt=c>" in body
    assert assets([doc], Config()) == {"img/cat.png": "source/img/cat.png"}


def test_image_attributes_never_carry_script() -> None:
    doc = Document(
        "p",
        "source/p.md",
        "en",
        (block(IMAGE, "x", src='a.png"onload="x', attrs=(("onerror", "alert(1)"),)),),
    )
    body = localize(doc, "en", {}).body_html
    assert "onerror" not in body
    assert 'src="a.png&quot;onload=&quot;x"' in body


# --- links between versions -------------------------------------------------------


def test_every_version_lists_all_versions_and_x_default() -> None:
    pages = three_languages()
    for locale in ("en", "ko", "ar"):
        page = pages[f"{locale}/lifting.html"]
        for other in ("en", "ko", "ar"):
            assert (
                f'<link rel="alternate" hreflang="{other}" href="../{other}/lifting.html">' in page
            )
        assert '<link rel="alternate" hreflang="x-default" href="../en/lifting.html">' in page
        assert f'<link rel="canonical" href="../{locale}/lifting.html">' in page


def test_canonical_and_alternates_are_absolute_with_a_base_url() -> None:
    page = three_languages(base_url="https://clinic.example/blog/")["ko/lifting.html"]
    assert '<link rel="canonical" href="https://clinic.example/blog/ko/lifting.html">' in page
    assert (
        '<link rel="alternate" hreflang="x-default" '
        'href="https://clinic.example/blog/en/lifting.html">' in page
    )
    assert '<meta property="og:url" content="https://clinic.example/blog/ko/lifting.html">' in page
    assert '<a href="../en/lifting.html" hreflang="en"' in page  # the switcher stays relative


def test_open_graph_names_the_locale_and_its_alternates() -> None:
    page = three_languages()["ko/lifting.html"]
    assert '<meta property="og:title" content="미니 실리프팅">' in page
    assert '<meta property="og:locale" content="ko_KR">' in page
    assert '<meta property="og:locale:alternate" content="en_US">' in page
    assert '<meta property="og:locale:alternate" content="ar_EG">' in page
    assert og_locale("zh-Hans") == "zh_CN"
    assert og_locale("pt_BR") == "pt_BR"


def test_switcher_names_each_version_in_its_own_language_and_marks_the_current() -> None:
    page = three_languages()["ar/lifting.html"]
    nav = re.search(r'<nav class="languages">(.*?)</nav>', page, re.S)
    assert nav
    links = re.findall(r"<a [^>]*>[^<]*</a>", nav.group(1))
    assert links == [
        '<a href="../ar/lifting.html" hreflang="ar" lang="ar" dir="rtl" '
        'aria-current="page">العربية</a>',
        '<a href="../en/lifting.html" hreflang="en" lang="en" dir="ltr">English</a>',
        '<a href="../ko/lifting.html" hreflang="ko" lang="ko" dir="ltr">한국어</a>',
    ]


def test_a_post_published_in_one_language_only_has_no_switcher() -> None:
    page = site(Edition(sample_doc(), "en", {}))["en/lifting.html"]
    assert "<nav" not in page
    assert '<link rel="alternate" hreflang="x-default" href="../en/lifting.html">' in page


# --- indexes, sitemap, stylesheet -------------------------------------------------


def test_locale_index_lists_its_posts_with_translated_titles() -> None:
    other = Document("aftercare", "source/aftercare.md", "en", (block(TITLE, "Aftercare"),))
    pages = site(
        Edition(sample_doc(), "en", {}),
        Edition(sample_doc(), "ko", KO),
        Edition(other, "en", {}),
    )
    assert '<a href="lifting.html">미니 실리프팅</a>' in pages["ko/index.html"]
    assert "aftercare" not in pages["ko/index.html"]
    en = pages["en/index.html"]
    assert en.index('href="aftercare.html"') < en.index('href="lifting.html"')
    root = pages["index.html"]
    assert '<a href="en/index.html" hreflang="en" lang="en" dir="ltr">English</a>' in root
    assert '<a href="ko/index.html" hreflang="ko" lang="ko" dir="ltr">한국어</a>' in root
    assert set(pages) == {
        "index.html",
        "style.css",
        "sitemap.xml",
        "en/index.html",
        "ko/index.html",
        "en/lifting.html",
        "en/aftercare.html",
        "ko/lifting.html",
    }


def test_sitemap_has_an_alternate_for_each_version() -> None:
    xml = three_languages(base_url="https://clinic.example")["sitemap.xml"]
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(xml.encode("utf-8"))
    urls = {u.findtext("s:loc", namespaces=ns): u for u in root.findall("s:url", ns)}
    entry = urls["https://clinic.example/ko/lifting.html"]
    links = {
        link.get("hreflang"): link.get("href") for link in entry.findall("x:link", namespaces=ns)
    }
    assert links == {
        "en": "https://clinic.example/en/lifting.html",
        "ko": "https://clinic.example/ko/lifting.html",
        "ar": "https://clinic.example/ar/lifting.html",
        "x-default": "https://clinic.example/en/lifting.html",
    }
    assert all(e.get("rel") == "alternate" for e in root.iter("{http://www.w3.org/1999/xhtml}link"))


def test_stylesheet_is_shipped_and_self_contained() -> None:
    css = re.sub(r"/\*.*?\*/", "", three_languages()["style.css"], flags=re.S)
    assert ":lang(ko)" in css and "keep-all" in css and ":lang(ar)" in css
    assert "url(" not in css and "@import" not in css
    assert not re.search(r"(margin|padding|border)-(left|right)|text-align:\s*(left|right)", css)


# --- banners, templates, determinism, bad input -----------------------------------


def test_pseudo_banner_only_on_pseudo_editions() -> None:
    doc = sample_doc()
    pages = site(Edition(doc, "en", {}), Edition(doc, "ko", KO, pseudo=True))
    assert 'role="note"' in pages["ko/lifting.html"]
    assert "postlingo models install en ko" in pages["ko/lifting.html"]
    assert 'role="note"' not in pages["en/lifting.html"]


def test_a_project_template_overrides_the_packaged_one(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "post.html").write_text(
        '{% extends "base.html" %}{% block main %}<p>custom {{ article.title }}</p>{% endblock %}',
        encoding="utf-8",
    )
    config = Config(root=tmp_path, project="clinic")
    pages = render_site([Edition(sample_doc(), "en", {})], config)
    assert "<p>custom Mini thread lifting</p>" in pages["en/lifting.html"]
    assert '<ul class="posts">' in pages["en/index.html"]  # others still come from the package


def test_a_broken_project_template_is_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "post.html").write_text("ok\n{% if %}", encoding="utf-8")
    with pytest.raises(PostlingoError) as err:
        render_site([Edition(sample_doc(), "en", {})], Config(root=tmp_path))
    assert err.value.path and err.value.path.endswith("post.html")
    assert err.value.line == 2


def test_a_project_template_using_an_unknown_name_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "post.html").write_text("{{ page.nope }}", encoding="utf-8")
    with pytest.raises(PostlingoError, match="nope") as err:
        render_site([Edition(sample_doc(), "en", {})], Config(root=tmp_path))
    assert err.value.path and err.value.path.endswith("post.html")


def test_rendering_is_deterministic() -> None:
    doc = sample_doc()
    editions = [Edition(doc, "ko", KO), Edition(doc, "en", {}), Edition(doc, "ar", {})]
    first = render_site(editions, Config(project="clinic"))
    second = render_site(list(reversed(editions)), Config(project="clinic"))
    assert first == second
    assert list(first) == sorted(first)


@pytest.mark.parametrize("slug", ["../evil", "a/b", ".hidden", ""])
def test_a_slug_that_is_not_a_file_name_is_an_error(slug: str) -> None:
    doc = Document(slug, "source/x.md", "en", (block(TITLE, "T"),))
    with pytest.raises(PostlingoError, match="file name"):
        site(Edition(doc, "en", {}))


def test_two_editions_of_one_page_is_an_error() -> None:
    with pytest.raises(PostlingoError, match="two pages"):
        site(Edition(sample_doc(), "en", {}), Edition(sample_doc(), "en", {}))


@pytest.mark.skipif(not (VNU.is_file() and shutil.which("java")), reason="Nu Html Checker absent")
def test_pages_pass_the_nu_html_checker(tmp_path: Path) -> None:
    doc = sample_doc()
    pages = site(
        Edition(doc, "en", {}), Edition(doc, "ko", KO, pseudo=True), Edition(doc, "ar", {})
    )
    for rel, content in pages.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(content, encoding="utf-8")
    files = [str(p) for p in sorted(tmp_path.rglob("*.html"))] + [str(tmp_path / "style.css")]
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--also-check-css", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


# --- property: identical msgstrs give the source page back --------------------------

_chars = st.sampled_from(list("abc xyz&<>\"'12/;é한글"))
_words = st.text(_chars, min_size=1, max_size=12)
_pair = st.sampled_from([LINK, BOLD, CODE_TAG])


@st.composite
def segments(draw: st.DrawFn) -> Segment:
    parts: list[str] = []
    placeholders: list[Placeholder] = []
    for _ in range(draw(st.integers(1, 4))):
        choice = draw(st.integers(0, 2))
        if choice == 0 or len(placeholders) >= 3:
            parts.append(draw(_words))
        elif choice == 1:
            placeholders.append(draw(_pair))
            n = len(placeholders)
            parts.append(f"<{n}>{draw(_words)}</{n}>")
        else:
            placeholders.append(BR)
            parts.append(f"<{len(placeholders)}/>")
    return Segment("".join(parts), tuple(placeholders))


@st.composite
def documents(draw: st.DrawFn) -> Document:
    blocks = [block(TITLE, draw(segments()))]
    for i in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from([PARAGRAPH, HEADING, LIST_ITEM, QUOTE, TABLE_CELL, IMAGE]))
        segs = draw(st.lists(segments(), min_size=1, max_size=3))
        extra: dict[str, object] = {}
        if kind == HEADING:
            extra = {"level": draw(st.integers(1, 4))}
        elif kind == LIST_ITEM:
            extra = {"level": draw(st.integers(0, 2)), "group": draw(st.integers(0, 1))}
        elif kind == TABLE_CELL:
            extra = {"group": 9, "row": draw(st.integers(0, 2)), "header": draw(st.booleans())}
        elif kind == IMAGE:
            extra = {"src": f"img/{i}.png"}
        blocks.append(block(kind, *segs, **extra))
        if draw(st.booleans()):
            blocks.append(Block(CODE, draw(_words), 1))
    return Document("post", "source/post.md", draw(st.sampled_from(["en", "ko"])), tuple(blocks))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.sampled_from(["en", "ko", "de", "ar"]))
def test_identity_translation_reproduces_the_source_page(doc: Document, target: str) -> None:
    if target == doc.lang:
        target = "fr"
    identity = {seg.text: seg.text for seg in doc.segments()}
    pages = render_site([Edition(doc, doc.lang, {}), Edition(doc, target, identity)], Config())

    def content(page: str) -> str:
        return re.sub(r' (lang|dir)="[^"]*"', "", article(page))

    source, translated = pages[f"{doc.lang}/post.html"], pages[f"{target}/post.html"]
    assert content(translated) == content(source)
    assert "<span" not in article(translated)
    assert_parses(source)
    assert_parses(translated)
