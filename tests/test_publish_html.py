"""The built sample site in real tools: the Nu Html Checker and headless Chromium.

These are the checks a reader's browser and a search engine make, so they run on
the real programs rather than on our own idea of valid HTML. Each tool is found
where scripts/install-test-tools puts it; where one is missing the test is
skipped with the reason (shown by pytest -ra), never passed silently.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SHOTS = Path(os.environ.get("POSTLINGO_SCREENSHOTS", "/tmp/postlingo-screenshots"))
INSTALL = "install them with scripts/install-test-tools"
RTL_LANGUAGES = {"ar", "fa", "he", "ur"}
# This machine's closed network makes Chromium hang or log errors without these.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"

# Added to the sample so that the alt-text check always has an image to look at;
# a data: URL keeps the page free of requests that would fail offline.
GALLERY = """<!DOCTYPE html>
<html lang="en">
<head>
<title>Before and after</title>
<meta name="description" content="What patients see in the mirror a month later.">
</head>
<body>
<main>
<p>Most swelling settles within two weeks.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAMLCwgAAACH5BAAAAAAALAAAAAABAAEAAAICRAEAOw=="
 alt="A patient smiling at her reflection one month after the procedure" width="120" height="80">
<p>The result keeps improving for three months.</p>
</main>
</body>
</html>
"""

# A reviewer's Arabic for it, so one page shows real right-to-left text and glyphs.
ARABIC = {
    "Before and after": "قبل وبعد",
    "What patients see in the mirror a month later.": "ما يراه المرضى في المرآة بعد شهر.",
    "Most swelling settles within two weeks.": "يهدأ معظم التورم خلال أسبوعين.",
    "A patient smiling at her reflection one month after the procedure": (
        "مريضة تبتسم لانعكاسها في المرآة بعد شهر من الإجراء"
    ),
    "The result keeps improving for three months.": "تستمر النتيجة في التحسن لمدة ثلاثة أشهر.",
}


def review_arabic(project: Path) -> None:
    path = project / "locales" / "ar" / "before-and-after.po"
    po = polib.pofile(str(path))
    for entry in po:
        if not entry.obsolete:
            entry.msgstr = ARABIC[entry.msgid]
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.tcomment = ""
    po.save(str(path))


# --- building the sample ----------------------------------------------------------


def postlingo(project: Path, *args: str, ok: tuple[int, ...] = (0,)) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "-C", str(project), *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=project,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode in ok and "Traceback" not in output, (
        f"postlingo {' '.join(args)} exited {proc.returncode}:\n{output}"
    )
    return output


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample content built with every locale published (pseudo text where needed)."""
    project = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "source", project / "source")
    shutil.copy(ROOT / "postlingo.toml", project / "postlingo.toml")
    assert any((project / "source").iterdir()), "the sample content in source/ is missing"
    (project / "source" / "before-and-after.html").write_text(GALLERY, encoding="utf-8")
    postlingo(project, "run", "--engine", "pseudo")
    review_arabic(project)
    postlingo(project, "build", "--pseudo")
    if " review " in postlingo(project, "--help"):
        postlingo(project, "review")  # site/_review/<locale>.html, checked like every page
    return project / "site"


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def locale_of(site: Path, page: Path) -> str | None:
    """The locale folder a page is in; None for the root and review pages."""
    parts = page.relative_to(site).parts
    return parts[0] if len(parts) == 2 and not parts[0].startswith("_") else None


# --- the sitemap: plain XML, no tool needed -------------------------------------


