"""The review editor's server (`postlingo review --serve`) without a browser.

Through Flask's test client: a save is written reviewed through the catalog
writer, refused with the check's message when a tag, number or URL is wrong,
refused as a conflict when its entry changed on disk (and accepted when only
another entry did), and refused without the session token or from another
origin. The command itself runs as a process: it prints its URL, serves, and
stops on Ctrl+C.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from pipeline import catalog, review_editor
from pipeline.config import load as load_config
from pipeline.lock import project_lock
from pipeline.review_server import TOKEN_HEADER, Session, create_app
from tests.review_editor_project import (
    DAYS,
    GUIDE,
    SLUG,
    SMAS,
    TITLE,
    WRITE,
    articles,
    editor_server,
    entry,
    make_project,
    po_file,
    teammate_saves,
)

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_project(tmp_path)


@pytest.fixture
def session(root: Path) -> Session:
    return Session(load_config(root), port=PORT)


@pytest.fixture
def client(session: Session) -> FlaskClient:
    return create_app(session).test_client()


def load(client: FlaskClient, locale: str = "ko") -> dict[str, dict[str, str]]:
    page = client.get(f"/{locale}/", base_url=BASE)
    assert page.status_code == 200
    return articles(page.get_data(as_text=True))


def post(
    client: FlaskClient,
    session: Session,
    shown: dict[str, str],
    text: str,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> Any:
    body = {
        "locale": shown["locale"],
        "slug": shown["slug"],
        "msgid": shown["msgid"],
        "text": text,
        "version": shown["version"],
        "state": shown["state"],
        **fields,
    }
    sent = {TOKEN_HEADER: session.token, "Origin": BASE} if headers is None else headers
    return client.post("/api/save", json=body, headers=sent, base_url=BASE)


def test_a_save_is_written_reviewed_through_the_catalog_writer(root, session, client):
    shown = load(client)
    before = catalog.load(po_file(root))
    text = "방문 전에 <1>관리 안내</1>를 꼭 읽어 주세요."
    answer = post(client, session, shown[GUIDE], text)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    saved = entry(root, GUIDE)
    assert (saved.msgstr, saved.fuzzy, saved.previous_msgid) == (text, False, None)
    raw = po_file(root).read_bytes()
    assert body["version"] != shown[GUIDE]["version"]
    assert body["version"] == review_editor.review.version(raw)
    assert body["path"] == f"locales/ko/{SLUG}.po" and body["changed"] is True
    assert raw.decode().split("\n")[body["line"] - 1].startswith("msgstr")
    # written by the catalog writer, everything else as it was
    po = catalog.load(po_file(root))
    assert catalog.dump(po, 79) == raw.decode()
    for old in before:
        if old.msgid != GUIDE:
            now = po.find(old.msgid)
            assert (now.msgstr, now.flags, now.tcomment) == (old.msgstr, old.flags, old.tcomment)
    # the page now lists it among the reviewed entries, with its new version
    again = load(client)[GUIDE]
    assert again["state"] == body["state"] and again["version"] == body["version"]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_saved_catalogs_pass_msgfmt_check(root, session, client):
    shown = load(client)
    post(client, session, shown[TITLE], '실 리프팅 "노트" \\ 안내')
    post(client, session, shown[DAYS], "회복에는 보통 2~3일이 걸립니다.\t")
    done = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(po_file(root))], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert entry(root, TITLE).msgstr == '실 리프팅 "노트" \\ 안내'


@pytest.mark.parametrize(
    ("msgid", "text", "check", "message"),
    [
        (GUIDE, "방문 전에 <1>관리 안내를 읽어 주세요.", "tags", "missing tag </1>"),
        (GUIDE, "방문 전에 <1>관리 안내</1>를 <2/>읽어 주세요.", "tags", "extra tag <2/>"),
        (DAYS, "회복에는 보통 4~5일이 걸립니다.", "numbers", ""),
        (
            WRITE,
            "<1>info@clinic.example</1>로 메일을 보내거나 <2>https://evil.example/faq</2>를 방문하세요.",
            "urls",
            "",
        ),
        (SMAS, "   ", "empty", ""),
        (SMAS, "", "empty", ""),
    ],
)
def test_a_translation_the_checks_reject_is_not_saved(
    root, session, client, msgid, text, check, message
):
    shown = load(client)
    before = po_file(root).read_bytes()
    answer = post(client, session, shown[msgid], text)
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["error"] == "refused" and f"[{check}]" in body["message"]
    assert message in body["message"]
    assert [f["check"] for f in body["findings"]] == [check] * len(body["findings"])
    assert po_file(root).read_bytes() == before


def test_a_warning_is_saved_and_reported(root, session, client):
    shown = load(client)
    answer = post(client, session, shown[SMAS], "A mini facelift lifts the SMAS layer itself.")
    assert answer.status_code == 200
    assert "unchanged" in [f["check"] for f in answer.get_json()["findings"]]
    assert not entry(root, SMAS).fuzzy


def test_control_characters_are_refused(root, session, client):
    shown = load(client)
    before = po_file(root).read_bytes()
    answer = post(client, session, shown[SMAS], "미니 안면거상은\x07 SMAS 층을 당깁니다.")
    assert answer.status_code == 422 and "U+0007" in answer.get_json()["message"]
    assert po_file(root).read_bytes() == before


def test_a_save_after_the_entry_changed_on_disk_is_a_conflict(root, session, client):
    shown = load(client)
    teammate_saves(root, GUIDE, "팀원의 번역: <1>관리 안내</1>를 읽으세요.")
    after_teammate = po_file(root).read_bytes()
    mine = "방문 전에 <1>관리 안내</1>를 읽어 주세요."
    answer = post(client, session, shown[GUIDE], mine)
    assert answer.status_code == 409
    body = answer.get_json()
    assert "changed on disk" in body["message"] and "팀원의 번역" in body["message"]
    assert body["current"] == "팀원의 번역: <1>관리 안내</1>를 읽으세요."
    assert po_file(root).read_bytes() == after_teammate  # nothing written
    # saving again, having seen the conflict, replaces the teammate's text knowingly
    again = post(client, session, shown[GUIDE], mine, version=body["version"], state=body["state"])
    assert again.status_code == 200
    assert entry(root, GUIDE).msgstr == mine


def test_a_save_after_another_entry_changed_goes_in_and_keeps_that_change(root, session, client):
    shown = load(client)
    teammate_saves(root, DAYS, "회복에는 보통 2~3일이 걸립니다.")
    answer = post(client, session, shown[GUIDE], "방문 전에 <1>관리 안내</1>를 읽어 주세요.")
    assert answer.status_code == 200, answer.get_json()
    assert entry(root, DAYS).msgstr == "회복에는 보통 2~3일이 걸립니다."
    assert entry(root, GUIDE).msgstr == "방문 전에 <1>관리 안내</1>를 읽어 주세요."


def test_two_tabs_saving_different_entries_keep_both(root, session, client):
    tab_one, tab_two = load(client), load(client)
    assert post(client, session, tab_one[TITLE], "실 리프팅 안내").status_code == 200
    assert (
        post(client, session, tab_two[SMAS], "미니 안면거상은 SMAS 층을 당깁니다.").status_code
        == 200
    )
    # and the first tab's second save of its own entry, with the version it got back
    assert entry(root, TITLE).msgstr == "실 리프팅 안내"
    assert entry(root, SMAS).msgstr == "미니 안면거상은 SMAS 층을 당깁니다."


def test_saving_the_same_text_twice_succeeds_without_a_change(root, session, client):
    shown = load(client)
    text = "실 리프팅 안내"
    assert post(client, session, shown[TITLE], text).status_code == 200
    before = po_file(root).read_bytes()
    retry = post(client, session, shown[TITLE], text)  # the stale page's retry
    assert retry.status_code == 200 and retry.get_json()["changed"] is False
    assert po_file(root).read_bytes() == before


def test_a_sentence_gone_from_the_catalog_is_a_conflict(root, session, client):
    shown = load(client)
    path = po_file(root)
    po = catalog.load(path)
    po.remove(po.find(SMAS))
    path.write_text(catalog.dump(po, 79), encoding="utf-8")
    before = path.read_bytes()
    answer = post(client, session, shown[SMAS], "미니 안면거상은 SMAS 층을 당깁니다.")
    assert answer.status_code == 409 and "no longer in the catalog" in answer.get_json()["message"]
    assert path.read_bytes() == before


def test_a_catalog_broken_on_disk_is_left_alone(root, session, client):
    shown = load(client)
    path = po_file(root)
    broken = path.read_bytes().replace(b'msgstr "', b'msgstr "unterminated\n', 1)
    path.write_bytes(broken)
    answer = post(client, session, shown[SMAS], "미니 안면거상은 SMAS 층을 당깁니다.")
    assert answer.status_code == 409 and "does not parse" in answer.get_json()["message"]
    assert path.read_bytes() == broken


def test_a_save_while_another_run_holds_the_lock_is_refused_in_time(
    root, session, client, monkeypatch
):
    monkeypatch.setattr(review_editor, "LOCK_WAIT_SECONDS", 0.2)
    shown = load(client)
    before = po_file(root).read_bytes()
    with project_lock(root, lambda _: None):
        answer = post(client, session, shown[SMAS], "미니 안면거상은 SMAS 층을 당깁니다.")
    assert answer.status_code == 503
    assert f"another postlingo run (pid {os.getpid()})" in answer.get_json()["message"]
    assert po_file(root).read_bytes() == before


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no token
        {TOKEN_HEADER: "guessed", "Origin": BASE},
        {"Origin": BASE},
        {TOKEN_HEADER: "TOKEN", "Origin": "http://127.0.0.1:9999"},  # another local server
        {TOKEN_HEADER: "TOKEN", "Origin": "null"},  # a sandboxed or file:// page
        {TOKEN_HEADER: "TOKEN", "Sec-Fetch-Site": "cross-site"},
        {TOKEN_HEADER: "TOKEN", "Sec-Fetch-Site": "same-site"},
    ],
)
def test_a_write_without_the_token_or_from_another_origin_is_refused(
    root, session, client, headers
):
    shown = load(client)
    before = po_file(root).read_bytes()
    sent = {k: session.token if v == "TOKEN" else v for k, v in headers.items()}
    answer = post(client, session, shown[SMAS], "미니 안면거상은 SMAS 층을 당깁니다.", sent)
    assert answer.status_code == 403 and answer.get_json()["error"] == "forbidden"
    assert po_file(root).read_bytes() == before


def test_a_form_post_is_refused(root, session, client):
    shown = load(client)[SMAS]
    before = po_file(root).read_bytes()
    answer = client.post(
        "/api/save",
        data={**shown, "text": "x"},
        headers={TOKEN_HEADER: session.token},
        base_url=BASE,
    )
    assert answer.status_code == 415
    assert po_file(root).read_bytes() == before


def test_a_foreign_host_name_gets_nothing(client):
    """DNS rebinding: evil.example resolving to 127.0.0.1 must not read the token."""
    page = client.get("/ko/", base_url=f"http://evil.example:{PORT}")
    assert page.status_code == 403 and b"postlingo-token" not in page.data


def test_only_catalogs_a_page_showed_can_be_written(root, session, client):
    shown = load(client)[SMAS]
    for slug in ("../../postlingo", "missing", f"{SLUG}/../{SLUG}"):
        answer = post(client, session, {**shown, "slug": slug}, "x")
        assert answer.status_code == 404
    assert client.get("/xx/", base_url=BASE).status_code == 404
    assert post(client, session, {**shown, "locale": "fr"}, "x").status_code == 404
    bad = client.post(
        "/api/save",
        json={"locale": "ko", "text": 1},
        headers={TOKEN_HEADER: session.token},
        base_url=BASE,
    )
    assert bad.status_code == 400


def test_catalog_text_is_escaped_and_the_page_is_locked_down(root, session, client):
    teammate_saves(root, SMAS, '<script>alert(1)</script>" onmouseover="alert(2)')
    page = client.get("/ko/", base_url=BASE)
    html = page.get_data(as_text=True)
    assert "<script>alert" not in html and 'onmouseover="alert' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert articles(html)[SMAS]["msgid"] == SMAS
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["X-Frame-Options"] == "DENY"


def test_the_page_shows_context_kind_placeholders_origin_and_findings(root, client):
    html = client.get("/ko/", base_url=BASE).get_data(as_text=True)
    shown = articles(html)
    assert set(shown) >= {TITLE, DAYS, GUIDE, WRITE, SMAS}
    assert "&lt;1&gt;…&lt;/1&gt; bold" in html  # what the tag stands for
    assert "machine (pseudo)" in html and "paragraph" in html
    assert "[pseudo]" in html  # the live findings of postlingo check
    # entries needing review come before the reviewed ones
    teammate_saves(root, TITLE, "실 리프팅 안내")
    html = client.get("/ko/", base_url=BASE).get_data(as_text=True)
    order = list(articles(html))
    assert order[-1] == TITLE and html.index("<details") < html.index('data-msgid="Thread')


def test_the_command_prints_its_url_serves_and_stops_on_ctrl_c(root):
    with editor_server(root) as url:  # checks the printed line, and the exit on Ctrl+C
        with urllib.request.urlopen(url + "ko/", timeout=60) as page:
            assert b"postlingo-token" in page.read()
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        # bound to the loopback address only
        with pytest.raises(OSError), socket.create_connection((_other_address(), port), timeout=2):
            pass


def _other_address() -> str:
    """An address of this machine that is not loopback (or one nothing listens on)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
            address = s.getsockname()[0]
        except OSError:
            address = "127.0.0.2"
    return "127.0.0.2" if address.startswith("127.") or address == "0.0.0.0" else address


