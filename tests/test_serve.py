"""`postlingo serve` end to end: a real server, a real browser, a real save."""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.serve import RELOAD_SCRIPT, inject
from tests.ctrl_c import like_a_terminal
from tests.test_publish_html import chromium

REPO = Path(__file__).resolve().parent.parent


def sample(root: Path) -> Path:
    shutil.copytree(REPO / "source", root / "source")
    shutil.copy(REPO / "postlingo.toml", root / "postlingo.toml")
    return root


def read_until(proc: subprocess.Popen[str], marker: str, seen: list[str]) -> str:
    """Lines of stdout up to the one holding marker (60 s at most: a hang fails, not blocks)."""
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while sel.select(timeout=60):
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if marker in line:
                return line
    raise AssertionError(f"no {marker!r} from serve:\n{''.join(seen)}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str], str, list[str]]]:
    project = sample(tmp_path / "blog")
    (project / "drafts").mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", "--port", "0"],
        cwd=project / "drafts",  # found from a subfolder, as git finds .git
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "ARGOS_PACKAGES_DIR": str(tmp_path / "no-models")},
        preexec_fn=like_a_terminal,
    )
    seen: list[str] = []
    try:
        line = read_until(proc, "serving http://127.0.0.1:", seen)
        url = line.split("serving ")[1].split()[0]
        yield project, proc, url, seen
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_the_page_in_chromium_changes_after_a_save_without_a_manual_reload(served):
    project, proc, url, seen = served
    assert any("pseudo-localized previews" in line for line in seen)  # no model: says so
    post = project / "source" / "mini-thread-lifting.md"
    with chromium({"width": 1280, "height": 720}) as browser:
        page = browser.new_page()
        page.goto(url + "ja/mini-thread-lifting.html", wait_until="load")
        assert "⟦" in page.inner_text("h1")  # a pseudo preview of a locale with no model
        page.evaluate("window.untouched = true")  # gone once the page reloads itself
        page.goto(url + "en/mini-thread-lifting.html", wait_until="load")
        page.evaluate("window.untouched = true")
        assert page.inner_text("h1") == "Mini thread lifting"
        text = post.read_text(encoding="utf-8")
        post.write_text(text.replace('"Mini thread lifting"', '"Lifting, revised"'), "utf-8")
        read_until(proc, "rebuilt after changes to source/mini-thread-lifting.md", seen)
        page.wait_for_function(
            "document.querySelector('h1').textContent === 'Lifting, revised'", timeout=60_000
        )
        assert page.evaluate("window.untouched") is None
        browser.close()
    built = project / ".postlingo" / "serve" / "en" / "mini-thread-lifting.html"
    assert "Lifting, revised" in built.read_text(encoding="utf-8")
    assert "_postlingo" not in built.read_text(encoding="utf-8")  # injected when served only
    assert not (project / "site").exists() and not list((project / "locales").rglob("*.po"))
    proc.send_signal(signal.SIGINT)  # Ctrl+C
    assert proc.wait(timeout=60) == 0
    assert proc.stdout is not None
    assert "stopped" in proc.stdout.read()


def test_a_save_that_breaks_the_config_keeps_the_last_good_site(served):
    project, proc, _, seen = served
    config = project / "postlingo.toml"
    config.write_text("targte = 1\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    line = read_until(proc, "error", seen)
    assert "postlingo.toml:1: unknown key 'targte' (did you mean 'targets'?)" in line
    assert str(project) not in line  # the path as the user sees it
    assert "still showing the last good build" in line
    assert proc.poll() is None


def test_serve_binds_loopback_only_and_names_a_busy_port(tmp_path):
    project = sample(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "pipeline", "serve", "--port", str(port)],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "ARGOS_PACKAGES_DIR": str(tmp_path / "no-models")},
        )
    assert proc.returncode == 2
    assert f"port {port} is in use: choose another with --port" in proc.stderr


def test_the_reload_script_goes_before_the_last_body_end():
    page = b"<html><body><p>x</p></body></html>"
    assert inject(page) == b"<html><body><p>x</p>" + RELOAD_SCRIPT.encode() + b"</body></html>"
    assert inject(b"<p>fragment</p>").endswith(RELOAD_SCRIPT.encode())
