"""A reviewer's save made while postlingo runs is never lost (issue 12, critical 1).

Two harnesses:
- in-process: a save injected at an exact point of `translate` (while the engine
  runs, after the catalogs were read, after the templates or another catalog were
  written, just before the compare-and-swap re-read) or of `build`; hundreds of
  seeded trials, deterministic.
- real processes: `postlingo translate` and `build` in a subprocess while this
  process saves catalogs at random moments, as Poedit does (temp file + rename)
  and as a text editor does (truncate + write).
After each run, every save must still be there: its msgstr, and no fuzzy flag.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from pipeline import building, catalog, files, project, publish
from pipeline.config import load as load_config
from pipeline.engines.pseudo import PseudoEngine

REPO = Path(__file__).resolve().parent.parent
SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
LOCALES = ("ko", "ja")
WORDS = ["Patients", "choose", "the", "thread", "lift", "after", "a", "consultation", "gently"]


def sentences(rng: random.Random, n: int) -> list[str]:
    return [
        " ".join(rng.choices(WORDS, k=6)).capitalize() + f" {rng.randrange(10**6)}."
        for _ in range(n)
    ]


def write_post(root: Path, name: str, body: list[str]) -> None:
    text = "---\ntitle: Notes " + name + "\nlang: en\n---\n\n" + "\n\n".join(body) + "\n"
    (root / "source" / f"{name}.md").write_text(text, encoding="utf-8")


def new_project(root: Path, posts: int, per_post: int, seed: int) -> None:
    rng = random.Random(seed)
    (root / "source").mkdir(parents=True)
    (root / "postlingo.toml").write_text(
        f"targets = {list(LOCALES)!r}\nengine = 'pseudo'\n".replace("'", '"'), encoding="utf-8"
    )
    for i in range(posts):
        write_post(root, f"post-{i:04d}", sentences(rng, per_post))


def save(path: Path, msgid: str, text: str, style: str) -> None:
    """A reviewer's save: the entry reviewed (fuzzy removed, new msgstr), rest as it was."""
    po = polib.pofile(str(path), wrapwidth=79)
    entry = po.find(msgid)
    assert entry is not None
    entry.msgstr = text
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = None
    data = str(po) + "\n"
    if style == "poedit":  # a temp file beside it, renamed over it
        tmp = path.with_name(f"{path.name}.poedit~")
        tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, path)
    else:  # a text editor: truncate, then write
        with path.open("w", encoding="utf-8") as handle:
            handle.write(data)


def lost(path: Path, saved: dict[str, str]) -> list[str]:
    po = catalog.load(path)
    return [
        m
        for m, text in saved.items()
        if not ((e := po.find(m)) and e.msgstr == text and not e.fuzzy)
    ]


# --- in-process: the save at an exact point ----------------------------------------------

POINTS = (
    "engine",
    "after-read",
    "after-templates",
    "after-other-catalog",
    "before-recheck",
    "build",
)


def _translated_project(root: Path, posts: int, per_post: int, seed: int) -> Path:
    """A generated project whose catalogs a first translate has written."""
    new_project(root, posts=posts, per_post=per_post, seed=seed)
    config = load_config(root)
    project.translate(config, project.load_documents(config))
    return root


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _translated_project(tmp_path_factory.mktemp("translated"), 3, 4, 0)


class Injector:
    """Performs the reviewer's save once, the first time the chosen point is reached."""

    def __init__(self, action: Callable[[], None]) -> None:
        self.action, self.done = action, False

    def fire(self) -> None:
        if not self.done:
            self.done = True
            self.action()


def arm(monkeypatch: pytest.MonkeyPatch, point: str, target: Path, inject: Injector) -> None:
    def wrap(
        owner: object, name: str, before: Callable[..., bool], after: Callable[..., bool]
    ) -> None:
        original = getattr(owner, name)

        def wrapped(*args: object, **kwargs: object) -> object:
            if before(*args):
                inject.fire()
            result = original(*args, **kwargs)
            if after(*args):
                inject.fire()
            return result

        monkeypatch.setattr(owner, name, wrapped)

    def never(*args: object) -> bool:
        return False

    def always(*args: object) -> bool:
        return True

    if point == "engine":
        wrap(PseudoEngine, "translate", always, never)
    elif point == "after-read":
        wrap(project, "_read_catalog", never, lambda path: path == target)
    elif point == "after-templates":
        wrap(files, "write_atomic", never, lambda path, *a: Path(path).suffix == ".pot")
    elif point == "after-other-catalog":
        wrap(files, "compare_and_swap", never, lambda path, *a: path != target)
    elif point == "before-recheck":  # between our temp file and the re-read before the rename
        wrap(files, "_write_temp", never, lambda path, payload: path == target)
    elif point == "build":
        wrap(publish, "plan", always, never)