def test_a_port_in_use_is_one_line_and_exit_2(root):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipeline",
                "-C",
                str(root),
                "review",
                "--serve",
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and f"cannot listen on 127.0.0.1:{port}" in done.stderr


def test_port_without_serve_is_a_usage_error(root):
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "-C", str(root), "review", "--port", "9000"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "--port goes with --serve" in done.stderr


def test_to_and_posts_narrow_what_the_editor_serves(root):
    config = load_config(root)
    client = create_app(Session(config, port=PORT, locales=("ja",))).test_client()
    index = client.get("/", base_url=BASE).get_data(as_text=True)
    assert 'href="/ja/"' in index and 'href="/ko/"' not in index
    assert client.get("/ko/", base_url=BASE).status_code == 404
    assert client.get("/ja/", base_url=BASE).status_code == 200
    none = create_app(Session(config, port=PORT, posts=("no-such-post",))).test_client()
    page = none.get("/ko/", base_url=BASE)
    assert page.status_code == 500 and "no such post: no-such-post" in page.get_data(as_text=True)


def test_saves_sent_at_once_to_the_running_editor_all_land(root):
    """Concurrent requests (tabs, a double click) each re-read and merge: none is lost."""
    with editor_server(root) as url:
        with urllib.request.urlopen(url + "ko/", timeout=60) as page:
            html = page.read().decode("utf-8")
        token = re.search(r'name="postlingo-token" content="([^"]+)"', html).group(1)
        shown = articles(html)
        texts = {
            TITLE: "실 리프팅 안내",
            DAYS: "회복에는 보통 2~3일이 걸립니다.",
            GUIDE: "방문 전에 <1>관리 안내</1>를 읽어 주세요.",
            SMAS: "미니 안면거상은 SMAS 층 자체를 당깁니다.",
        }

        def send(msgid: str) -> int:
            body = {k: shown[msgid][k] for k in ("locale", "slug", "msgid", "version", "state")}
            body["text"] = texts[msgid]
            request = urllib.request.Request(
                url + "api/save",
                data=json.dumps(body).encode(),
                headers={
                    "Content-Type": "application/json",
                    TOKEN_HEADER: token,
                    "Origin": url.rstrip("/"),
                },
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=120) as answer:
                return answer.status

        with ThreadPoolExecutor(len(texts)) as pool:
            assert list(pool.map(send, texts)) == [200] * len(texts)
    for msgid, text in texts.items():
        assert (entry(root, msgid).msgstr, entry(root, msgid).fuzzy) == (text, False)


def test_an_unreadable_catalog_is_shown_with_its_finding_and_no_entries(root, client):
    path = po_file(root)
    path.write_bytes(path.read_bytes().replace(b'msgstr "', b'msgstr "broken\n', 1))
    html = client.get("/ko/", base_url=BASE).get_data(as_text=True)
    assert "[syntax]" in html and "No readable catalog" in html
    assert articles(html) == {}
