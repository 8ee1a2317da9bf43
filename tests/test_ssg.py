"""Markdown for static-site generators: the source comes back, only its words change.

Identity translation gives the source byte for byte; pseudo translation keeps
markdown-it's block structure and every shortcode and Liquid tag as written;
real Hugo (and Jekyll, where it installs) builds the localized site.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from pipeline import markdown_out, segment, sources, ssg
from pipeline.document import Document, plain_text
from pipeline.engines.pseudo import pseudolocalize
from pipeline.site import Edition
from pipeline.sources import dom, markdown
from tests.docgen import markdown_posts
from tests.test_cli import postlingo

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = FIXTURES.parent.parent
CORPUS = sorted((FIXTURES / "faithful").glob("*.md"))
# Site tags without a readable parameter: they must come back exactly as written.
_SITE_TAG_RE = re.compile(r"\{\{<.*?>\}\}|\{\{%.*?%\}\}|\{%.*?%\}|\{\{.*?\}\}")
_READABLE = re.compile(r"\b(caption|title|alt|attr|description|summary|label)\s*=")


def read(path: Path, text: str | None = None) -> tuple[Document, str]:
    if text is not None:
        path.write_text(text, encoding="utf-8")
    doc = segment.segment_document(sources.read(path, path.parent))
    return doc, path.read_text(encoding="utf-8")


def identity(doc: Document) -> dict[str, str]:
    return {seg.text: seg.text for seg in doc.segments()}


def pseudo(doc: Document) -> dict[str, str]:
    return {seg.text: pseudolocalize(seg.text) for seg in doc.segments()}


def blocks(body: str) -> list[tuple[str, str, int]]:
    """markdown-it's block tokens: what must not change when words do."""
    return [(t.type, t.tag, t.nesting) for t in markdown.renderer().parse(body, {})]


def target(doc: Document) -> str:
    return "es"  # a locale that puts spaces between sentences, as both sources do


def check_round_trip(doc: Document, source: str) -> None:
    head, body = markdown_out.split(source)
    locale = target(doc)
    same = markdown_out.translate_body(body, doc.lang, locale, identity(doc), "sanitize")
    assert same == body
    assert ssg.front_matter(head, {}) == head
    out = markdown_out.translate_body(body, doc.lang, locale, pseudo(doc), "sanitize")
    assert blocks(out) == blocks(body)
    for tag in _SITE_TAG_RE.findall(body):
        if not _READABLE.search(tag):
            assert tag in out, f"{tag!r} did not come back as written"
    translated = [s for s in doc.segments() if s.kind not in ("title", "description")]
    if translated:
        assert out != body