def test_sitemap_lists_every_post_with_its_language_versions(site: Path) -> None:
    tree = ET.parse(site / "sitemap.xml")
    listed: dict[str, list[tuple[str, str]]] = {}
    for url in tree.getroot().iter(f"{SITEMAP}url"):
        loc = url.findtext(f"{SITEMAP}loc", "").strip()
        listed[loc] = [(a.get("hreflang", ""), a.get("href", "")) for a in url.iter(f"{XHTML}link")]
    posts = [p for p in pages(site) if locale_of(site, p) and p.name != "index.html"]
    assert posts
    for post in posts:
        rel = post.relative_to(site).as_posix()
        assert rel in listed, f"{rel} is not in sitemap.xml"
        versions = {p.relative_to(site).as_posix() for p in site.glob(f"*/{post.name}")}
        hrefs = {href for _, href in listed[rel]}
        assert versions <= hrefs, f"{rel}: alternates {hrefs} miss {versions - hrefs}"
        for hreflang, href in listed[rel]:
            assert hreflang, f"{rel}: an alternate without hreflang"
            assert (site / unquote(href)).is_file(), f"{rel}: alternate {href} does not exist"


# --- the Nu Html Checker ----------------------------------------------------------


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip(f"Nu Html Checker: no java on PATH ({INSTALL})")
    jar = Path(os.environ.get("VNU_JAR", VNU_JAR))
    if not jar.is_file():
        pytest.skip(f"Nu Html Checker: no {jar} ({INSTALL})")
    return [java, "-jar", str(jar)]


def test_nu_html_checker_reports_no_errors(site: Path) -> None:
    command = vnu_command()
    checked = [str(p) for p in pages(site)]
    css = [str(p) for p in sorted(site.rglob("*.css"))]
    # One Java process for every page: JVM start-up dominates the run time.
    proc = subprocess.run(
        [*command, "--format", "json", "--also-check-css", *checked, *css],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(proc.stderr or proc.stdout)
    errors = [
        f"{unquote(m.get('url', '')).removeprefix('file:')}:{m.get('lastLine', '?')}: "
        f"{m.get('message')} [{m.get('extract', '').strip()[:80]}]"
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error") or m.get("subType") == "fatal"
    ]
    assert not errors, f"{len(errors)} errors in {len(checked)} pages:\n" + "\n".join(errors)


# --- headless Chromium ------------------------------------------------------------


@dataclass
class Rendered:
    """What Chromium made of one page."""

    url: str
    lang: str
    dir: str
    direction: str  # computed CSS direction of <body>
    console: list[str] = field(default_factory=list)
    alternates: list[dict[str, str]] = field(default_factory=list)  # <link hreflang>
    switcher: list[dict[str, Any]] = field(default_factory=list)  # <nav> links with hreflang
    images: list[dict[str, str]] = field(default_factory=list)  # alt and effective lang
    fonts: dict[str, list[str]] = field(default_factory=dict)  # lang → fonts that drew it
    pseudo: bool = False


def chromium_path() -> str:
    found = os.environ.get("POSTLINGO_CHROMIUM") or next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
    )
    if found is None:
        pytest.skip(f"Chromium: no chromium on PATH ({INSTALL})")
    return found


@contextmanager
def chromium(viewport: dict[str, int]) -> Iterator[Any]:
    """Debian's Chromium, headless, under Playwright (a browser context); else a skip."""
    executable = chromium_path()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("Chromium: the playwright package is not installed (pip install -e '.[dev]')")
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        try:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=executable,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport=viewport,
            )
        except Error as exc:
            pytest.skip(f"Chromium: {executable} did not start: {exc.message.splitlines()[0]}")
        yield context


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The site over HTTP on 127.0.0.1, as a reader's browser gets it."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


FACTS_JS = """() => {
  const langOf = (el) => (el.closest('[lang]') || document.documentElement).getAttribute('lang');
  return {
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    direction: getComputedStyle(document.body).direction,
    alternates: [...document.querySelectorAll('link[rel~="alternate"][hreflang]')]
      .map((l) => ({hreflang: l.hreflang, href: l.href})),
    switcher: [...document.querySelectorAll('nav a[hreflang]')]
      .map((a) => ({hreflang: a.hreflang, href: a.href, current: a.getAttribute('aria-current'),
                    lang: langOf(a), text: a.textContent.trim()})),
    images: [...document.querySelectorAll('img')]
      .map((img) => ({alt: img.getAttribute('alt'), lang: langOf(img)})),
    pseudo: document.body.textContent.includes('\u27e6'),
  };
}"""


