"""`make bench-pipeline`: whole `postlingo` processes over generated projects, one table.

At 10, 100 and 500 posts (BENCH_SIZES) of about 40 sentences, English, into 5
targets, with the pseudo engine: extract, translate and build from a fresh
copy (posts per second; their sum is the full first run), then `run` with
nothing changed (after one untimed `run`, which adds site/'s own pages beside
the pseudo previews `build --pseudo` made), then `run` after one post changed, and the peak memory of
any one of those processes. Each figure is the median of BENCH_ROUNDS (3)
rounds. With BENCH_BASELINE=<folder holding another checkout's pipeline/>,
the same rounds also run that code, interleaved, so both rows come from one
run on the same machine load. `--json FILE` writes this code's medians for
tests/bench_summary.py. Not a timed test: it prints numbers.
"""

from __future__ import annotations

import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests import bench_summary

REPO = Path(__file__).resolve().parent.parent
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "10,100,500").split(",") if n]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# BENCH_BASELINE_SIZES: the sizes the baseline runs at (all by default; it may be slow)
BASELINE_SIZES = [
    int(n) for n in os.environ.get("BENCH_BASELINE_SIZES", ",".join(map(str, SIZES))).split(",")
]
TARGETS = ["ko", "ja", "de", "fr", "es"]
SENTENCES = 40

_WORDS = [
    "thread",
    "lift",
    "skin",
    "clinic",
    "recovery",
    "swelling",
    "layer",
    "tissue",
    "result",
    "patient",
    "doctor",
    "week",
    "procedure",
    "face",
    "collagen",
    "needle",
    "surgery",
    "plan",
    "price",
    "booking",
    "consultation",
    "cheek",
    "line",
    "jaw",
    "neck",
    "support",
    "effect",
    "month",
    "year",
    "downtime",
    "method",
    "tension",
    "bruise",
    "appointment",
]
_VERBS = [
    "lifts",
    "tightens",
    "supports",
    "shows",
    "reduces",
    "needs",
    "takes",
    "keeps",
    "improves",
    "changes",
]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 14))]
    words.insert(1, rng.choice(_VERBS))
    if rng.random() < 0.2:
        words[3] = f"**{words[3]}**"
    if rng.random() < 0.1:
        words[-2] = f"[{words[-2]}](https://clinic.example/{rng.randint(1, 999)})"
    return " ".join(words).capitalize() + rng.choice(".!?.")


def post(index: int, seed: int = 0) -> str:
    """A Markdown post of about SENTENCES sentences: headings, paragraphs, a list."""
    rng = random.Random(index * 7919 + seed)
    lines = ["---", f"title: Post {index} about {rng.choice(_WORDS)}", "---", ""]
    left = SENTENCES - 1
    while left > 0:
        kind = rng.random()
        if kind < 0.15:
            lines += [f"## {_sentence(rng).rstrip('.!?')}", ""]
            left -= 1
        elif kind < 0.3:
            items = min(left, 3)
            lines += [f"- {_sentence(rng)}" for _ in range(items)] + [""]
            left -= items
        else:
            count = min(left, rng.randint(2, 4))
            lines += [" ".join(_sentence(rng) for _ in range(count)), ""]
            left -= count
    return "\n".join(lines)


def edited(text: str) -> str:
    """A writer's edit: one sentence reworded, one paragraph added."""
    head, body = text.split("---\n\n", 1)
    body = re.sub(r"\.(\s)", r" as agreed.\1", body, count=1)
    return f"{head}---\n\n{body}\nA new paragraph starts here. It ends here.\n"


def make_project(folder: Path, posts: int) -> None:
    (folder / "source").mkdir(parents=True)
    targets = ", ".join(f'"{t}"' for t in TARGETS)
    (folder / "postlingo.toml").write_text(
        f'targets = [{targets}]\nengine = "pseudo"\n', encoding="utf-8"
    )
    for i in range(posts):
        (folder / "source" / f"post-{i:04d}.md").write_text(post(i), encoding="utf-8")


@dataclass
class Figures:
    """One code version at one size: a list of seconds (or MB) per measure, one per round."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    peak_mb: list[float] = field(default_factory=list)

    def add(self, measure: str, value: float) -> None:
        self.seconds.setdefault(measure, []).append(value)

    def median(self, measure: str) -> float:
        return statistics.median(self.seconds[measure])


def _postlingo(code: Path, project: Path, *args: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one whole `postlingo` process.

    CPU time is the process's and its workers' (user + system): on a machine
    shared with other work it moves far less than the wall clock.
    """
    # As an installed postlingo runs: its modules' bytecode cached (this machine's
    # environment sets PYTHONDONTWRITEBYTECODE, which would compile them in every process).
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "-C", str(project), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=code,  # `-m` puts the working folder first on sys.path, before PYTHONPATH
    )
    assert child.stderr is not None
    errors = child.stderr.read()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers it waited for, too
    cpu = usage.ru_utime + usage.ru_stime
    workers = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"postlingo {' '.join(args)} failed:\n{errors.decode()}")
    return seconds, max(cpu, workers), usage.ru_maxrss / 1024


