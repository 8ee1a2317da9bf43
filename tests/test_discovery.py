"""Config discovery and locale codes, end to end through the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def postlingo(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "ARGOS_PACKAGES_DIR": str(cwd / "no-models")},
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "blog"
    shutil.copytree(REPO / "source", root / "source")
    shutil.copy(REPO / "postlingo.toml", root / "postlingo.toml")
    return root


def test_every_command_finds_the_config_from_a_subfolder(project):
    deep = project / "source" / "images"
    done = postlingo(deep, "extract")
    assert done.returncode == 0, done.stderr
    assert (project / "locales" / "mini-thread-lifting.pot").is_file()
    assert not (deep / "locales").exists()
    status = postlingo(deep, "status")
    assert status.returncode == 0 and "no catalog yet" in status.stdout


def test_pyproject_tool_table_marks_the_root(tmp_path, project):
    config = (project / "postlingo.toml").read_text(encoding="utf-8")
    (project / "postlingo.toml").unlink()
    table = config.replace("[locale.", "[tool.postlingo.locale.")
    (project / "pyproject.toml").write_text(
        "[project]\nname = 'blog'\n\n[tool.postlingo]\n" + table, encoding="utf-8"
    )
    done = postlingo(project / "source", "status", "--to", "KO")  # spelled as typed
    assert done.returncode == 0, done.stderr
    assert " ko " in done.stdout


def test_outside_any_project_the_error_says_so_and_suggests_init(tmp_path):
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    done = postlingo(empty, "build")
    assert done.returncode == 2
    assert done.stderr.startswith("postlingo: error: not in a postlingo project")
    assert "postlingo init" in done.stderr and len(done.stderr.splitlines()) == 1
    assert postlingo(empty, "models", "list").returncode == 0  # models need no project
    assert postlingo(empty, "init").returncode == 0
    assert postlingo(empty, "status").returncode == 2  # a project now, with no posts


def test_c_and_config_keep_working(tmp_path, project):
    done = postlingo(tmp_path, "-C", str(project), "extract")
    assert done.returncode == 0, done.stderr
    other = tmp_path / "other.toml"
    other.write_text('targets = ["ja"]\n', encoding="utf-8")
    done = postlingo(project, "--config", str(other), "status")
    assert done.returncode == 0, done.stderr
    assert " ja " in done.stdout and " ko " not in done.stdout


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ('["EN", "en"]', "targets: 'EN' and 'en' are the same locale ('en')"),
        ('["ko", "ko"]', "targets: 'ko' is given twice"),
        ('["kr"]', "targets: unknown locale 'kr' (did you mean 'ko'?)"),
        ('["jp"]', "targets: unknown locale 'jp' (did you mean 'ja'?)"),
        ('["zh-hnt"]', "targets: unknown locale 'zh-hnt' (did you mean 'zh-Hant'?)"),
    ],
)
def test_locale_codes_are_one_form_without_duplicates_and_typos_get_a_suggestion(
    project, targets, message
):
    (project / "postlingo.toml").write_text(f"targets = {targets}\n", encoding="utf-8")
    done = postlingo(project, "status")
    assert done.returncode == 2
    assert done.stderr == f"postlingo: error: postlingo.toml:1: {message}\n"


def test_codes_are_written_in_their_canonical_form(project):
    (project / "postlingo.toml").write_text(
        'targets = ["KO", "pt_br", "zh-hans"]\n[locale.PT-BR]\nmin_translated = 10\n',
        encoding="utf-8",
    )
    done = postlingo(project, "translate", "--engine", "pseudo")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (project / "locales").iterdir() if p.is_dir()) == [
        "ko",
        "pt-BR",
        "zh-Hans",
    ]


def test_unknown_keys_get_the_closest_known_one(project):
    (project / "postlingo.toml").write_text(
        'targets = ["ko"]\nsite_dri = "out"\n[mt]\nbeam = 2\n', encoding="utf-8"
    )
    done = postlingo(project, "status")
    assert done.stderr == (
        "postlingo: error: postlingo.toml:2: unknown key 'site_dri' (did you mean 'site_dir'?)\n"
    )
    (project / "postlingo.toml").write_text('[checks]\ntagz = "off"\n', encoding="utf-8")
    done = postlingo(project, "status")
    assert "unknown check checks.tagz (did you mean 'tags'?)" in done.stderr