def _fonts(cdp: Any, selectors: dict[str, str]) -> dict[str, list[str]]:
    """The platform fonts Chromium drew each element's text with (not merely asked for)."""
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    found: dict[str, list[str]] = {}
    for key, selector in selectors.items():
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        if node:
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            found[key] = [f["familyName"] for f in fonts if f.get("glyphCount", 0) > 0]
    return found


@pytest.fixture(scope="module")
def rendered(
    site: Path, server: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Rendered]:
    """Every page loaded in one Chromium; a screenshot of one post per locale."""
    shots = tmp_path_factory.mktemp("screenshots")
    results: dict[str, Rendered] = {}
    with chromium({"width": 1000, "height": 800}) as browser:
        page = browser.new_page()
        cdp = browser.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        console: list[str] = []
        page.on(
            "console",
            lambda m: (
                console.append(f"{m.text} ({m.location.get('url')})") if m.type == "error" else None
            ),
        )
        page.on("pageerror", lambda exc: console.append(str(exc)))
        page.on("requestfailed", lambda r: console.append(f"{r.url}: {r.failure}"))
        for path in pages(site):
            rel = path.relative_to(site).as_posix()
            console.clear()
            page.goto(urljoin(server, rel), wait_until="load")
            page.evaluate("document.fonts.ready")
            facts = page.evaluate(FACTS_JS)
            selectors = {"h1": "h1"}
            for link in facts["switcher"]:
                selectors[link["hreflang"]] = f'nav a[hreflang="{link["hreflang"]}"]'
            fonts = _fonts(cdp, selectors)
            results[rel] = Rendered(url=page.url, console=list(console), fonts=fonts, **facts)
        for locale, path in screenshot_pages(site, results).items():
            page.goto(urljoin(server, path.relative_to(site).as_posix()), wait_until="load")
            page.evaluate("document.fonts.ready")
            shot = shots / f"{locale}.png"
            page.screenshot(path=str(shot), full_page=True)
            if locale.split("-")[0] in ("ko", "ar"):
                SHOTS.mkdir(parents=True, exist_ok=True)
                shutil.copy(shot, SHOTS / shot.name)
        browser.close()
    print(f"screenshots: {shots} (ko and ar copied to {SHOTS})")
    return results


def screenshot_pages(site: Path, results: dict[str, Rendered]) -> dict[str, Path]:
    """One post per locale: real text where there is some (a source post), else the longest."""
    chosen: dict[str, Path] = {}

    def rank(path: Path) -> tuple[bool, int]:
        return (not results[_rel(site, path)].pseudo, path.stat().st_size)

    for path in pages(site):
        locale = locale_of(site, path)
        if locale is None or path.name == "index.html":
            continue
        if locale not in chosen or rank(path) > rank(chosen[locale]):
            chosen[locale] = path
    return chosen


def _rel(site: Path, path: Path) -> str:
    return path.relative_to(site).as_posix()


def _target(server: str, href: str) -> str | None:
    """The site-relative path a link points to on our server, None if elsewhere."""
    if not href.startswith(server):
        return None
    return unquote(urlsplit(href).path).lstrip("/")


def test_chromium_logs_no_console_errors(rendered: dict[str, Rendered]) -> None:
    problems = [f"{rel}: {msg}" for rel, r in rendered.items() for msg in r.console]
    assert not problems, "\n".join(problems)


def test_chromium_sees_each_pages_language_and_direction(
    site: Path, rendered: dict[str, Rendered]
) -> None:
    for rel, r in rendered.items():
        assert r.lang, f"{rel}: <html> has no lang"
        assert r.dir in ("ltr", "rtl"), f"{rel}: <html dir={r.dir!r}>"
        assert r.direction == r.dir, f"{rel}: dir={r.dir} but the text runs {r.direction}"
        locale = locale_of(site, site / rel)
        if locale is not None:
            assert r.lang == locale.replace("_", "-"), f"{rel}: lang={r.lang!r}"
            expected = "rtl" if locale.split("-")[0] in RTL_LANGUAGES else "ltr"
            assert r.dir == expected, f"{rel}: dir={r.dir!r}, expected {expected}"


