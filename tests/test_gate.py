"""`postlingo build --strict`: the CI gate publishes what is ready and fails on errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from pipeline import gate
from pipeline.publish import Decision

POST = """---
title: "Recovery after a mini facelift"
lang: en
description: "What to expect in the first weeks."
---

Most swelling settles within two weeks.
Stitches come out after 7 days, and you can see <b>friends</b> again soon.

## Looking after yourself

Sleep with your head raised for the first 3 nights.
"""

CONFIG = """project = "gate"
targets = ["ko", "ja"]
engine = "pseudo"

[locale.ko]
min_translated = 80

[locale.ja]
min_translated = 50
"""


def postlingo(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def review(path: Path, share: float, translate=lambda msgid: f"「{msgid}」") -> None:  # type: ignore[no-untyped-def]
    """A reviewer's work: the first `share` of the entries translated and un-fuzzied."""
    po = polib.pofile(str(path))
    live = [e for e in po if not e.obsolete]
    done = round(len(live) * share)
    for i, entry in enumerate(live):
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        entry.tcomment = ""
        entry.msgstr = translate(entry.msgid) if i < done else ""
    po.save(str(path))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project whose ja catalog is fully reviewed and whose ko one is half done."""
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "recovery.md").write_text(POST, encoding="utf-8")
    (tmp_path / "postlingo.toml").write_text(CONFIG, encoding="utf-8")
    done = postlingo(tmp_path, "translate")
    assert done.returncode == 0, done.stderr
    review(tmp_path / "locales" / "ja" / "recovery.po", 1.0)
    review(tmp_path / "locales" / "ko" / "recovery.po", 0.5)
    return tmp_path


def row(output: str, locale: str) -> str:
    found = re.search(rf"^\s*recovery\s+{re.escape(locale)}\s+(.*)$", output, re.M)
    assert found, f"no row for {locale} in:\n{output}"
    return found.group(1)


def test_a_locale_below_its_threshold_is_held_back_and_said_so(root: Path) -> None:
    with (root / "postlingo.toml").open("a", encoding="utf-8") as f:
        f.write('\n[checks]\ntranslated = "warning"\n')  # a team publishing what is ready
    done = postlingo(root, "build", "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.match(r"held back\s+\d+% translated, below 80%", row(done.stdout, "ko"))
    assert re.match(
        r"published\s+100% translated \(\d+ reviewed, \d+ machine\)", row(done.stdout, "ja")
    )
    assert "1 published, 1 held back" in done.stdout
    assert (root / "site" / "ja" / "recovery.html").is_file()
    assert not (root / "site" / "ko" / "recovery.html").exists()


def test_below_threshold_fails_the_gate_when_that_check_is_an_error(root: Path) -> None:
    """By default `translated` is error-level: the site is built, but CI must not deploy it."""
    done = postlingo(root, "build", "--strict")
    assert done.returncode == 1
    assert row(done.stdout, "ko").startswith("held back")
    assert re.search(r"locales/ko/recovery\.po:\d+: \[translated\]", done.stderr)
    assert (root / "site" / "ja" / "recovery.html").is_file()


def test_an_error_level_finding_exits_1_and_names_file_and_line(root: Path) -> None:
    lost_tag = lambda msgid: "「" + re.sub(r"</?\d+>", "", msgid) + "」"  # noqa: E731
    review(root / "locales" / "ja" / "recovery.po", 1.0, lost_tag)
    review(root / "locales" / "ko" / "recovery.po", 1.0)
    assert postlingo(root, "build").returncode == 0  # without --strict nothing complains
    done = postlingo(root, "build", "--strict")
    assert done.returncode == 1
    assert re.search(r"locales/ja/recovery\.po:\d+: \[tags\]", done.stderr), done.stderr
    assert "checks failed: " in done.stdout


def test_a_catalog_that_does_not_parse_is_skipped_and_the_rest_is_built(root: Path) -> None:
    """Issue 9: one bad catalog no longer stops the batch; it is reported and left alone."""
    review(root / "locales" / "ko" / "recovery.po", 1.0)
    po = root / "locales" / "ja" / "recovery.po"
    po.write_text(po.read_text(encoding="utf-8") + "\nthis is not PO\n", encoding="utf-8")
    saved = po.read_bytes()
    done = postlingo(root, "build", "--strict")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert re.search(r"locales/ja/recovery\.po:\d+: \[syntax\]", done.stderr), done.stderr
    assert re.search(r"skipped 1 catalog .*\n  locales/ja/recovery\.po:\d+: ", done.stderr)
    assert (root / "site" / "ko" / "recovery.html").is_file()
    assert not (root / "site" / "ja" / "recovery.html").exists()
    assert po.read_bytes() == saved


def test_table_lists_each_pair_and_counts_them() -> None:
    lines = gate.table(
        [
            Decision("recovery", "ja", True, 100.0, "100% translated"),
            Decision("recovery", "ko", False, 50.0, "50% translated, below 80%"),
        ]
    )
    assert lines[0].split() == ["post", "locale", "status", "why"]
    assert lines[2].split()[:4] == ["recovery", "ko", "held", "back"]
    assert lines[-1].strip() == "1 published, 1 held back"
    assert gate.table([]) == []
