"""A catalog that does not parse is contained (issue 9): reported, never rewritten, the rest runs.

End to end through the CLI: two posts, two locales; a reviewer's save with a
missing closing quote breaks one catalog. Every command says where, carries on
with the other three catalogs, exits 1 and lists what it skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polib
import pytest

REPO = Path(__file__).resolve().parent.parent

POSTS = {
    "recovery": "---\ntitle: Recovery notes\nlang: en\n---\n\nMost swelling settles in two weeks.\n"
    "\nSleep with your head raised.\n",
    "consult": "---\ntitle: Your first consultation\nlang: en\n---\n\nBring your questions.\n"
    "\nWe explain every option.\n",
}


def postlingo(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "-C", str(root), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "source").mkdir()
    for slug, text in POSTS.items():
        (tmp_path / "source" / f"{slug}.md").write_text(text, encoding="utf-8")
    (tmp_path / "postlingo.toml").write_text(
        'targets = ["ko", "ja"]\nengine = "pseudo"\n\n[locale.ko]\npublish_machine_translation'
        " = true\n\n[locale.ja]\npublish_machine_translation = true\n",
        encoding="utf-8",
    )
    assert postlingo(tmp_path, "translate").returncode == 0
    return tmp_path


def break_catalog(root: Path) -> tuple[Path, int]:
    """A reviewer's save without the closing quote: msgfmt refuses it, polib cut a character."""
    path = root / "locales" / "ko" / "recovery.po"
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith('msgstr "') and i > 3)
    lines[at] = 'msgstr "변하지 않는 것'
    path.write_text("\n".join(lines), encoding="utf-8")
    return path, at + 1


SUMMARY = "skipped 1 catalog that do not parse"


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["status", "--json"],
        ["translate"],
        ["build", "--pseudo"],
        ["review"],
        ["check"],
        ["run"],
    ],
    ids=" ".join,
)
def test_every_command_reports_the_bad_catalog_goes_on_and_exits_1(root: Path, command):
    bad, line = break_catalog(root)
    saved = bad.read_bytes()
    # the sources change, so translate has work to do on every catalog
    for slug in POSTS:
        source = root / "source" / f"{slug}.md"
        source.write_text(source.read_text(encoding="utf-8") + "\nA new closing line.\n")
    before = {p: p.read_bytes() for p in (root / "locales").rglob("*.po")}
    done = postlingo(root, *command)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    where = f"locales/ko/recovery.po:{line}:"
    assert SUMMARY in done.stderr and f"  {where} invalid PO file: " in done.stderr, done.stderr
    assert "closing quote" in done.stderr
    assert bad.read_bytes() == saved  # never rewritten
    others = [p for p in before if p != bad]
    if command[0] in ("translate", "run"):
        for path in others:  # every other catalog got the new sentence
            assert "A new closing line." in {e.msgid for e in polib.pofile(str(path))}, path
            assert path.read_bytes() != before[path]
    else:
        assert all(path.read_bytes() == before[path] for path in others)
    if command[0] in ("build", "run"):
        # pseudo text is only ever in the previews: build --pseudo and a run with no model
        site = root / "site" / ("_preview" if "--pseudo" in command or command == ["run"] else "")
        built = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
        assert {"ko/consult.html", "ja/consult.html", "ja/recovery.html"} <= built
        assert "ko/recovery.html" not in built
        assert "catalog does not parse" in done.stdout
    if command == ["status"]:
        rows = {tuple(line.split()[:2]): line for line in done.stdout.splitlines()[1:]}
        assert "does not parse" in rows[("recovery", "ko")]
        assert rows[("consult", "ko")].split()[2].isdigit()
    if command == ["status", "--json"]:
        data = {(r["post"], r["locale"]): r for r in json.loads(done.stdout)}
        assert data[("recovery", "ko")]["unreadable"].startswith(where)
        assert data[("consult", "ja")]["entries"] > 0
    if command == ["review"]:
        page = (root / "site" / "_review" / "ko.html").read_text(encoding="utf-8")
        assert "consult" in page and "closing quote" in page
    if command == ["run"]:
        assert done.stderr.count(f"  {where}") == 1  # listed once, not once per stage


def test_a_good_project_still_exits_0(root: Path):
    for command in (["status"], ["translate"], ["build", "--pseudo"], ["review"]):
        done = postlingo(root, *command)
        assert done.returncode == 0, (command, done.stderr)
        assert "skipped" not in done.stderr