def test_every_hreflang_and_switcher_link_opens_a_page_in_that_language(
    site: Path, server: str, rendered: dict[str, Rendered]
) -> None:
    for rel, r in rendered.items():
        for link in [*r.alternates, *r.switcher]:
            target = _target(server, link["href"])
            assert target is not None, f"{rel}: {link['href']} is not on this site"
            assert (site / target).is_file(), f"{rel}: {link['href']} does not exist"
            if link["hreflang"] != "x-default":
                got = rendered[target].lang
                assert got == link["hreflang"], f"{rel}: hreflang={link['hreflang']} → {got}"


def test_switcher_names_each_language_in_itself_and_marks_the_current_one(
    rendered: dict[str, Rendered],
) -> None:
    switchers = {rel: r for rel, r in rendered.items() if r.switcher}
    assert switchers, "no page has a language switcher"
    for rel, r in switchers.items():
        current = [link for link in r.switcher if link["current"] == "page"]
        assert [link["hreflang"] for link in current] == [r.lang], f"{rel}: aria-current"
        for link in r.switcher:
            assert link["lang"] == link["hreflang"], f"{rel}: {link['text']} lacks its lang"
    names = {link["hreflang"]: link["text"] for r in switchers.values() for link in r.switcher}
    assert names.get("ko") in (None, "한국어") and names.get("ar") in (None, "العربية"), names


def test_every_image_has_alt_text_in_the_pages_language(
    site: Path, server: str, rendered: dict[str, Rendered]
) -> None:
    with_images = {rel: r for rel, r in rendered.items() if r.images}
    assert with_images, "no page has an image"
    for rel, r in with_images.items():
        source = next((a for a in r.alternates if a["hreflang"] == "x-default"), None)
        original = rendered[_target(server, source["href"]) or ""] if source else r
        for i, image in enumerate(r.images):
            assert image["alt"], f"{rel}: image {i + 1} has no alt text"
            assert image["lang"] == r.lang, f"{rel}: image {i + 1} alt is in {image['lang']}"
            if original is not r and i < len(original.images):
                assert image["alt"] != original.images[i]["alt"], (
                    f"{rel}: image {i + 1} alt is the source's: {image['alt']!r}"
                )


def installed_fonts(lang: str) -> list[str]:
    """Font files fontconfig (which Chromium uses on Linux) has for a language."""
    if shutil.which("fc-list") is None:
        return []
    listed = subprocess.run(["fc-list", f":lang={lang}", "file"], capture_output=True, text=True)
    return listed.stdout.split()


def test_every_script_is_drawn_with_a_font_that_has_its_glyphs(
    rendered: dict[str, Rendered],
) -> None:
    """Noto CJK for Hangul and Han, Noto Arabic for Arabic: no tofu, no missing glyphs."""
    expected = {"ko": "CJK", "ja": "CJK", "zh": "CJK", "ar": "Arabic"}
    missing = [lang for lang in ("ko", "ja", "zh-cn", "ar") if not installed_fonts(lang)]
    if missing:
        pytest.skip(f"fonts: none installed for {', '.join(missing)} (Noto fonts: {INSTALL})")
    seen = False
    for rel, r in rendered.items():
        for key, fonts in r.fonts.items():
            lang = r.lang if key == "h1" and not r.pseudo else key  # pseudo text is Latin
            want = expected.get(lang.split("-")[0])
            if want is None or not fonts:
                continue
            seen = True
            assert any(want in font for font in fonts), f"{rel}: {lang} drawn with {fonts}"
    if not seen:
        pytest.skip("no CJK or Arabic text found to check fonts on")