def _shown(body: str) -> str:
    """The DOM a browser builds from the body's HTML (a stray end tag is no difference)."""
    root, _ = dom.parse_tree(markdown.reference_html(body), fragment=True)
    html = ET.tostring(root, encoding="unicode")
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def check_rewritten(path: Path) -> None:
    """Every run written again from its units, with identity text, renders as the source does.

    This is the Markdown a translation gets, so its syntax is checked on every post.
    """
    doc = segment.segment_document(sources.read(path, path.parent, (), "keep"))
    _, body = markdown_out.split(path.read_text(encoding="utf-8"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markdown_out._Writer, "changed", lambda self, units: True)
        out = markdown_out.translate_body(body, doc.lang, target(doc), identity(doc), "keep")
    assert _shown(out) == _shown(body)


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_comes_back_byte_for_byte_and_keeps_its_structure(path):
    doc, source = read(path)
    check_round_trip(doc, source)
    check_rewritten(path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(post=markdown_posts())
def test_generated_posts_come_back_byte_for_byte_and_keep_their_structure(tmp_path, post):
    doc, source = read(tmp_path / "post.md", post.source)
    check_round_trip(doc, source)
    check_rewritten(tmp_path / "post.md")


def test_translated_words_are_escaped_and_markup_is_the_sources(tmp_path):
    doc_source = (
        "---\ntitle: Care\nlang: en\n---\n\n"
        'Keep the **band** on, see [the guide](https://x.example/g "Guide") and '
        "run `npm install`.\n\n- One item\n"
    )
    doc, source = read(tmp_path / "care.md", doc_source)
    sentence = next(s.text for s in doc.segments() if "band" in s.text)
    tricky = {
        sentence: "<1>밴드</1>를 착용하고 <2>가이드</2>를 보세요 *{{< x >}}* <3/> #1",
        "One item": "# 하나 <b>",
    }
    _, body = markdown_out.split(source)
    out = markdown_out.translate_body(body, "en", "ko", tricky, "sanitize")
    assert '**밴드**를 착용하고 [가이드](https://x.example/g "Guide")를 보세요' in out
    assert "\\*{\\{\\<" in out  # shortcode and emphasis in a msgstr stay text
    assert "`npm install`" in out
    assert "- \\# 하나 \\<b\\>" in out
    assert blocks(out) == blocks(body)
    html = markdown.reference_html(out)
    assert "<b>" not in html and "*{{&lt; x &gt;}}*" in html


def test_runs_are_found_after_their_markers(tmp_path):
    text = "1. 1 day of rest.\n2. 2 days off.\n\n| 1 | 1 |\n|---|---|\n| a | a |\n\n## 3 weeks ##\n"
    doc, source = read(tmp_path / "days.md", text)
    out = markdown_out.translate_body(source, doc.lang, "ko", pseudo(doc), "sanitize")
    assert out.startswith("1. ⟦") and "\n2. ⟦" in out and "\n## ⟦" in out and out.endswith(" ##\n")
    assert out.count("| ⟦") == 4
    assert blocks(out) == blocks(source)


def test_front_matter_keeps_every_other_byte_in_yaml_and_toml():
    yaml_head = '---\ntitle: "Old"  # kept comment\ntags: [a, b]\nlang: ko\n---\n'
    out = ssg.front_matter(yaml_head, {"title": 'New "one"', "lang": "en", "translationKey": "x"})
    assert out == (
        '---\ntranslationKey: "x"\ntitle: "New \\"one\\""  # kept comment\n'
        'tags: [a, b]\nlang: "en"\n---\n'
    )
    assert yaml.safe_load(out.strip("-\n"))["title"] == 'New "one"'
    toml_head = '+++\ntitle = "Old"\ndate = 2024-01-02\n[params]\ntitle = "inner"\n+++\n'
    out = ssg.front_matter(toml_head, {"title": "새 제목", "lang": "ko"})
    assert out == (
        '+++\nlang = "ko"\ntitle = "새 제목"\ndate = 2024-01-02\n[params]\ntitle = "inner"\n+++\n'
    )
    block = "---\ndescription: >\n  folded\n  text\nslug: a\n---\n"
    assert ssg.front_matter(block, {"description": "접힌"}) == (
        '---\ndescription: "접힌"\nslug: a\n---\n'
    )


def test_layouts_and_language_keys(tmp_path):
    doc, source = read(tmp_path / "care.md", "---\ntitle: Care\nlang: en\n---\n\nHello there.\n")
    edition = Edition(doc, "zh_Hans", {"Hello there.": "你好。", "Care": "护理"})
    assert ssg.output_path("hugo", "zh_Hans", "care") == "content/zh-Hans/care.md"
    assert ssg.output_path("jekyll", "ko", "care") == "ko/care.md"
    hugo = ssg.page("hugo", edition, source, (), "sanitize")
    assert hugo == '---\ntranslationKey: "care"\ntitle: "护理"\nlang: "zh-Hans"\n---\n\n你好。\n'
    jekyll = ssg.page("jekyll", edition, source, (), "sanitize")
    assert 'permalink: "/zh-Hans/care/"' in jekyll and 'lang: "zh-Hans"' in jekyll
    plain = ssg.page("markdown", Edition(doc, "en", {}), source, (), "sanitize")
    assert plain == source


# --- end to end, with the generators themselves ------------------------------------------

SHORTCODE_POST = """---
title: "Booking moves online"
lang: en
---

We now take bookings **online only**.

{{< figure src="/images/mockup.png" caption="The new booking page." >}}

{{% notice %}}
Phone bookings end in June.
{{% /notice %}}
"""


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(REPO / "source", project / "source")
    shutil.copy(REPO / "postlingo.toml", project / "postlingo.toml")
    (project / "source" / "booking.md").write_text(SHORTCODE_POST, encoding="utf-8")
    return project


def test_hugo_builds_the_translated_site(tmp_path):
    hugo = shutil.which("hugo")
    if hugo is None:
        pytest.skip("hugo is not installed (scripts/install-test-tools installs Debian's hugo)")
    project = _project(tmp_path)
    site = tmp_path / "hugo"
    postlingo(project, "translate", "--engine", "pseudo")
    result = postlingo(project, "build", "--pseudo", "--format", "hugo", "--out", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    languages = sorted(p.name for p in (site / "content").iterdir())
    config = [
        'baseURL = "https://clinic.example/"',
        'defaultContentLanguage = "en"',
        "defaultContentLanguageInSubdir = true",
        "[markup.goldmark.renderer]",
        "unsafe = true",  # {{% %}} shortcodes return HTML, which Hugo drops otherwise
    ]
    for weight, lang in enumerate(languages, start=1):
        config += [
            f'[languages."{lang.lower()}"]',
            f'contentDir = "content/{lang}"',
            f"weight = {weight}",
        ]
    (site / "hugo.toml").write_text("\n".join(config) + "\n", encoding="utf-8")
    layouts = site / "layouts"
    (layouts / "_default").mkdir(parents=True)
    (layouts / "shortcodes").mkdir()
    page = "<html><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n"
    (layouts / "_default" / "single.html").write_text(page, encoding="utf-8")
    (layouts / "_default" / "list.html").write_text(page, encoding="utf-8")
    (layouts / "shortcodes" / "notice.html").write_text(
        '<aside class="notice">{{ .Inner }}</aside>\n', encoding="utf-8"
    )
    run = subprocess.run(
        [hugo, "--source", str(site), "--destination", str(tmp_path / "public")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ERROR" not in run.stdout + run.stderr
    built = (tmp_path / "public" / "ja" / "booking" / "index.html").read_text(encoding="utf-8")
    for text in (
        "Booking moves online",
        "We now take bookings",
        "The new booking page.",
        "Phone bookings end in June.",
    ):
        assert plain_text(pseudolocalize(text)).split(" ")[0] in built
    assert "<figure" in built and '<aside class="notice">' in built
    source_page = (tmp_path / "public" / "en" / "booking" / "index.html").read_text("utf-8")
    assert "<strong>online only</strong>" in source_page


def test_jekyll_builds_the_translated_site(tmp_path):
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        pytest.skip("jekyll is not installed (Debian's jekyll package)")
    project = _project(tmp_path)
    (project / "source" / "booking.md").write_text(
        SHORTCODE_POST.split("{{<")[0] + "{% comment %}kept{% endcomment %}\n", encoding="utf-8"
    )
    site = tmp_path / "jekyll"
    postlingo(project, "translate", "--engine", "pseudo")
    result = postlingo(project, "build", "--pseudo", "--format", "jekyll", "--out", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    (site / "_layouts").mkdir()
    (site / "_layouts" / "default.html").write_text(
        '<html lang="{{ page.lang }}"><body><h1>{{ page.title }}</h1>{{ content }}</body></html>\n',
        encoding="utf-8",
    )
    (site / "_config.yml").write_text(
        "defaults:\n  - scope: {path: ''}\n    values: {layout: default}\n"
    )
    run = subprocess.run(
        [jekyll, "build", "--source", str(site), "--destination", str(tmp_path / "public")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    built = (tmp_path / "public" / "ja" / "booking" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in built
    assert plain_text(pseudolocalize("Booking moves online")).split(" ")[0] in built
    assert "kept" not in built  # the Liquid comment came back as Liquid


def test_raw_html_blocks_are_translated_and_stay_one_block(tmp_path):
    doc, source = read(FIXTURES / "faithful" / "raw-html-review.md")
    _, body = markdown_out.split(source)
    out = markdown_out.translate_body(body, doc.lang, "en", pseudo(doc), "sanitize")
    caption = next(s.text for s in doc.segments() if s.text.startswith("시술 전후를"))
    assert f"<figcaption>{pseudolocalize(caption)}" in out
    assert '<figure class="photo"><img src="images/skin-before-after.jpg"' in out
    assert blocks(out) == blocks(body)


def test_site_format_key_chooses_the_output_and_a_wrong_one_names_its_line(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(REPO / "source", project / "source")
    config = (REPO / "postlingo.toml").read_text(encoding="utf-8")
    (project / "postlingo.toml").write_text(config + '\n[site]\nformat = "hugo"\n', "utf-8")
    result = postlingo(project, "build", "--pseudo")
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "content" / "en" / "mini-thread-lifting.md").is_file()
    assert not (project / "site" / "index.html").exists()
    lines = len((config + "\n[site]\n").splitlines()) + 1
    (project / "postlingo.toml").write_text(config + '\n[site]\nformat = "gatsby"\n', "utf-8")
    bad = postlingo(project, "build")
    assert bad.returncode == 2
    assert f"postlingo.toml:{lines}: site.format must be one of" in bad.stderr


HOSTILE = "{{ site.secret }} {% include evil.html %} %}{{< x >}}{{% y %}} "


@pytest.mark.parametrize("name", ["hugo-shortcodes.md", "jekyll-liquid.md", "raw-html-review.md"])
def test_a_msgstr_can_never_open_a_shortcode_or_liquid_tag(name):
    doc, source = read(FIXTURES / "faithful" / name)
    _, body = markdown_out.split(source)
    hostile = {seg.text: HOSTILE + seg.text for seg in doc.segments()}
    out = markdown_out.translate_body(body, doc.lang, "en", hostile, "sanitize")
    openers = re.compile(r"\{[{%]")
    assert len(openers.findall(out)) == len(openers.findall(body))
    assert out != body and blocks(out) == blocks(body)


def test_a_hard_break_after_a_bare_url_stays_outside_the_link(tmp_path):
    text = "---\nlang: ko\n---\n\n붓기는 보통 2주 안에 가라앉습니다 www.gangnam-clinic.kr.  \n붓기는 보통 2주.\n"
    (tmp_path / "url.md").write_text(text, encoding="utf-8")
    check_rewritten(tmp_path / "url.md")
