"""A small translated project for the review editor's tests, and a reader of its pages."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import html5lib
import polib

from pipeline import catalog, project
from pipeline.config import load as load_config

FIXTURE = Path(__file__).parent / "fixtures" / "checks"
SLUG = "thread-lifting"
TITLE = "Thread lifting notes"
DAYS = "Recovery usually takes 2~3 days after the procedure."
GUIDE = "Read <1>the aftercare guide</1> before your visit."
WRITE = (
    "Write to <1>info@clinic.example</1> or visit <2>https://clinic.example/faq</2> for details."
)
SMAS = "A mini facelift lifts the SMAS layer itself."
WORK = "Most patients return to work the next day and feel comfortable."


def make_project(root: Path) -> Path:
    """The checks fixture, translated (pseudo): every ko and ja entry waits for review."""
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    config = load_config(root)
    project.translate(config, project.load_documents(config), engine="pseudo")
    return root


def po_file(root: Path, locale: str = "ko") -> Path:
    return root / "locales" / locale / f"{SLUG}.po"


def entry(root: Path, msgid: str, locale: str = "ko") -> polib.POEntry:
    found = catalog.load(po_file(root, locale)).find(msgid)
    assert found is not None, msgid
    return found


def teammate_saves(root: Path, msgid: str, text: str, locale: str = "ko") -> None:
    """Someone else's save (Poedit, a text editor, git pull): polib, then a rename."""
    path = po_file(root, locale)
    po = polib.pofile(str(path), wrapwidth=79)
    found = po.find(msgid)
    assert found is not None
    found.msgstr = text
    found.flags = [f for f in found.flags if f != "fuzzy"]
    tmp = path.with_name(path.name + ".teammate~")
    tmp.write_text(str(po) + "\n", encoding="utf-8")
    tmp.replace(path)


def articles(html: str) -> dict[str, dict[str, str]]:
    """msgid → the data attributes of its entry on an editor page."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    found = {}
    for article in tree.iter("article"):
        attrs = {k[5:]: v for k, v in article.attrib.items() if k.startswith("data-")}
        found[attrs["msgid"]] = attrs
    return found


@contextmanager
def editor_server(project: Path) -> Iterator[str]:
    """`postlingo review --serve --port 0` on the project: its URL; stopped with Ctrl+C (SIGINT),
    which must end it cleanly."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "-C", str(project), "review", "--serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        assert found, f"no URL in {line!r}: {proc.stderr.read() if proc.stderr else ''}"
        yield found.group(1)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        assert proc.returncode == 0 and "Traceback" not in err, err
        assert "review editor stopped" in out
