"""Hostile input, end to end: one line naming the path, exit 2, and no file touched.

Each case breaks a small, already translated and built project in one way,
runs the CLI in a subprocess, and compares the whole project tree before and after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
POST = "---\ntitle: Clinic notes\nlang: en\n---\n\nPatients choose the thread lift.\n\n![A photo](photo.png)\n"


def postlingo(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "ARGOS_PACKAGES_DIR": "/nonexistent"}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def tree(root: Path) -> dict[str, bytes | str]:
    """Every path under root: file bytes, folder or link target."""
    out: dict[str, bytes | str] = {}
    for top, dirs, names in os.walk(root):
        for name in dirs + names:
            path = Path(top) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                out[rel] = f"-> {os.readlink(path)}"
            elif path.is_dir():
                out[rel] = "folder"
            else:
                out[rel] = path.read_bytes()
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("built")
    (root / "source").mkdir()
    (root / "source" / "post.md").write_text(POST, encoding="utf-8")
    (root / "source" / "photo.png").write_bytes(b"\x89PNG fake")
    (root / "postlingo.toml").write_text(
        'targets = ["ko", "ja"]\nengine = "pseudo"\nbase_url = "https://example.com"\n'
        "[locale.ko]\npublish_machine_translation = true\n"
        "[locale.ja]\npublish_machine_translation = true\n",
        encoding="utf-8",
    )
    done = postlingo(root, "run")
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    return root


def replace_with_file(path: Path) -> None:
    shutil.rmtree(path)
    path.write_text("not a folder\n")


def post(name: str, front: str = "") -> Callable[[Path], None]:
    def write(root: Path) -> None:
        text = f"---\ntitle: Another\nlang: en\n{front}---\n\nOur doctors discuss skin care.\n"
        (root / "source" / name).write_text(text, encoding="utf-8")

    return write


def link(name: str, target: str) -> Callable[[Path], None]:
    return lambda root: (root / "source" / name).symlink_to(target)


def outside(root: Path) -> None:
    (root.parent / "outside.md").write_text(POST)
    (root / "source" / "up.md").symlink_to("../../outside.md")


def loop(root: Path) -> None:
    (root / "source" / "a.md").symlink_to("b.md")
    (root / "source" / "b.md").symlink_to("a.md")


def image_over(name: str) -> Callable[[Path], None]:
    def write(root: Path) -> None:
        (root / "source" / name).write_text("body { }\n")
        (root / "source" / "pic.md").write_text(
            f"---\ntitle: Pic\nlang: en\n---\n\nSee this picture.\n\n![x]({name})\n"
        )

    return write


CASES = [
    # (id, break the project, command, message after "postlingo: error: ")
    ("locale-folder-is-a-file", lambda r: replace_with_file(r / "locales" / "ko"),
     ["translate"], "locales/ko: is a file, not a folder"),
    ("locale-folder-is-a-file-run", lambda r: replace_with_file(r / "locales" / "ja"),
     ["run"], "locales/ja: is a file, not a folder"),
    ("locales-is-a-file", lambda r: replace_with_file(r / "locales"),
     ["extract"], "locales: is a file, not a folder"),
    ("catalog-is-a-folder", lambda r: ((r / "locales/ko/post.po").unlink(), (r / "locales/ko/post.po").mkdir()),
     ["translate"], "locales/ko/post.po: cannot read: Is a directory"),
    ("site-is-a-file", lambda r: replace_with_file(r / "site"),
     ["build"], "site: is a file, not a folder"),
    ("site-locale-is-a-file", lambda r: replace_with_file(r / "site" / "_preview" / "ko"),
     ["build", "--pseudo"], "site/_preview/ko: is a file, not a folder"),
    ("review-site-is-a-file", lambda r: replace_with_file(r / "site"),
     ["review"], "site: is a file, not a folder"),
    ("out-inside-a-file", lambda r: None,
     ["build", "--out", "postlingo.toml/site"], "postlingo.toml: is a file, not a folder"),
    ("state-folder-is-a-file", lambda r: replace_with_file(r / ".postlingo"),
     ["translate"], ".postlingo: is a file, not a folder"),
    ("source-is-a-file", lambda r: replace_with_file(r / "source"),
     ["translate"], "source: is not a folder"),
    ("post-named-index", post("index.md"),
     ["build"], "source/index.md: post name 'index' is taken by a page the site generates"),
    ("post-named-Index", post("Index.md"),
     ["translate"], "source/Index.md: post name 'Index' is taken by a page the site generates"),
    ("slug-sitemap", post("a.md", "slug: sitemap\n"),
     ["build"], "source/a.md: post name 'sitemap' is taken by a page the site generates"),
    ("slug-review", post("b.md", "slug: _review\n"),
     ["build"], "source/b.md: post name '_review' is taken by a page the site generates"),
    ("slug-style", post("style.md"),
     ["run"], "source/style.md: post name 'style' is taken by a page the site generates"),
    ("image-over-stylesheet", image_over("style.css"),
     ["build"], "source/style.css: an image here would overwrite the site's style.css"),
    ("symlink-out-of-project", link("passwd.md", "/etc/passwd"),
     ["build"], "source/passwd.md: symbolic link to /etc/passwd, outside the project"),
    ("symlink-up-and-out", outside,
     ["translate"], "source/up.md: symbolic link to /"),
    ("dangling-symlink", link("gone.md", "nowhere.md"),
     ["translate"], "source/gone.md: broken symbolic link (to nowhere.md)"),
    ("symlink-loop", loop,
     ["status"], "source/a.md: broken symbolic link (to b.md)"),
]  # fmt: skip
if Path("/proc").is_dir():
    CASES.append(
        (
            "out-unwritable",
            lambda r: None,
            ["build", "--out", "/proc/forbidden"],
            "/proc/forbidden: cannot create the folder",
        )
    )


@pytest.mark.parametrize(
    ("setup", "command", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_hostile_input_is_one_line_exit_2_and_touches_nothing(project, setup, command, message):
    setup(project)
    before = tree(project)
    done = postlingo(project.parent, "-C", project.name, *command)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"postlingo: error: {message}")
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert tree(project) == before


def test_error_paths_are_project_relative_whichever_way_the_project_is_named(project):
    replace_with_file(project / "locales" / "ko")
    by_absolute = postlingo(REPO, "-C", str(project), "translate").stderr
    by_relative = postlingo(project.parent, "-C", project.name, "translate").stderr
    from_inside = postlingo(project, "translate").stderr
    assert (
        by_absolute
        == by_relative
        == from_inside
        == ("postlingo: error: locales/ko: is a file, not a folder\n")
    )


def test_a_symlink_inside_the_project_is_a_post(project):
    (project / "drafts").mkdir()
    (project / "drafts" / "shared.md").write_text(POST.replace("thread lift", "SMAS lift"))
    (project / "source" / "shared.md").symlink_to("../drafts/shared.md")
    done = postlingo(project, "run")
    assert done.returncode == 0, done.stderr
    assert (project / "site" / "en" / "shared.html").is_file()
    assert "#: drafts/shared.md:" in (project / "locales" / "ko" / "shared.po").read_text()


def test_a_config_with_a_byte_order_mark_is_read(project):
    config = project / "postlingo.toml"
    config.write_bytes(b"\xef\xbb\xbf" + config.read_bytes())
    done = postlingo(project, "status", "--json")
    assert done.returncode == 0, done.stderr
    assert '"locale": "ja"' in done.stdout


def test_a_file_where_a_folder_goes_names_it_before_anything_is_written(project):
    """A layout error found when writing the second locale still leaves the first untouched."""
    (project / "source" / "post.md").write_text(POST.replace("thread lift", "mini facelift"))
    replace_with_file(project / "locales" / "ko")
    before = tree(project)
    done = postlingo(project, "translate")
    assert done.returncode == 2
    assert tree(project) == before  # not even locales/post.pot or locales/ja/post.po


# --- a killed run, and bugs: never a traceback ------------------------------------------

KILLED_BEFORE_RENAME = (
    "import os, sys; from pathlib import Path; from pipeline import files; "
    "os.replace = lambda *a: os.kill(os.getpid(), 9); "
    "files.write_atomic(Path(sys.argv[1]), 'half a run')"
)


def test_temp_files_a_killed_run_leaves_are_removed_and_never_deployed(project):
    from pipeline.files import is_temp

    for target in ("locales/ko/post.po", "site/ko/post.html", "site/_review/ko.html"):
        killed = subprocess.run(
            [sys.executable, "-c", KILLED_BEFORE_RENAME, str(project / target)], cwd=REPO
        )
        assert killed.returncode == -9
    (project / "site" / ".post.html.bei9d8zu.tmp").write_text("left by an older version")
    catalog = (project / "locales" / "ko" / "post.po").read_bytes()
    left = sorted(p.name for p in project.rglob("*") if is_temp(p.name))
    assert len(left) == 4, left
    done = postlingo(project, "build", "--pseudo")
    assert done.returncode == 0, done.stderr
    assert "removed 4 temporary files" in done.stderr
    assert not [p for p in project.rglob("*") if is_temp(p.name) or p.name.endswith(".tmp")]
    assert (project / "locales" / "ko" / "post.po").read_bytes() == catalog


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_exception_is_one_line_and_exit_70(monkeypatch, capsys, project, debug):
    from pipeline import cli, posts

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something\nunforeseen")

    monkeypatch.setattr(posts, "load", broken)
    flags = ["--debug"] if debug else []
    monkeypatch.setattr(sys, "argv", ["postlingo", *flags, "-C", str(project), "status"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 70
    err = capsys.readouterr().err
    last = err.splitlines()[-1]
    assert last.startswith("postlingo: internal error: RuntimeError: something unforeseen")
    assert "please report" in last
    if debug:
        assert err.startswith("Traceback (most recent call last)")
    else:
        assert err == last + "\n" and "--debug" in last
