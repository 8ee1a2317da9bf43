"""The review editor in a real browser: Debian's Chromium driven by Playwright.

Each test starts `postlingo review --serve --port 0` on a fresh translated
project, as a reviewer would, and works the page with the keyboard and mouse:
correcting entries, moving placeholder chips, saving with Ctrl+Enter or the
button. What counts is the .po on disk afterwards. Skipped, with the reason,
where Chromium or Playwright is missing.

The README's screenshot is made here: POSTLINGO_DOCS_SCREENSHOT=1 writes it to
docs/review-editor.png (otherwise it goes to the screenshots folder only).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polib
import pytest

from tests.review_editor_project import (
    DAYS,
    GUIDE,
    SLUG,
    SMAS,
    TITLE,
    WRITE,
    editor_server,
    entry,
    make_project,
    po_file,
    teammate_saves,
)
from tests.test_publish_html import SHOTS, chromium

ROOT = Path(__file__).resolve().parents[1]
DOCS_SHOT = ROOT / "docs" / "review-editor.png"
WAIT_MS = 60_000  # a loaded machine; nothing here is timed


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium({"width": 1100, "height": 900}) as context:
        context.set_default_timeout(WAIT_MS)
        yield context


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


# Chromium logs every 4xx answer to a fetch; a refusal (422) or conflict (409) is expected.
EXPECTED = re.compile(r"Failed to load resource: the server responded with a status of 4(09|22) ")


def watch(page: Any, errors: list[str]) -> Any:
    """Collect the page's console errors and uncaught exceptions (a CSP refusal is one)."""
    page.on(
        "console",
        lambda m: (
            errors.append(m.text) if m.type == "error" and not EXPECTED.match(m.text) else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


def open_editor(browser: Any, url: str, errors: list[str]) -> Any:
    page = watch(browser.new_page(), errors)
    page.goto(url + "ko/")
    page.wait_for_selector("html[data-editor-ready]")
    return page


def article(page: Any, msgid: str) -> Any:
    return page.locator("article.entry").filter(
        has=page.locator(f'[aria-label="Translation of: {msgid}"]')
    )


def text_of(page: Any, msgid: str) -> str:
    """What the editor holds, chips as their tags (the page's own serializer)."""
    return (
        article(page, msgid)
        .locator(".editor")
        .evaluate(
            """(el) => { const walk = (n) => [...n.childNodes].map((c) =>
             c.nodeType === 3 ? c.data : c.dataset && c.dataset.tag !== undefined ? c.dataset.tag
             : c.tagName === 'BR' ? '' : walk(c)).join(''); return walk(el); }"""
        )
    )


def replace_all(page: Any, msgid: str, text: str) -> None:
    """Select everything in the entry's editor and type over it."""
    box = article(page, msgid).locator(".editor")
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def replace_piece(page: Any, msgid: str, index: int, text: str) -> None:
    """Select the index-th run of text between chips (as a mouse would) and type over it."""
    box = article(page, msgid).locator(".editor")
    box.evaluate(
        """(el, i) => { const node = [...el.childNodes].filter((n) => n.nodeType === 3)[i];
             const r = document.createRange(); r.selectNodeContents(node);
             el.focus(); const s = getSelection(); s.removeAllRanges(); s.addRange(r); }""",
        index,
    )
    page.keyboard.type(text)


def status(page: Any, msgid: str, expected: str) -> str:
    """Wait for the entry's status line to say `expected`; return it."""
    line = article(page, msgid).locator(".status")
    line.filter(has_text=expected).wait_for()
    return line.inner_text()


def msgfmt_check(path: Path) -> None:
    if shutil.which("msgfmt") is None:
        return  # test_review_editor's msgfmt test says so with a skip
    done = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_a_reviewer_corrects_three_entries_and_moves_a_placeholder(browser, project):
    errors: list[str] = []
    with editor_server(project) as url:
        page = open_editor(browser, url, errors)
        # 1: retype the title, save with Ctrl+Enter
        replace_all(page, TITLE, "실 리프팅 안내")
        page.keyboard.press("Control+Enter")
        assert "Saved as reviewed" in status(page, TITLE, "Saved")
        # 2: a sentence with a number, saved with the button
        replace_all(page, DAYS, "회복에는 보통 2~3일이 걸립니다.")
        article(page, DAYS).locator("button.save").click()
        status(page, DAYS, "Saved")
        # 3: start from the source, translate around the chips, then move </1> a word back
        article(page, GUIDE).locator("button.use-source").click()
        assert text_of(page, GUIDE) == GUIDE
        replace_piece(page, GUIDE, 0, "방문 전에 ")
        replace_piece(page, GUIDE, 1, "관리 안내를 꼭")
        replace_piece(page, GUIDE, 2, " 읽어 주세요.")
        assert text_of(page, GUIDE) == "방문 전에 <1>관리 안내를 꼭</1> 읽어 주세요."
        article(page, GUIDE).locator('.editor .chip[data-tag="</1>"]').focus()
        page.keyboard.press("Alt+ArrowLeft")
        assert text_of(page, GUIDE) == "방문 전에 <1>관리 안내를</1> 꼭 읽어 주세요."
        # the chip keeps focus after a move, and Alt+Shift moves it by one character
        page.keyboard.press("Alt+Shift+ArrowRight")
        page.keyboard.press("Alt+Shift+ArrowLeft")
        assert text_of(page, GUIDE) == "방문 전에 <1>관리 안내를</1> 꼭 읽어 주세요."
        article(page, GUIDE).locator(".editor").press("Control+Enter")
        status(page, GUIDE, "Saved")
        # the top of the page: the header, then the three saved entries
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        clip = {"x": 0, "y": 0, "width": 1100, "height": 1500}
        page.screenshot(path=str(_shot("review-editor.png")), full_page=True, clip=clip)
        if os.environ.get("POSTLINGO_DOCS_SCREENSHOT"):
            DOCS_SHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(DOCS_SHOT), full_page=True, clip=clip)
        page.close()
    assert not errors
    want = {
        TITLE: "실 리프팅 안내",
        DAYS: "회복에는 보통 2~3일이 걸립니다.",
        GUIDE: "방문 전에 <1>관리 안내를</1> 꼭 읽어 주세요.",
    }
    for msgid, text in want.items():
        saved = entry(project, msgid)
        assert (saved.msgstr, saved.fuzzy) == (text, False)
    assert entry(project, SMAS).fuzzy  # untouched entries stay as they were
    msgfmt_check(po_file(project))


def test_a_chip_dragged_with_the_mouse_moves(browser, project):
    errors: list[str] = []
    with editor_server(project) as url:
        page = open_editor(browser, url, errors)
        article(page, GUIDE).locator("button.use-source").click()
        box = article(page, GUIDE).locator(".editor")
        chip = box.locator('.chip[data-tag="<1>"]')
        # drop it at the very start of the text
        chip.drag_to(box, target_position={"x": 2, "y": 5})
        assert text_of(page, GUIDE) == "<1>Read the aftercare guide</1> before your visit."
        page.close()
    assert not errors


def test_a_save_with_a_lost_tag_is_refused(browser, project):
    errors: list[str] = []
    before = po_file(project).read_bytes()
    with editor_server(project) as url:
        page = open_editor(browser, url, errors)
        article(page, GUIDE).locator("button.use-source").click()
        box = article(page, GUIDE).locator(".editor")
        box.click()
        page.keyboard.press("End")
        for _ in range(len(" before your visit.") + 1):  # the text, then the </1> chip
            page.keyboard.press("Backspace")
        assert text_of(page, GUIDE) == "Read <1>the aftercare guide"
        # the page warns at once; the server decides
        assert "missing tag </1>" in article(page, GUIDE).locator(".client-check").inner_text()
        box.press("Control+Enter")
        said = status(page, GUIDE, "Not saved")
        assert "[tags] missing tag </1>" in said
        assert text_of(page, GUIDE) == "Read <1>the aftercare guide"  # the text stays
        page.close()
    assert po_file(project).read_bytes() == before
    assert not errors


def test_a_save_after_the_file_changed_underneath_is_refused_with_the_text_kept(browser, project):
    errors: list[str] = []
    with editor_server(project) as url:
        page = open_editor(browser, url, errors)
        replace_all(page, TITLE, "실 리프팅 안내")
        teammate_saves(project, TITLE, "팀원이 고친 제목")  # a teammate's save, or git pull
        changed = po_file(project).read_bytes()
        article(page, TITLE).locator("button.save").click()
        said = status(page, TITLE, "Not saved")
        assert "changed on disk" in said and "팀원이 고친 제목" in said
        assert text_of(page, TITLE) == "실 리프팅 안내"
        assert po_file(project).read_bytes() == changed
        # a reload keeps the unsaved text too, still against the version it was typed on
        page.reload()
        page.wait_for_selector("html[data-editor-ready]")
        assert text_of(page, TITLE) == "실 리프팅 안내"
        status(page, TITLE, "unsaved text")
        article(page, TITLE).locator("button.save").click()
        status(page, TITLE, "changed on disk")
        assert po_file(project).read_bytes() == changed
        # having seen what is there now, the reviewer saves again: theirs replaces it
        article(page, TITLE).locator("button.save").click()
        status(page, TITLE, "Saved")
        page.close()
    assert entry(project, TITLE).msgstr == "실 리프팅 안내"
    assert not errors


def test_two_tabs_save_different_entries_and_both_survive(browser, project):
    errors: list[str] = []
    with editor_server(project) as url:
        one = open_editor(browser, url, errors)
        two = open_editor(browser, url, errors)
        replace_all(one, TITLE, "실 리프팅 안내")
        replace_all(two, SMAS, "미니 안면거상은 SMAS 층 자체를 당깁니다.")
        one.keyboard.press("Control+Enter")
        status(one, TITLE, "Saved")
        two.keyboard.press("Control+Enter")  # made from the version before tab one's save
        status(two, SMAS, "Saved")
        replace_all(one, DAYS, "회복에는 보통 2~3일이 걸립니다.")
        one.keyboard.press("Control+Enter")  # and tab one again, after tab two's
        status(one, DAYS, "Saved")
        one.close()
        two.close()
    assert entry(project, TITLE).msgstr == "실 리프팅 안내"
    assert entry(project, SMAS).msgstr == "미니 안면거상은 SMAS 층 자체를 당깁니다."
    assert entry(project, DAYS).msgstr == "회복에는 보통 2~3일이 걸립니다."
    msgfmt_check(po_file(project))
    assert not errors


HOSTILE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>cute cats</title></head><body>
<form id="form" method="post" action="{editor}api/save" enctype="text/plain">
<input name='{{"locale":"ko","slug":"{slug}","msgid":"{msgid}","version":"x","state":"y","text":"pwned","pad":"'
 value='"}}'><button id="submit">go</button></form>
<script>
const body = JSON.stringify({{locale: "ko", slug: "{slug}", msgid: "{msgid}", text: "pwned",
                             version: "x", state: "y"}});
const tries = [
  ["json", {{method: "POST", headers: {{"Content-Type": "application/json",
                                         "X-Postlingo-Token": "guess"}}, body}}],
  ["simple", {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}}, body}}],
  ["read", {{}}],
];
(async () => {{
  const seen = [];
  for (const [name, init] of tries) {{
    const url = name === "read" ? "{editor}ko/" : "{editor}api/save";
    try {{
      const r = await fetch(url, init);
      seen.push(name + ":" + (r.type === "opaque" ? "opaque" : r.status + ":" +
                (await r.text()).includes("postlingo-token")));
    }} catch (e) {{ seen.push(name + ":blocked"); }}
  }}
  document.title = "done " + seen.join(" ");
}})();
</script></body></html>
"""


@contextmanager
def hostile_site(html: str) -> Iterator[str]:
    """Another local web server, as any page the reviewer has open could be."""
    folder = tempfile.mkdtemp()
    Path(folder, "index.html").write_text(html, encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=folder)
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        shutil.rmtree(folder)


def test_a_page_from_another_origin_cannot_post(browser, project):
    before = po_file(project).read_bytes()
    with editor_server(project) as url:
        # the editor's page is open in the same browser, as the reviewer has it
        mine = open_editor(browser, url, [])
        html = HOSTILE_PAGE.format(editor=url, slug=SLUG, msgid=SMAS)
        with hostile_site(html) as evil:
            page = browser.new_page()
            page.goto(evil)
            page.wait_for_function("document.title.startsWith('done')")
            seen = page.title().split()[1:]
            # the preflight is refused; a no-cors post is answered 403, which the page may
            # not even see (Cross-Origin-Resource-Policy); the editor's page, with its
            # token, cannot be read across origins
            assert seen == ["json:blocked", "simple:blocked", "read:blocked"], seen
            with page.expect_navigation() as navigation:
                page.click("#submit")  # a plain form post, which needs no preflight
            response = navigation.value
            assert response is not None and response.status == 403
            page.close()
        mine.close()
    assert po_file(project).read_bytes() == before
    assert entry(project, SMAS).msgstr != "pwned"


def _shot(name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / name


def test_every_entry_kind_in_the_page_is_editable(browser, project):
    """The URL entry: text around and inside two chips, with a changed address refused."""
    errors: list[str] = []
    with editor_server(project) as url:
        page = open_editor(browser, url, errors)
        article(page, WRITE).locator("button.use-source").click()
        replace_piece(page, WRITE, 1, "info@clinic.example")  # the same address
        replace_piece(page, WRITE, 3, "https://clinic.example/faqs")  # a changed one
        article(page, WRITE).locator(".editor").press("Control+Enter")
        assert "[urls]" in status(page, WRITE, "Not saved")
        page.close()
    assert entry(project, WRITE).fuzzy
    assert not errors


def test_hostile_catalog_text_runs_nothing_in_the_editor(browser, project):
    """A .po is untrusted: its msgstr and msgid are shown and edited as text, never markup."""
    from tests.test_injection_browser import PO_VECTORS, PROVOKE_JS, RECORDER

    path = po_file(project)
    po = polib.pofile(str(path))
    live = [e for e in po if not e.obsolete]
    for i, found in enumerate(live):
        found.msgstr = f"{found.msgid} {PO_VECTORS[i % len(PO_VECTORS)]}"
    live[-1].msgid = "<img src=x onerror=alert(99)> hostile msgid"  # a hand-edited .po
    po.save(str(path))
    errors: list[str] = []
    with editor_server(project) as url:
        page = watch(browser.new_page(), errors)
        page.add_init_script(RECORDER)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        page.goto(url + "ko/")
        page.wait_for_selector("html[data-editor-ready]")
        # the text reads back exactly as the catalog has it, and saves as written
        hostile = live[0].msgstr
        assert text_of(page, live[0].msgid) == hostile
        article(page, live[0].msgid).locator(".editor").press("Control+Enter")
        status(page, live[0].msgid, "Saved")
        # then every handler on the page is provoked (which clicks every button, too:
        # the other entries are saved, or refused where their text invents a tag)
        result = page.evaluate(PROVOKE_JS)
        assert result["hits"] == [] and dialogs == []
        assert result["bad"] == ["<script>"]  # the editor's own module, nothing else
        assert page.locator("script").get_attribute("src") == "/static/editor.js"
        # every save answered (not wait_for_function: the page's CSP forbids its eval)
        from playwright.sync_api import expect

        expect(page.locator(".status.saving")).to_have_count(0, timeout=WAIT_MS)
        page.close()
    assert errors == []  # a CSP refusal would be logged here
    assert entry(project, live[0].msgid).msgstr == hostile