def one_round(code: Path, master: Path, figures: Figures) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(master, project)
        peak = 0.0
        steps = [
            ("extract", ["extract"]),
            ("translate", ["translate", "--engine", "pseudo"]),
            ("build", ["build", "--pseudo"]),
            ("", ["run", "--engine", "pseudo"]),  # settles site/ beside the previews: untimed
            ("no-op run", ["run", "--engine", "pseudo"]),
        ]
        changed = project / "source" / "post-0000.md"
        steps.append(("one changed", ["run", "--engine", "pseudo"]))
        for measure, args in steps:
            if measure == "one changed":
                changed.write_text(edited(changed.read_text(encoding="utf-8")), encoding="utf-8")
            seconds, cpu, mb = _postlingo(code, project, *args)
            if not measure:
                continue
            figures.add(measure, seconds)
            figures.add(f"{measure} cpu", cpu)
            peak = max(peak, mb)
        figures.peak_mb.append(peak)
        for suffix in ("", " cpu"):
            first = sum(figures.seconds[m + suffix][-1] for m in ("extract", "translate", "build"))
            figures.add("full first run" + suffix, first)


def table(results: dict[tuple[str, int], Figures], versions: list[str]) -> list[str]:
    head = (
        f"{'code':<9} {'posts':>5} {'extract':>8} {'transl.':>8} {'build':>8} {'full 1st':>9} "
        f"{'no-op':>7} {'no-op/':>7} {'1 chg':>7} {'1 chg/':>7} {'full':>7} {'no-op':>6} "
        f"{'1 chg':>6} {'peak':>6}"
    )
    unit = (
        f"{'':<9} {'':>5} {'posts/s':>8} {'posts/s':>8} {'posts/s':>8} {'run, s':>9} "
        f"{'run, s':>7} {'full':>7} {'run, s':>7} {'full':>7} {'cpu s':>7} {'cpu s':>6} "
        f"{'cpu s':>6} {'MB':>6}"
    )
    lines = [head, unit]
    for size in SIZES:
        for version in versions:
            f = results.get((version, size))
            if f is None:
                continue
            full, noop, one = (f.median(m) for m in ("full first run", "no-op run", "one changed"))
            lines.append(
                f"{version:<9} {size:>5} {size / f.median('extract'):>8.1f} "
                f"{size / f.median('translate'):>8.1f} {size / f.median('build'):>8.1f} "
                f"{full:>9.2f} {noop:>7.2f} {noop / full:>7.1%} {one:>7.2f} {one / full:>7.1%} "
                f"{f.median('full first run cpu'):>7.1f} {f.median('no-op run cpu'):>6.2f} "
                f"{f.median('one changed cpu'):>6.2f} {max(f.peak_mb):>6.0f}"
            )
    return lines


def pool_break_even() -> list[str]:
    """Reading N posts in this process vs in a pool of all cores, median of ROUNDS."""
    from pipeline import config as configs
    from pipeline import posts

    lines = [f"{'posts':>5} {'serial s':>9} {'pool s':>9} {'pool/serial':>11}"]
    with tempfile.TemporaryDirectory(prefix="bench-pool-") as tmp:
        for size in (4, 8, 16, 32, 64, 128):
            root = Path(tmp) / f"p{size}"
            make_project(root, size)
            config = configs.load(root)
            paths = sorted((root / "source").glob("*.md"))
            timings: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(ROUNDS):
                for parallel in (False, True):
                    posts.POOL_THRESHOLD = 0
                    started = time.perf_counter()
                    posts._read_many(config, paths, parallel)
                    timings[parallel].append(time.perf_counter() - started)
            serial, pool = (statistics.median(timings[k]) for k in (False, True))
            lines.append(f"{size:>5} {serial:>9.3f} {pool:>9.3f} {pool / serial:>11.2f}")
    return lines


def main() -> None:
    if "--pool" in sys.argv:
        print(f"reading posts: one process vs a pool of {os.cpu_count()} (medians of {ROUNDS})")
        for line in pool_break_even():
            print(line)
        return
    codes = {"this": REPO}
    baseline = os.environ.get("BENCH_BASELINE")
    if baseline:
        codes = {"baseline": Path(baseline).resolve(), **codes}
    results: dict[tuple[str, int], Figures] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-masters-") as tmp:
        for size in SIZES:
            master = Path(tmp) / f"posts-{size}"
            make_project(master, size)
            for round_number in range(ROUNDS):
                for version, code in codes.items():
                    if version == "baseline" and size not in BASELINE_SIZES:
                        continue
                    figures = results.setdefault((version, size), Figures())
                    one_round(code, master, figures)
                    done = ", ".join(f"{m} {v[-1]:.2f}" for m, v in figures.seconds.items())
                    print(
                        f"{version} {size} posts, round {round_number + 1}/{ROUNDS}: {done}",
                        file=sys.stderr,
                        flush=True,
                    )
    print(
        f"\nwhole postlingo processes, pseudo engine, {len(TARGETS)} targets, "
        f"~{SENTENCES} sentences per post; medians of {ROUNDS} rounds; "
        f"{os.cpu_count()} CPUs"
    )
    for line in table(results, list(codes)):
        print(line)
    print(
        "full 1st run = extract + translate + build from a fresh copy; no-op run = `run` "
        "right after; 1 chg = `run` after one post changed; cpu s = user + system time of "
        "the process and its workers; peak = largest RSS of one process"
    )
    bench_summary.save(figures_json(results), sys.argv)


def figures_json(results: dict[tuple[str, int], Figures]) -> dict[str, object]:
    """This code's medians in seconds per size, and its peak memory in MB."""
    measures = ("extract", "translate", "build", "full first run", "no-op run", "one changed")
    sizes = {
        str(size): {m: f.median(m) for m in measures} | {"peak_mb": max(f.peak_mb)}
        for (version, size), f in results.items()
        if version == "this"
    }
    return {"bench": "pipeline", "rounds": ROUNDS, "targets": len(TARGETS), "sizes": sizes}


if __name__ == "__main__":
    main()
