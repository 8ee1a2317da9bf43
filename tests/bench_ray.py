"""`make bench-ray`: the local engine against a local Ray cluster, on one synthetic batch.

The Transformer-base test package of tests/bench.py (int8, 32k vocabulary, weights
that copy the input), 200 generated posts (BENCH_POSTS), en→ko at beam 4:
  local: `postlingo translate --cluster local`, 2 replicas × 1 thread;
  ray:   `postlingo translate --cluster ray`, a local cluster started for the run,
         2 workers × 1 thread.
Whole processes, as a user runs them; medians of BENCH_REPEAT rounds, interleaved.
Prints the overhead in seconds and as a share of the local run, the cluster's
start-up cost, and whether the catalogs are byte-identical. Not a timed test.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POSTS = int(os.environ.get("BENCH_POSTS", "200"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
CONFIG = """targets = ["ko"]
models_dir = "models"
cache = ".postlingo/mt-cache.sqlite"
[mt]
beam_size = 4
inter_threads = 2
intra_threads = 1
workers = 2
"""


def sentences() -> list[str]:
    """English sentences of the sample posts, to recombine into posts."""
    lines = []
    for path in sorted((REPO / "source").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        body = text.split("---", 2)[-1]
        lines += [s.strip() + "." for s in body.replace("\n", " ").split(". ") if len(s) > 20]
    return lines or ["The thread lift lasts about a year, and swelling settles in a week."]


def make_project(root: Path, package_dir: Path) -> None:
    rng = random.Random(7)
    pool = sentences()
    (root / "source").mkdir(parents=True)
    for n in range(POSTS):
        picked = rng.sample(pool, k=min(3, len(pool)))
        body = "\n\n".join(f"{s} Post {n}, part {i}." for i, s in enumerate(picked))
        (root / "source" / f"post-{n:04d}.md").write_text(
            f"---\ntitle: Post {n}\nlang: en\n---\n\n{body}\n", encoding="utf-8"
        )
    shutil.copytree(package_dir, root / "models")
    (root / "postlingo.toml").write_text(CONFIG, encoding="utf-8")


def translate(root: Path, cluster: str) -> float:
    shutil.rmtree(root / ".postlingo", ignore_errors=True)
    shutil.rmtree(root / "locales", ignore_errors=True)
    exe = Path(sys.executable).with_name("postlingo")
    started = time.perf_counter()
    done = subprocess.run(
        [str(exe), "-C", str(root), "translate", "--engine", "argos", "--cluster", cluster],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{cluster}: {done.stderr.strip()}")
    return time.perf_counter() - started


def catalogs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "locales" / "ko").glob("*.po"))}


def startup_cost() -> float:
    """Seconds to start a local 2-CPU cluster and get one answer from an actor."""
    code = (
        "import os, time; os.environ.setdefault('RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER', '0');"
        "t = time.perf_counter(); import ray;"
        "ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False);"
        "A = ray.remote(type('A', (), {'f': lambda self: 1}));"
        "a = A.remote(); ray.get(a.f.remote()); print(time.perf_counter() - t); ray.shutdown()"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from pipeline import models
    from tests.argos_models import BASE, TRAINING_LINES, build_package

    work = Path(tempfile.mkdtemp(prefix="postlingo-bench-ray-"))
    try:
        print("building a Transformer-base package (int8, 32k vocabulary)…", flush=True)
        archive = build_package(
            work / "dl",
            "en",
            "ko",
            dims=BASE,
            quantization="int8",
            lines=[*TRAINING_LINES, *sentences()],
            sp_vocab=8000,
        )
        models.install_archive(archive, work / "models")
        projects = {name: work / name / "project" for name in ("local", "ray")}
        for root in projects.values():
            make_project(root, work / "models")
        times: dict[str, list[float]] = {"local": [], "ray": []}
        for round_ in range(REPEAT):
            for name in ("local", "ray") if round_ % 2 == 0 else ("ray", "local"):
                times[name].append(translate(projects[name], name))
                print(f"  round {round_ + 1}: {name} {times[name][-1]:.1f} s", flush=True)
        same = catalogs(projects["local"]) == catalogs(projects["ray"])
        segments = sum(
            p.read_text(encoding="utf-8").count("\nmsgid ") - 1
            for p in (projects["local"] / "locales" / "ko").glob("*.po")
        )
        start = statistics.median(startup_cost() for _ in range(REPEAT))
        local, ray = (statistics.median(times[n]) for n in ("local", "ray"))
        print()
        print(f"{POSTS} posts, {segments} en→ko segments, beam 4, medians of {REPEAT} rounds")
        print("| run | seconds | segments/s |")
        print("|---|---|---|")
        print(f"| local engine, 2 replicas × 1 thread | {local:.1f} | {segments / local:.1f} |")
        print(f"| Ray, local cluster, 2 workers × 1 thread | {ray:.1f} | {segments / ray:.1f} |")
        print(f"overhead of Ray: {ray - local:+.1f} s ({(ray - local) / local:+.0%} of the local run)")
        print(f"start-up of a local Ray cluster and a first actor call: {start:.1f} s")
        print(f"catalogs byte-identical: {'yes' if same else 'NO'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
