"""End to end: the CLI on the real sample posts, in a temporary copy of the project."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

REPO = Path(__file__).resolve().parent.parent
POSTLINGO = [sys.executable, "-m", "pipeline"]


def postlingo(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*POSTLINGO, "-C", str(project), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "ARGOS_PACKAGES_DIR": str(project / "no-models")},
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "source", tmp_path / "source")
    shutil.copy(REPO / "postlingo.toml", tmp_path / "postlingo.toml")
    return tmp_path


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("ran")
    shutil.copytree(REPO / "source", root / "source")
    shutil.copy(REPO / "postlingo.toml", root / "postlingo.toml")
    return root, postlingo(root, "run")


def test_run_writes_a_catalog_per_target_and_pages(ran):
    root, done = ran
    assert done.returncode == 0, done.stderr
    assert "pseudo" in done.stderr  # no model installed: says it fell back
    assert "postlingo models install" in done.stdout + done.stderr
    for post in ("mini-thread-lifting",):
        assert (root / "locales" / f"{post}.pot").is_file()
        for locale in ("ko", "ja", "zh-Hans", "es", "ar"):
            po = polib.pofile(str(root / "locales" / locale / f"{post}.po"))
            assert len(po) > 20
            assert all(e.fuzzy and e.msgstr for e in po)
            assert (root / "site" / "_preview" / locale / f"{post}.html").is_file()
        assert not (root / "locales" / "en" / f"{post}.po").exists()  # never into its own language
    assert (root / "site" / "index.html").is_file()


def test_pages_of_a_pseudo_run_say_so(ran):
    root, _ = ran
    page = (root / "site" / "_preview" / "ko" / "mini-thread-lifting.html").read_text("utf-8")
    assert 'lang="ko"' in page
    assert "Pseudo-localized preview" in page or "pseudo" in page.lower()


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_every_catalog_passes_msgfmt_check(ran):
    root, _ = ran
    files = sorted((root / "locales").rglob("*.po*"))
    assert files
    for path in files:
        check = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        assert check.returncode == 0, f"{path}: {check.stderr}"


def test_second_run_changes_no_byte(project):
    assert postlingo(project, "run").returncode == 0
    before = snapshot(project)
    again = postlingo(project, "run")
    assert again.returncode == 0, again.stderr
    assert snapshot(project) == before


def test_reviewer_edit_shows_up_after_build_and_survives_translate(project):
    assert postlingo(project, "translate", "--engine", "pseudo").returncode == 0
    path = project / "locales" / "ko" / "mini-thread-lifting.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid == "Mini thread lifting")
    entry.msgstr = "미니 실리프팅"
    entry.flags.remove("fuzzy")
    po.save(str(path))
    assert postlingo(project, "translate", "--engine", "pseudo").returncode == 0
    again = polib.pofile(str(path))
    kept = next(e for e in again if e.msgid == "Mini thread lifting")
    assert kept.msgstr == "미니 실리프팅" and not kept.fuzzy
    done = postlingo(project, "build", "--pseudo")
    assert done.returncode == 0, done.stderr
    preview = project / "site" / "_preview"
    page = (preview / "ko" / "mini-thread-lifting.html").read_text(encoding="utf-8")
    assert "미니 실리프팅" in page


def test_machine_output_is_not_published_without_policy(project):
    assert postlingo(project, "translate", "--engine", "pseudo").returncode == 0
    done = postlingo(project, "build")
    assert done.returncode == 1  # ko needs 80% reviewed: held back, and said so
    assert re.search(r"mini-thread-lifting\s+ko\s+held back", done.stdout)
    assert not (project / "site" / "ko" / "mini-thread-lifting.html").exists()
    assert (project / "site" / "en" / "mini-thread-lifting.html").is_file()


def test_status_json_counts_fuzzy_as_machine_not_translated(project):
    assert postlingo(project, "translate", "--engine", "pseudo", "--to", "ko,ja").returncode == 0
    done = postlingo(project, "status", "--json", "--to", "ja")
    rows = json.loads(done.stdout)
    row = next(r for r in rows if r["post"] == "mini-thread-lifting")
    assert row["reviewed"] == 0 and row["machine"] == row["entries"] > 0
    assert row["percent_reviewed"] == 0


def test_init_never_overwrites(tmp_path):
    first = postlingo(tmp_path, "init")
    assert first.returncode == 0
    assert (tmp_path / "postlingo.toml").is_file() and (tmp_path / "source").is_dir()
    (tmp_path / "postlingo.toml").write_text('targets = ["ko"]\n')
    second = postlingo(tmp_path, "init")
    assert "kept" in second.stdout
    assert (tmp_path / "postlingo.toml").read_text() == 'targets = ["ko"]\n'


def test_init_keeps_the_runs_state_out_of_git(tmp_path):
    assert postlingo(tmp_path, "init").returncode == 0
    assert (tmp_path / ".gitignore").read_text() == ".postlingo/\n"
    other = tmp_path / "other"
    other.mkdir()
    (other / ".gitignore").write_text("node_modules/")  # theirs, no newline at the end
    assert "added .postlingo/" in postlingo(other, "init").stdout
    assert (other / ".gitignore").read_text() == "node_modules/\n.postlingo/\n"
    assert "kept" in postlingo(other, "init").stdout
    assert (other / ".gitignore").read_text() == "node_modules/\n.postlingo/\n"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: shutil.rmtree(p / "source"), "source"),
        (
            lambda p: (p / "postlingo.toml").write_text('targets = ["ko"]\nengnie = "x"\n'),
            "postlingo.toml:2: unknown key 'engnie'",
        ),
        (
            lambda p: (p / "source" / "bad.md").write_bytes(
                b"---\ntitle: x\n---\n\n\xff\xfe broken"
            ),
            "bad.md",
        ),
        (lambda p: (p / "source" / "empty.md").write_text(""), "empty.md"),
        (
            lambda p: (p / "source" / "fm.md").write_text(
                "---\ntitle: [unclosed\n---\nHello there.\n"
            ),
            "fm.md",
        ),
    ],
)
def test_bad_input_is_one_line_and_touches_nothing(project, setup, message):
    assert postlingo(project, "translate", "--engine", "pseudo").returncode == 0
    before = snapshot(project / "locales")
    setup(project)
    done = postlingo(project, "translate", "--engine", "pseudo")
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(project / "locales") == before


def test_hand_broken_po_is_reported_with_its_line(project):
    assert postlingo(project, "translate", "--engine", "pseudo").returncode == 0
    path = project / "locales" / "ja" / "mini-thread-lifting.po"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[20] = 'msgstr "unterminated'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken = path.read_bytes()
    done = postlingo(project, "translate", "--engine", "pseudo")
    assert done.returncode == 1  # issue 9: skipped and reported; every other catalog goes on
    assert re.search(r"locales/ja/mini-thread-lifting\.po:\d+:", done.stderr), done.stderr
    assert path.read_bytes() == broken


def test_help_does_not_load_the_translation_stack():
    probe = (
        "import sys; from pipeline.cli import cli; from click.testing import CliRunner;"
        "CliRunner().invoke(cli, ['--help']);"
        "heavy = ('ctranslate2', 'argostranslate.translate', 'polib', 'jinja2', 'langdetect');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO)
    assert out.stdout.strip() == "[]", out.stderr


def test_a_full_build_removes_pages_no_longer_published_but_nothing_else(project):
    assert postlingo(project, "run").returncode == 0
    assert postlingo(project, "build", "--pseudo", "--out", "site").returncode == 0
    page = project / "site" / "ko" / "mini-thread-lifting.html"
    assert page.is_file()
    mine = project / "site" / "robots.txt"
    mine.write_text("User-agent: *\n")
    done = postlingo(project, "build")  # no preview: ko is held back now
    assert done.returncode == 1
    assert not page.exists()
    assert "no longer published" in done.stdout
    assert mine.read_text() == "User-agent: *\n"  # not written by postlingo: left alone
    assert (project / "site" / "en" / "mini-thread-lifting.html").is_file()
