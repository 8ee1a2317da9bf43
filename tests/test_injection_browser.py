"""Script injection, end to end in Chromium: no vector from a post, its front matter or a .po runs.

A project is built from posts (Markdown, HTML, text) and reviewed catalogs that
carry the usual injection vectors, each calling ``alert(N)`` with its own number.
Every built page (posts in every locale, indexes, review pages) is opened in
headless Chromium with ``alert``, ``confirm``, ``prompt`` and ``print`` replaced
by a recorder, every element is sent the events inline handlers listen for, and
the DOM is searched for what must not be there: ``on*`` attributes, script URLs,
scripts, frames, forms and refreshes.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import html5lib
import polib
import pytest

from tests.test_publish_html import CHROMIUM_ARGS, chromium_path

REPO = Path(__file__).resolve().parent.parent

# Raw HTML and Markdown constructs, as a post from another hand may carry them.
MARKUP_VECTORS = [
    '<img src=x onerror="alert(1)">',
    "<script>alert(2)</script>",
    '<a href="javascript:alert(3)">three</a>',
    '<span onmouseover="alert(4)">four</span>',
    '<a href=" JaVaScRiPt:alert(5)">five</a>',
    '<a href="&#106;avascript:alert(6)">six</a>',
    '<a href="java&#x09;script:alert(7)">seven</a>',
    '<svg onload="alert(8)"><circle r="1"/></svg>',
    "<svg><script>alert(9)</script></svg>",
    '<iframe src="javascript:alert(10)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(11)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(12)"></object>',
    '<embed src="javascript:alert(13)">',
    '<form action="javascript:alert(14)"><button>go</button></form>',
    '<details open ontoggle="alert(15)"><summary>s</summary>d</details>',
    '<input autofocus onfocus="alert(16)">',
    '<video><source onerror="alert(17)"></video>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(18)">',
    '<base href="javascript:alert(19)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(20)>"></p></noscript>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(21)></style></mglyph></table></mtext></math>",
    '<div style="background:url(javascript:alert(22))">twenty-two</div>',
    '<body onload="alert(23)">',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgyNCk8L3NjcmlwdD4=">24</a>',
    '<a href="vbscript:alert(25)">25</a>',
    '<div translate="no"><script>alert(26)</script></div>',
    '<table><tr><td onclick="alert(27)">cell</td></tr></table>',
    '<img src="x` `<script>alert(28)</script>"` `>',
    '<a href="#" onclick="alert(29)">29</a>',
    '<style>@import "javascript:alert(30)";</style>',
    '<template><img src=x onerror="alert(31)"></template>',
    '<textarea></textarea><img src=x onerror="alert(32)">',
    '<img src="data:image/svg+xml,&lt;svg onload=alert(33)&gt;">',
    '<x onclick="alert(34)">34</x>',
    '<a href="javascript&colon;alert(35)">35</a>',
]
# Markdown's own link syntax and the site tags postlingo reads in Markdown.
MARKDOWN_VECTORS = [
    "[forty](javascript:alert(40))",
    "[forty-one](JAVASCRIPT:alert(41))",
    "![forty-two](javascript:alert(42))",
    "<javascript:alert(43)>",
    "[forty-four][ref44]\n\n[ref44]: javascript:alert(44)",
    "[forty-five](vbscript:alert(45))",
    "[forty-six](data:text/html,<script>alert(46)</script>)",
    '{{< figure src="javascript:alert(47)" caption="<img src=x onerror=alert(47)>" >}}',
    "## Heading {#x onclick=alert(48)}",
    "Text[^n49]\n\n[^n49]: <img src=x onerror=alert(49)>",
    "| a | b |\n|---|---|\n| <b onmouseover=alert(50)>x</b> | [y](javascript:alert(50)) |",
    "> quoted <img src=x onerror=alert(51)>\n>\n> - item <a href=javascript:alert(51)>z</a>",
]
FRONT_MATTER = {
    "title": "<script>alert(60)</script> Title",
    "description": '"><img src=x onerror=alert(61)>',
    "date": "2024-01-01",
}
# What a hostile reviewer (or a hostile .po) puts in a translation.
PO_VECTORS = [
    "<script>alert(70)</script>",
    '<img src=x onerror="alert(71)">',
    '</p><svg onload="alert(72)">',
    '"><a href="javascript:alert(73)">x</a>',
    '<1 onclick="alert(74)">x</1>',
    "]]><script>alert(75)</script>",
    "{{ alert(76) }} <iframe src=javascript:alert(76)>",
]
TEXT_VECTORS = [
    "Clinic notes <script>alert(80)</script>",
    "",
    "A line with <img src=x onerror=alert(81)> inside it.",
    "",
    "Visit javascript:alert(82) today.",
]
HEAD_VECTORS = 2  # the HTML post's <title> and <meta name=description>
CONFIG_VECTORS = 1  # the project name
VECTOR_COUNT = (
    len(MARKUP_VECTORS)
    + len(MARKDOWN_VECTORS)
    + len(FRONT_MATTER) - 1  # the date is not a vector
    + HEAD_VECTORS
    + len(PO_VECTORS)
    + sum(1 for line in TEXT_VECTORS if line)
    + CONFIG_VECTORS
)  # fmt: skip
SCRIPT_URL = re.compile(r"(javascript|vbscript|data:text/html)", re.I)
# Numbers a page may legitimately show as text are not hits: only a recorded call is.
RECORDER = """
window.__hits = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (...args) => { window.__hits.push(name + '(' + args.join(',') + ')'); };
}
"""
PROVOKE_JS = """async () => {
  for (const el of document.querySelectorAll('*')) {
    for (const type of ['mouseover', 'mouseenter', 'focus', 'click', 'toggle', 'load', 'error']) {
      try { el.dispatchEvent(new Event(type)); } catch (e) {}
    }
  }
  await new Promise((r) => setTimeout(r, 200));
  const bad = [];
  const scriptUrl = /^\\s*(javascript|vbscript|data:text\\/html)/i;
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) bad.push(el.tagName + ' ' + attr.name);
      if (scriptUrl.test(attr.value.replace(/[\\u0000-\\u0020]/g, '')))
        bad.push(el.tagName + ' ' + attr.name + '=' + attr.value);
    }
  }
  for (const sel of ['script', 'iframe', 'object', 'embed', 'form', 'base',
                     'meta[http-equiv]', 'frame', 'svg script']) {
    for (const el of document.querySelectorAll(sel)) bad.push('<' + sel + '>');
  }
  return {hits: window.__hits, bad: bad, url: location.href};
}"""


def postlingo(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "ARGOS_PACKAGES_DIR": "/nonexistent"}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def markdown_post() -> str:
    """Each markup vector twice: as a block of its own and inside a sentence."""
    front = "".join(f"{key}: '{value}'\n" for key, value in FRONT_MATTER.items())
    inline = [f"Sentence {i} has {v} inside it." for i, v in enumerate(MARKUP_VECTORS)]
    blocks = ["Patients choose the thread lift.", *MARKUP_VECTORS, *inline, *MARKDOWN_VECTORS]
    blocks.append("[Second post](inject-html.html)")
    return f"---\n{front}lang: en\n---\n\n" + "\n\n".join(blocks) + "\n"


def html_post() -> str:
    body = "\n".join(f"<p>Paragraph {i}: {v}</p>" for i, v in enumerate(MARKUP_VECTORS))
    return (
        '<!DOCTYPE html><html lang="en"><head><title>HTML <script>alert(62)</script> post</title>'
        '<meta name="description" content="&quot;&gt;&lt;svg onload=alert(63)&gt;">'
        f"</head><body><h1>Raw post</h1>{body}{''.join(MARKUP_VECTORS)}</body></html>"
    )


def review_with_vectors(project: Path) -> int:
    """Every catalog entry gets a hostile 'reviewed' translation; returns how many were set."""
    count = 0
    for path in sorted((project / "locales").glob("*/*.po")):
        po = polib.pofile(str(path))
        for i, entry in enumerate(po):
            vector = PO_VECTORS[i % len(PO_VECTORS)]
            entry.msgstr = f"{entry.msgid} {vector}"
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            count += 1
        po.save(str(path))
    return count


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inject")
    source = root / "source"
    source.mkdir()
    (source / "inject-md.md").write_text(markdown_post(), encoding="utf-8")
    (source / "inject-html.html").write_text(html_post(), encoding="utf-8")
    (source / "inject-txt.txt").write_text("\n".join(TEXT_VECTORS) + "\n", encoding="utf-8")
    (root / "postlingo.toml").write_text(
        'project = "<script>alert(90)</script>"\ntargets = ["ko", "ja"]\nengine = "pseudo"\n'
        "[locale.ko]\npublish_machine_translation = true\nmin_translated = 0\n"
        "[locale.ja]\npublish_machine_translation = true\nmin_translated = 0\n",
        encoding="utf-8",
    )
    done = postlingo(root, "translate")
    assert done.returncode == 0, done.stderr
    assert review_with_vectors(root) > 0
    for command in (("build",), ("review",)):
        done = postlingo(root, *command)
        assert done.returncode in (0, 1), done.stderr
    return root / "site"


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_the_corpus_has_at_least_thirty_vectors_in_every_kind_of_input() -> None:
    assert VECTOR_COUNT >= 30
    assert len(MARKUP_VECTORS) >= 30


def test_the_vectors_reached_the_pages(site: Path) -> None:
    """A page that silently lost the post would pass the browser test for nothing."""
    built = {p.relative_to(site).as_posix() for p in pages(site)}
    for slug in ("inject-md", "inject-html", "inject-txt"):
        assert any(p.endswith(f"{slug}.html") and p.startswith("ko/") for p in built), built
    ko = (site / "ko" / "inject-md.html").read_text(encoding="utf-8")
    assert "Sentence 0 has" in ko and "Sentence 34 has" in ko
    shown = "".join(p.read_text(encoding="utf-8") for p in pages(site))
    for vector in ("alert(70)", "alert(71)", "alert(60)", "alert(80)"):
        assert vector in shown, vector  # as text a reader can see, not as markup
    assert any(p.parts[-2] == "_review" for p in pages(site)), built


def browse(paths: list[Path]) -> list[dict[str, Any]]:
    """Open each page with the recorder in place, provoke every handler, report what ran."""
    executable = chromium_path()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("Chromium: the playwright package is not installed (pip install -e '.[dev]')")
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        try:
            browser = pw.chromium.launch_persistent_context(
                profile, executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Error as exc:
            pytest.skip(f"Chromium: {executable} did not start: {exc.message.splitlines()[0]}")
        browser.add_init_script(RECORDER)
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        for path in paths:
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_timeout(50)
            results.append(page.evaluate(PROVOKE_JS))
        browser.close()
    assert dialogs == []
    return results


def test_no_vector_runs_or_survives_in_the_dom(site: Path) -> None:
    results = browse(pages(site))
    assert len(results) == len(pages(site)) >= 9
    ran = [(r["url"], r["hits"]) for r in results if r["hits"]]
    left = [(r["url"], r["bad"]) for r in results if r["bad"]]
    assert ran == [], ran
    assert left == [], left


def test_no_handler_or_script_url_in_the_built_files(site: Path) -> None:
    """The same on the bytes, parsed as html5lib parses them: what feeds and crawlers get."""
    for path in pages(site):
        found = dangerous(path.read_text(encoding="utf-8"))
        assert found == [], (path, found)


def dangerous(markup: str) -> list[str]:
    """Handlers, script URLs and script-bearing elements in a parsed page."""
    bad: list[str] = []
    for element in html5lib.parse(markup, namespaceHTMLElements=False).iter():
        tag = str(element.tag)
        if tag in {"script", "iframe", "object", "embed", "form", "base", "frame"}:
            bad.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in element.attrib:
            bad.append("<meta http-equiv>")
        for name, value in element.attrib.items():
            if str(name).lower().startswith("on"):
                bad.append(f"{tag} {name}")
            if SCRIPT_URL.match(re.sub(r"[\x00-\x20]", "", value)):
                bad.append(f"{tag} {name}={value}")
    return bad


def test_the_detectors_see_a_vector_that_is_left_in(tmp_path: Path) -> None:
    """A control: the checks above would fail on a page that kept a vector."""
    page = '<!DOCTYPE html><html><body><img src=x onerror="alert(1)"><a href="javascript:x">a</a>'
    assert dangerous(page) == ["img onerror", "a href=javascript:x"]
    control = tmp_path / "control.html"
    control.write_text(page, encoding="utf-8")
    [result] = browse([control])
    assert "alert(1)" in result["hits"]
    assert len(result["bad"]) == 2
