"""The localized site: article pages, links between versions, indexes, templates.

Posts are read from small Markdown sources, as the pipeline reads them; a
page must show the source's structure (what markdown-it-py shows) with each
unit's translation substituted, and nothing a msgstr could inject.
"""

import dataclasses
import functools
import json
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.article import localize
from pipeline.config import Config
from pipeline.document import Document
from pipeline.errors import PostlingoError
from pipeline.segment import segment_document
from pipeline.site import Edition, assets, og_locale, render_site
from pipeline.sources import read
from pipeline.sources.inline import collapse
from pipeline.sources.markdown import reference_html

VNU = Path(__file__).parent.parent / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"

SAMPLE = """---
title: Mini thread lifting
description: Threads or a facelift?
---

# Why threads

Read [our guide](https://example.com/?a=1&b=2) first. It is **short** and *clear*. Untranslated sentence.

- First item
  - Nested item
- Second item

| Method | Recovery |
|--------|----------|
| Threads | 2 days |

<img src="img/face.png" alt="A smiling face" width="300">

```
if a < b and c > "d":
    pass
```

> It was painless.
"""


def markdown_doc(source: str, slug: str = "p") -> Document:
    """A Document read from Markdown as source/<slug>.md, segmented as the pipeline does."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "source").mkdir()
        path = root / "source" / f"{slug}.md"
        path.write_text(source, encoding="utf-8")
        return segment_document(read(path, root))


@functools.cache
def sample_doc(slug: str = "lifting") -> Document:
    return markdown_doc(SAMPLE, slug)


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


def _canon(element: ET.Element) -> list[object]:
    """Children as (tag, attrs, children) and collapsed text; whitespace-only text ignored."""
    out: list[object] = []
    if collapse(element.text or ""):
        out.append(collapse(element.text or ""))
    for child in element:
        if isinstance(child.tag, str):
            out.append((child.tag, sorted(child.attrib.items()), _canon(child)))
        if collapse(child.tail or ""):
            out.append(collapse(child.tail or ""))
    return out


def dom(markup: str) -> list[object]:
    """A fragment as html5lib sees it, for comparing structure."""
    tree = html5lib.parseFragment(markup, treebuilder="etree", namespaceHTMLElements=False)
    return _canon(tree)


def script_in(markup: str) -> list[str]:
    """Whatever in a fragment could run: script elements, on* handlers, script URLs."""
    tree = html5lib.parseFragment(markup, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in tree.iter():
        if element.tag == "script":
            found.append("<script>")
        for key, value in element.attrib.items():
            if key.lower().startswith("on"):
                found.append(f"{element.tag} {key}")
            if re.match(r"\s*(javascript|vbscript|data):", value, re.I):
                found.append(f"{element.tag} {key}={value}")
    return found


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
        "It is <strong>short</strong> and <em>clear</em>. Untranslated sentence.</p>" in body
    )
    assert "lang=" not in body
    assert_parses(page)


def test_translated_page_puts_msgstrs_back_into_their_units() -> None:
    page = three_languages()["ko/lifting.html"]
    assert '<html lang="ko" dir="ltr">' in page
    assert "<title>미니 실리프팅</title>" in page
    assert 'content="실리프팅일까요, 안면거상일까요?"' in page
    body = article(page)
    assert "<h1>미니 실리프팅</h1>" in body
    assert "<h2>왜 실리프팅인가</h2>" in body
    assert '먼저 <a href="https://example.com/?a=1&amp;b=2">안내서</a>를 읽어 보세요.' in body
    assert "<em>명확하고</em> <strong>짧습니다</strong>." in body  # tags moved by reviewer
    assert 'alt="웃는 얼굴"' in body
    assert_parses(page)


def test_a_msgstr_can_never_inject_markup() -> None:
    body = article(three_languages()["ko/lifting.html"])
    assert "<script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    # nor through an attribute value or a tag number that is not in the msgid
    doc = markdown_doc('Text here.\n\n![A cat](cat.png "Cat")\n\nSee **this** now.\n')
    shown = localize(
        doc,
        "ko",
        {
            "A cat": '"><script>alert(1)</script>',
            "Cat": 'x" onerror="alert(1)',
            "See <1>this</1> now.": "<1>이것</1>을 <2>보세요</2><b onclick=x>!</b>",
        },
    ).body_html
    assert script_in(shown) == [] and "<b " not in shown
    assert 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in shown
    assert 'title="x&quot; onerror=&quot;alert(1)"' in shown
    assert "&lt;2&gt;보세요&lt;/2&gt;&lt;b onclick=x&gt;!&lt;/b&gt;" in shown


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
    doc = markdown_doc("One. Two.\n")
    body = localize(doc, "ja", {"One.": "一つ。", "Two.": "二つ。"}).body_html
    assert body == "<p>一つ。二つ。</p>"
    assert localize(doc, "ko", {"One.": "하나.", "Two.": "둘."}).body_html == "<p>하나. 둘.</p>"


def test_the_page_keeps_the_source_structure_lists_tables_images_and_code() -> None:
    # No <figure> around an image, no <div class="table"> around a table and no
    # translate="no" on <pre>: the page is what markdown-it-py shows for the source.
    body = article(three_languages()["en/lifting.html"])
    source_body = SAMPLE.split("---\n", 2)[2]
    reference = reference_html(source_body).replace("<h1>Why threads</h1>", "<h2>Why threads</h2>")
    reference = reference.replace('src="img/face.png"', 'src="../img/face.png"')
    assert dom(body.split("</h1>", 1)[1]) == dom(reference)
    assert "<ul><li>First item<ul><li>Nested item</li></ul></li><li>Second item</li></ul>" in body
    assert "<thead><tr><th>Method</th><th>Recovery</th></tr></thead>" in body
    assert "<tbody><tr><td>Threads</td><td>2 days</td></tr></tbody>" in body
    assert '<img src="../img/face.png" alt="A smiling face" width="300">' in body
    assert '<pre><code>if a &lt; b and c &gt; "d":\n    pass\n</code></pre>' in body
    assert "<blockquote><p>It was painless.</p></blockquote>" in body


def test_headings_sit_below_the_title() -> None:
    # Levels are the source's, shifted one down when the body has an <h1> (the page
    # title is the <h1>); a level the source skipped is no longer repaired.
    doc = markdown_doc("---\ntitle: T\n---\n# h1\n\n### h3\n\n## h2\n\n#### h4\n\n# h1 again\n")
    body = localize(doc, "en", {}).body_html
    assert re.findall(r"<h(\d)>", body) == ["2", "4", "3", "5", "2"]
    flat = markdown_doc("---\ntitle: T\n---\n## h2\n\nText.\n\n### h3\n")
    assert re.findall(r"<h(\d)>", localize(flat, "en", {}).body_html) == ["2", "3"]


def test_a_post_without_a_title_is_named_by_its_slug() -> None:
    doc = markdown_doc("Just a paragraph, no heading and no front matter title.\n", "my-post")
    assert doc.title is None
    assert "<title>my-post</title>" in site(Edition(doc, "en", {}))["en/my-post.html"]


def test_separate_lists_stay_separate_and_ordered_lists_are_ol() -> None:
    doc = markdown_doc("Text.\n\n- a\n\n* b\n\n1. c\n2. d\n")
    body = localize(doc, "en", {}).body_html
    assert re.sub(r"\n", "", body) == (
        "<p>Text.</p><ul><li>a</li></ul><ul><li>b</li></ul><ol><li>c</li><li>d</li></ol>"
    )


def test_relative_images_point_at_their_copy_in_the_site() -> None:
    doc = markdown_doc(
        "Some text.\n\n![a](<img/a b.png?v=2>) ![b](/images/b.png) "
        "![c](https://cdn.example/c.png) ![d](../secret.png)\n"
    )
    body = article(site(Edition(doc, "en", {}))["en/p.html"])
    assert 'src="../img/a%20b.png?v=2"' in body
    assert 'src="/images/b.png"' in body
    assert 'src="https://cdn.example/c.png"' in body
    assert 'src="../secret.png"' in body  # outside source/: left as written, never copied
    assert assets([doc], Config()) == {"img/a b.png": "source/img/a b.png"}


def test_an_image_inside_a_sentence_points_at_its_copy_in_the_site() -> None:
    doc = markdown_doc(
        "A ![a cat](img/cat.png) and <img src='https://cdn.example/c.png' alt=c> here.\n"
    )
    [sentence] = [s.text for s in doc.segments() if "here" in s.text]
    assert sentence == "A <1/> and <2/> here."
    pages = site(Edition(doc, "en", {}), Edition(doc, "ko", {sentence: "<2/> 와 <1/>."}))
    for locale in ("en", "ko"):
        body = article(pages[f"{locale}/p.html"])
        assert '<img src="../img/cat.png" alt="a cat">' in body
        # raw HTML attributes are written out again from the tree, not copied as typed
        assert '<img src="https://cdn.example/c.png" alt="c">' in body
    assert assets([doc], Config()) == {"img/cat.png": "source/img/cat.png"}


def test_image_and_link_attributes_never_carry_script() -> None:
    doc = markdown_doc(
        "Text here.\n\n"
        '<img src=\'a.png"onload="x\' alt="x" onerror="alert(1)">\n\n'
        'A <a href="javascript:alert(1)" onclick="x()">click here</a> and '
        '[that](javascript:alert(2)) <a href=" JaVaScRiPt:alert(3)">too</a>.\n'
    )
    body = localize(doc, "en", {}).body_html
    assert script_in(body) == []
    assert "click here</a>" in body and "too</a>" in body  # the links' words stay
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
    other = markdown_doc("---\ntitle: Aftercare\n---\nKeep the bandage dry.\n", "aftercare")
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
    doc = dataclasses.replace(markdown_doc("---\ntitle: T\n---\nText.\n"), slug=slug)
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
_words = st.text(_chars, min_size=1, max_size=12).map(
    lambda w: "x" + re.sub(r"[\s]+", " ", w).strip() + "x"  # no edge spaces: they would be markup
)


@st.composite
def sentences(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        choice = draw(st.integers(0, 4))
        words = draw(_words).replace("*", "").replace("`", "")
        if choice == 0:
            parts.append(words)
        elif choice == 1:
            parts.append(f"[{words}](https://example.com/?a=1&b=2)")
        elif choice == 2:
            parts.append(f"**{words}**")
        elif choice == 3:
            parts.append(f"`{words}`")
        else:
            parts.append("  \n")  # a hard line break
    return " ".join(parts).replace("  \n ", "  \n") + "."


@st.composite
def markdown_sources(draw: st.DrawFn) -> str:
    lang = draw(st.sampled_from(["en", "ko"]))
    blocks = [f"---\ntitle: {json.dumps(draw(_words))}\nlang: {lang}\n---\n", "Plain words here."]
    for i in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 6))
        text = " ".join(draw(st.lists(sentences(), min_size=1, max_size=3)))
        if kind == 0:
            blocks.append(text)
        elif kind == 1:
            blocks.append("#" * draw(st.integers(1, 4)) + " " + text.replace("  \n", " "))
        elif kind == 2:
            blocks.append("\n".join(f"- {t}" for t in text.split("  \n")))
        elif kind == 3:
            blocks.append("> " + text.replace("  \n", " "))
        elif kind == 4:
            cell = text.replace("|", "").replace("  \n", " ")
            blocks.append(f"| {cell} | b |\n|---|---|\n| c | {cell} |")
        elif kind == 5:
            blocks.append(f"![{draw(_words).replace(']', '')}](img/{i}.png)")
        else:
            blocks.append(f"```\n{draw(_words)}\n```")
    return "\n\n".join(blocks) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_sources(), st.sampled_from(["en", "ko", "de", "ar"]))
def test_identity_translation_reproduces_the_source_page(source: str, target: str) -> None:
    doc = markdown_doc(source, "post")
    if target == doc.lang:
        target = "fr"
    identity = {seg.text: seg.text for seg in doc.segments()}
    pages = render_site([Edition(doc, doc.lang, {}), Edition(doc, target, identity)], Config())

    def content(page: str) -> str:
        return re.sub(r' (lang|dir)="[^"]*"', "", article(page))

    source_page, translated = pages[f"{doc.lang}/post.html"], pages[f"{target}/post.html"]
    assert content(translated) == content(source_page)
    assert "<span" not in article(translated)
    assert_parses(source_page)
    assert_parses(translated)
