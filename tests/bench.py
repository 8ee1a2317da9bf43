"""`make bench-mt`: argostranslate's way vs `postlingo translate` vs raw CTranslate2.

Builds a synthetic Argos package of real size (Transformer-base: 6+6 layers,
d_model 512, 8 heads, FFN 2048, 32,000-token vocabulary, int8) whose weights
copy the input, so outputs are as long as the inputs, as real translations
roughly are. Then, on the sample posts' en→ko segments, at beam 4, each row
is one whole Python process timed from the outside (start-up, imports, model
load, tokenization and decoding included):
  (a) argostranslate's way (tests/mt_ceiling.py argos): one translate_batch per
      segment, max_batch_size 32, default threads; without argostranslate's own
      stanza/torch imports and sentence splitting, which would only slow it;
  (b) `postlingo translate --engine argos --to ko`, from an empty .postlingo/
      and locales/: config, reading and segmenting posts, shielding, the model,
      catalogs written;
  (c) the ceiling (tests/mt_ceiling.py ceiling): CTranslate2 alone, fed the
      very texts postlingo fed its tokenizer, at the same beam, length penalty
      and decoding bounds; each round runs every setting in ceilings() (one
      call with 1×N or N×1 threads, or postlingo's one call per length
      bucket), and (c) is the setting with the lowest median.
After each (b), (b) again with every segment in the MT cache. One untimed
(b) first finds the segments and warms the page cache for all. Rounds are
interleaved (a, b, c, a, b, c…) so machine load falls on every row
alike; each figure is the median of BENCH_REPEAT rounds (3). `--json FILE`
writes the medians for tests/bench_summary.py. Not a timed test: it prints numbers.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests import bench_summary

REPO = Path(__file__).resolve().parent.parent
BEAM = 4
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


@dataclass
class Row:
    """One way of translating: its command and, per round, wall seconds and peak RSS."""

    label: str
    command: list[str]
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    output: str = ""

    def run(self, launcher: Executor, before: Sequence[Path] = ()) -> None:
        for folder in before:
            shutil.rmtree(folder, ignore_errors=True)
        seconds, peak, self.output = launcher.submit(_process, self.command).result()
        self.seconds.append(seconds)
        self.peak_mb.append(peak)

    def medians(self) -> dict[str, object]:
        return {
            "label": self.label,
            "seconds": statistics.median(self.seconds),
            "peak_mb": statistics.median(self.peak_mb),
            "runs": self.seconds,
        }


def _process(command: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of one whole process; it must succeed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, cwd=REPO)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{err.read().decode()}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


def _segments(project: Path) -> list[str]:
    """The msgids that `postlingo translate` sent to the engine (the ko catalogs' entries)."""
    import polib

    seen: dict[str, None] = {}
    for po in sorted((project / "locales" / "ko").glob("*.po")):
        for entry in polib.pofile(str(po)):
            if not entry.obsolete and "machine: argos" in entry.tcomment:
                seen[entry.msgid] = None
    return list(seen)


def _tokenizer_input(project: Path) -> list[str]:
    """What postlingo fed its tokenizer: each segment shielded with the glossary, once."""
    from pipeline import config
    from pipeline.engines.argos import ArgosEngine
    from pipeline.shield import has_words, shield

    terms = ArgosEngine(config.load(project)).glossary.for_locale("ko")
    shielded = [shield(text, terms) for text in _segments(project)]
    return list(dict.fromkeys(s.text for s in shielded if has_words(s)))


def _project(work: Path) -> tuple[Path, Path]:
    """A copy of the sample posts with the base package installed: (project, package)."""
    from pipeline import models
    from tests.argos_models import base_package

    print("building a Transformer-base package (int8, 32k vocabulary)…", flush=True)
    started = time.perf_counter()
    lines = [
        line
        for path in sorted((REPO / "source").glob("*.*"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    archive = base_package(work / "dl", lines)
    size = archive.stat().st_size / 1e6
    print(f"  {archive.name}: {size:.0f} MB zipped, built in {time.perf_counter() - started:.0f} s")
    project = work / "project"
    shutil.copytree(REPO / "source", project / "source")
    if (REPO / "glossary.csv").is_file():
        shutil.copy(REPO / "glossary.csv", project / "glossary.csv")
    (project / "postlingo.toml").write_text(
        'targets = ["ko"]\nmodels_dir = "models"\nignore = ["Previous image", "Next image"]\n',
        encoding="utf-8",
    )
    return project, models.install_archive(archive, project / "models").path


def ceilings(ceiling: list[str], cores: int) -> list[Row]:
    """The raw CTranslate2 settings (c) is the best of: one call, or postlingo's buckets."""
    spread = ["--inter", str(cores), "--intra", "1", "--sub-batch", "512"]
    return [
        Row(f"raw CTranslate2, 1×{cores} threads, one call", [*ceiling, "--intra", str(cores)]),
        Row(f"raw CTranslate2, {cores}×1 threads, 512-token batches", [*ceiling, *spread]),
        Row(
            f"raw CTranslate2, {cores}×1, 512-token batches, buckets",
            [*ceiling, *spread, "--buckets"],
        ),
    ]


def main() -> None:
    # Linux keeps a process's peak RSS across fork and exec, so every child of this
    # process, which grows by hundreds of MB building the model, would report at
    # least that. A worker spawned now, while this process is small, starts them.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as launcher:
        launcher.submit(int).result()
        _bench(launcher)


def _bench(launcher: Executor) -> None:
    work = Path(tempfile.mkdtemp(prefix="postlingo-bench-"))
    try:
        project, package = _project(work)
        fresh = [project / ".postlingo", project / "locales"]
        postlingo = [str(Path(sys.executable).with_name("postlingo")), "-C", str(project)]
        translate = [*postlingo, "translate", "--engine", "argos", "--to", "ko"]
        warm_up = Row("", translate)
        # untimed: finds the segments, and warms the page cache for every row alike
        warm_up.run(launcher, fresh)
        texts = _tokenizer_input(project)
        if not texts:
            raise SystemExit("no en→ko segments were machine-translated: nothing to compare")
        texts_file = work / "texts.json"
        texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")

        cores = len(os.sched_getaffinity(0))
        mt = [sys.executable, "-m", "tests.mt_ceiling"]
        given = [str(package), str(texts_file), "--beam", str(BEAM)]
        a = Row("argostranslate's way, per segment", [*mt, "argos", *given])
        b = Row("postlingo translate, end to end", translate)
        cached = Row("postlingo translate again, all cached", translate)
        settings = ceilings([*mt, "ceiling", *given], cores)
        for round_number in range(REPEAT):
            a.run(launcher)
            b.run(launcher, fresh)
            cached.run(launcher)
            for row in settings:
                row.run(launcher)
            done = ", ".join(f"{r.label} {r.seconds[-1]:.2f} s" for r in (a, b, *settings))
            print(f"round {round_number + 1}/{REPEAT}: {done}", file=sys.stderr, flush=True)
        c = min(settings, key=lambda r: statistics.median(r.seconds))
        tokens = json.loads(c.output)
        data = {
            "bench": "mt",
            "rounds": REPEAT,
            "segments": len(texts),
            "source_tokens": tokens["source_tokens"],
            "target_tokens": tokens["target_tokens"],
            "beam": BEAM,
            "cores": cores,
            "rows": {
                "a": a.medians(),
                "b": b.medians(),
                "c": c.medians(),
                "cached": cached.medians(),
            },
            "ceilings": {r.label: r.medians() for r in settings},
        }
        _report(data)
        bench_summary.save(data, sys.argv)
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _report(data: dict[str, Any]) -> None:
    n, tokens = data["segments"], data["target_tokens"]
    print(
        f"\n{n} en→ko segments, {data['source_tokens']} source tokens, beam {data['beam']}, "
        f"{data['cores']} cores; whole processes, medians of {data['rounds']} interleaved rounds"
    )
    print(f"{'':56} {'median s':>8} {'min':>6} {'max':>6} {'seg/s':>6} {'tokens/s':>8} {'MB':>5}")
    rows = [(f"({k}) {v['label']}", v) for k, v in data["rows"].items() if k != "cached"]
    rows += [
        (f"    {label}", v)
        for label, v in data["ceilings"].items()
        if label != data["rows"]["c"]["label"]
    ]
    rows.append((f"    {data['rows']['cached']['label']}", data["rows"]["cached"]))
    for label, v in rows:
        s = v["seconds"]
        print(
            f"{label:56} {s:8.2f} {min(v['runs']):6.2f} {max(v['runs']):6.2f} "
            f"{n / s:6.1f} {tokens / s:8.0f} {v['peak_mb']:5.0f}"
        )
    print()
    goals = [r for r in bench_summary.targets({"mt": data}) if r.measure.startswith("MT:")]
    for row in bench_summary.mt_ratios(data) + goals:
        print(f"{row.measure:56} {row.figure:>8}  {row.target} {row.verdict}".rstrip())


if __name__ == "__main__":
    main()
