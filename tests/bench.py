"""`make bench`: argostranslate's way vs `postlingo translate` vs raw CTranslate2.

Builds a synthetic Argos package of real size (Transformer-base: 6+6 layers,
d_model 512, 8 heads, FFN 2048, 32,000-token vocabulary, int8) whose weights
copy the input, so outputs are as long as the inputs, as real translations
roughly are. Then, on the sample posts' en→ko segments, at beam 4:
  (a) argostranslate's way: one translate_batch per segment, max_batch_size=32 tokens;
  (b) `postlingo translate --engine argos` end to end, catalogs written, in a subprocess;
  (c) raw CTranslate2, every segment in one call (best of a few settings): the ceiling.
Not a timed test: it prints numbers.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BEAM = 4
REPEAT = int(os.environ.get("BENCH_REPEAT", "2"))


def _segments(project: Path) -> list[str]:
    """The msgids that `postlingo translate` sent to the engine (the ko catalogs' entries)."""
    import polib

    seen: dict[str, None] = {}
    for po in sorted((project / "locales" / "ko").glob("*.po")):
        for entry in polib.pofile(str(po)):
            if not entry.obsolete and "machine: argos" in entry.tcomment:
                seen[entry.msgid] = None
    return list(seen)


def _postlingo(project: Path, *args: str) -> float:
    started = time.perf_counter()
    exe = Path(sys.executable).with_name("postlingo")
    subprocess.run([str(exe), "-C", str(project), *args], check=True, capture_output=True)
    return time.perf_counter() - started


def _best(run: Callable[[], tuple[float, int]]) -> tuple[float, int]:
    """The fastest of REPEAT runs: other work on the machine only ever adds time."""
    return min(run() for _ in range(REPEAT))


def _ctranslate2_run(
    model: Path, batches: list[list[list[str]]], inter: int, intra: int, **options: Any
) -> tuple[float, int]:
    import ctranslate2

    started = time.perf_counter()
    translator = ctranslate2.Translator(
        str(model), compute_type="int8", inter_threads=inter, intra_threads=intra
    )
    tokens = 0
    for batch in batches:
        for result in translator.translate_batch(batch, beam_size=BEAM, **options):
            tokens += len(result.hypotheses[0])
    return time.perf_counter() - started, tokens


def main() -> None:
    from pipeline import models
    from tests.argos_models import base_package

    work = Path(tempfile.mkdtemp(prefix="postlingo-bench-"))
    try:
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
        print(
            f"  {archive.name}: {size:.0f} MB zipped, built in {time.perf_counter() - started:.0f} s"
        )

        project = work / "project"
        shutil.copytree(REPO / "source", project / "source")
        if (REPO / "glossary.csv").is_file():
            shutil.copy(REPO / "glossary.csv", project / "glossary.csv")
        (project / "postlingo.toml").write_text(
            'targets = ["ko"]\nmodels_dir = "models"\nignore = ["Previous image", "Next image"]\n',
            encoding="utf-8",
        )
        package = models.install_archive(archive, project / "models")

        # (b) first, from a cold cache: postlingo end to end in its own process
        b_times = []
        for _ in range(REPEAT):
            shutil.rmtree(project / ".postlingo", ignore_errors=True)
            shutil.rmtree(project / "locales", ignore_errors=True)
            b_times.append(_postlingo(project, "translate", "--engine", "argos", "--to", "ko"))
        b_time = min(b_times)
        b_memory = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        cached_time = _postlingo(project, "translate", "--engine", "argos", "--to", "ko")
        segments = _segments(project)
        if not segments:
            raise SystemExit("no en→ko segments were machine-translated: nothing to compare")

        from pipeline.engines.argos import PackageModel, decoding_bound
        from pipeline.shield import shield

        tokenizer = PackageModel(package, None)  # type: ignore[arg-type]
        tokens = [tokenizer.encode(shield(s).text) for s in segments]
        model = package.path / "model"
        cores = len(os.sched_getaffinity(0))

        # (a) argostranslate's way: one call per segment, its own settings
        a_time, a_tokens = _best(
            lambda: _ctranslate2_run(
                model,
                [[t] for t in tokens],
                1,
                0,
                max_batch_size=32,
                batch_type="tokens",
                length_penalty=0.2,
                replace_unknowns=True,
            )
        )
        # (c) raw CTranslate2, all segments in one call: best of a few settings
        ceilings: dict[str, tuple[float, int]] = {}
        settings: list[tuple[str, int, int, dict[str, Any]]] = [
            (f"1×{cores} threads, one batch", 1, cores, {}),
            (
                f"{cores}×1 threads, 512-token sub-batches",
                cores,
                1,
                {"max_batch_size": 512, "batch_type": "tokens"},
            ),
        ]
        bound = decoding_bound(max(map(len, tokens)))
        for label, inter, intra, options in settings:
            ceilings[label] = _best(
                lambda i=inter, j=intra, o=options: _ctranslate2_run(  # type: ignore[misc]
                    model, [tokens], i, j, length_penalty=0.2, max_decoding_length=bound, **o
                )
            )
        c_label, (c_time, c_tokens) = min(ceilings.items(), key=lambda kv: kv[1][0])
        peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        n = len(segments)
        rows: list[tuple[str, float, int]] = [
            ("(a) argostranslate's way, per segment", a_time, a_tokens),
            ("(b) postlingo translate, end to end", b_time, c_tokens),
            (f"(c) raw CTranslate2: {c_label}", c_time, c_tokens),
        ]
        rows += [(f"    (c) {k}", v[0], v[1]) for k, v in ceilings.items() if k != c_label]
        print(
            f"\n{n} en→ko segments, {sum(map(len, tokens))} source tokens, beam {BEAM}, {cores} cores"
        )
        print(f"{'':44} {'seconds':>8} {'segments/s':>11} {'tokens/s':>9}")
        for label, seconds, count in rows:
            print(f"{label:44} {seconds:8.2f} {n / seconds:11.1f} {count / seconds:9.0f}")
        _summary(a_time, b_time, c_time, cached_time, b_memory, peak_self)
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _summary(
    a: float, b: float, c: float, cached: float, b_memory: float, self_memory: float
) -> None:
    line: Callable[[str, str], None] = lambda k, v: print(f"{k:44} {v}")  # noqa: E731
    print()
    line("a / b (goal ≥ 3)", f"{a / b:.2f}×")
    line("b reaches this share of c (goal ≥ 90%)", f"{c / b:.0%}")
    line("fully cached re-run (goal < 1 s)", f"{cached:.2f} s")
    line("peak memory of (b), whole process", f"{b_memory:.0f} MB")
    line("peak memory of this process, (a) and (c)", f"{self_memory:.0f} MB")
    print("(b) includes Python start-up, parsing, catalog writing and model loading;")
    print("(a) and (c) include model loading and tokenization only.")
    print(f"each figure is the best of {REPEAT} runs (BENCH_REPEAT)")


if __name__ == "__main__":
    main()