@pytest.mark.parametrize("trial", range(240))
def test_a_save_at_any_point_of_a_run_survives_it(translated, monkeypatch, trial):
    rng = random.Random(trial)
    point = POINTS[trial % len(POINTS)]
    style = rng.choice(["poedit", "editor"])
    with tempfile.TemporaryDirectory(dir=SCRATCH) as tmp:
        root = Path(tmp) / "p"
        shutil.copytree(translated, root)
        slug = f"post-{rng.randrange(3):04d}"
        target = root / "locales" / rng.choice(LOCALES) / f"{slug}.po"
        msgid = rng.choice([e.msgid for e in catalog.load(target)])
        text = f"검토된 번역 {trial}"
        if point != "build":  # a source edit, so the engine has something to do
            doc = root / "source" / f"post-{rng.randrange(3):04d}.md"
            doc.write_text(doc.read_text() + f"\nA new sentence {trial} arrived.\n")
        inject = Injector(lambda: save(target, msgid, text, style))
        arm(monkeypatch, point, target, inject)
        config = load_config(root)
        docs = project.load_documents(config)
        if point == "build":
            building.build(config, docs, pseudo=True)
        else:
            project.translate(config, docs)
        assert inject.done, f"{point} was never reached"
        assert lost(target, {msgid: text}) == [], f"{point}/{style}: the save was lost"
        if point != "build":  # and the run's own work arrived too
            assert all(e.msgstr for e in catalog.load(target) if not e.obsolete)


# --- real processes: saves at random moments ---------------------------------------------


def run_with_saves(
    root: Path, command: list[str], rng: random.Random, saves: int
) -> tuple[int, int]:
    """(saves made while the run was going, saves lost) for one run of postlingo."""
    catalogs = sorted((root / "locales").glob("*/*.po"))
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "ARGOS_PACKAGES_DIR": "/nonexistent"}
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "-C", str(root), *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    saved: dict[Path, dict[str, str]] = {}
    during = 0
    for n in range(saves):
        time.sleep(rng.uniform(0.0, 0.25))
        path = rng.choice(catalogs)
        msgid = rng.choice([e.msgid for e in polib.pofile(str(path)) if not e.obsolete])
        text = f"리뷰어 저장 {n} {rng.randrange(10**6)}"
        alive = run.poll() is None
        save(path, msgid, text, rng.choice(["poedit", "editor"]))
        during += alive and run.poll() is None
        saved.setdefault(path, {})[msgid] = text
    _, err = run.communicate(timeout=120)
    assert run.returncode in (0, 1), err
    return during, sum(len(lost(path, entries)) for path, entries in saved.items())


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _translated_project(tmp_path_factory.mktemp("big"), 60, 6, 1)


@pytest.mark.parametrize("command", [["translate"], ["build", "--pseudo"]])
def test_saves_from_another_process_during_real_runs_are_never_lost(big, tmp_path, command):
    rng = random.Random(" ".join(command))
    during = lost_saves = 0
    for trial in range(6):
        root = tmp_path / f"t{trial}"
        shutil.copytree(big, root)
        if command == ["translate"]:  # new sentences everywhere: a long merge and MT
            for doc in sorted((root / "source").glob("*.md"))[::3]:
                doc.write_text(doc.read_text() + f"\nOne more sentence {trial}.\n")
        made, gone = run_with_saves(root, command, rng, saves=10)
        during += made
        lost_saves += gone
    print(f"\n{' '.join(command)}: {during} saves during the runs, {lost_saves} lost")
    assert lost_saves == 0
    assert during > 0  # the harness did race the runs


def test_a_second_run_waits_for_the_first_and_says_for_whom(translated, tmp_path):
    from pipeline.lock import project_lock

    root = tmp_path / "p"
    shutil.copytree(translated, root)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "ARGOS_PACKAGES_DIR": "/nonexistent"}
    with project_lock(root, print):
        second = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "-C", str(root), "translate"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert second.stderr is not None
        line = second.stderr.readline()  # written before it blocks on the lock
        assert line == f"waiting for another postlingo run (pid {os.getpid()}) to finish\n"
        assert second.poll() is None
    _, rest = second.communicate(timeout=60)
    assert second.returncode == 0, rest


def test_a_save_that_does_not_parse_is_left_as_saved_and_reported(
    translated, tmp_path, monkeypatch
):
    root = tmp_path / "p"
    shutil.copytree(translated, root)
    target = root / "locales" / "ja" / "post-0001.po"
    doc = root / "source" / "post-0001.md"
    doc.write_text(doc.read_text() + "\nA sentence to translate.\n")
    lines = target.read_bytes().split(b"\n")
    half = b"\n".join([*lines[:12], b'msgstr "half a save', *lines[13:]])
    arm(monkeypatch, "engine", target, Injector(lambda: target.write_bytes(half)))
    config = load_config(root)
    result = project.translate(config, project.load_documents(config))
    assert target.read_bytes() == half
    assert any(w.startswith(f"{target}:") and "left as saved" in w for w in result.warnings)
    other = root / "locales" / "ko" / "post-0001.po"
    assert "A sentence to translate." in other.read_text()  # the rest of the run went on
