"""`make bench-merge`: the pure stages at scale, as a table of medians.

- merge: one 4,000-entry reviewed catalog, a template in which U sentences
  were edited (a word changed, added or dropped), merged for one locale;
- dump: the merged catalog laid out as msgcat would (the PO writer);
- big post: one generated Markdown post of 20 kB, 2 MB and 20 MB read,
  segmented, templated and dumped (what `extract` does to it), each size in a
  fresh process: seconds per MB, and the peak memory over the input size
  (tracemalloc's peak in a separate run, so the timing is not slowed; and the
  whole process's peak RSS, interpreter and imports included).

Not a timed test: it prints numbers, the median of BENCH_REPEAT rounds (default 3);
`--json FILE` writes them for tests/bench_summary.py. BENCH_EDITS and
BENCH_BIG_POSTS choose the rows ("100,400,800", "20k,2M,20M"; not BENCH_SIZES,
which is bench_pipeline's number of posts).
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import polib

from tests import bench_summary

ROUNDS = int(os.environ.get("BENCH_REPEAT", "3"))
ENTRIES = 4000
EDITS = [int(n) for n in os.environ.get("BENCH_EDITS", "100,400,800").split(",")]
SIZES = os.environ.get("BENCH_BIG_POSTS", "20k,2M,20M").split(",")
_UNITS = {"k": 1000, "M": 1000_000}

_WORDS = str.split(
    "the a patient clinic doctor lift thread facelift skin face jawline cheek swelling "
    "bruise recovery week day month result incision layer SMAS tissue volume elasticity "
    "procedure consultation surgery method structure line fold smile photo mirror age "
    "natural gentle lasting precise effective quick small short long deep soft firm "
    "is are was can may will should often rarely always never usually slowly clearly "
    "choose prefer recommend discuss compare notice feel look return heal fade lift pull"
)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def _edit(rng: random.Random, sentence: str) -> str:
    words = sentence.rstrip(".").split()
    i = rng.randrange(len(words))
    action = rng.choice(("change", "add", "drop"))
    if action == "change":
        words[i] = rng.choice(_WORDS)
    elif action == "add":
        words.insert(i, rng.choice(_WORDS))
    elif len(words) > 3:
        del words[i]
    return " ".join(words).capitalize() + "."


def _catalogs(edits: int, seed: int = 7) -> tuple[polib.POFile, polib.POFile]:
    """(template, existing): a reviewed catalog and a template with `edits` sentences changed."""
    rng = random.Random(seed)
    sentences = list(dict.fromkeys(_sentence(rng) for _ in range(ENTRIES + 100)))[:ENTRIES]
    existing = polib.POFile()
    existing.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for n, text in enumerate(sentences):
        entry = polib.POEntry(msgid=text, msgstr=f"번역 {n}: {text[::-1]}")
        entry.occurrences = [("source/post.md", str(n + 1))]
        existing.append(entry)
    changed = set(rng.sample(range(ENTRIES), edits))
    known = set(sentences)
    template = polib.POFile()
    template.metadata = {"Content-Type": "text/plain; charset=UTF-8", "X-Source-Language": "en"}
    for n, text in enumerate(sentences):
        if n in changed:
            new = _edit(rng, text)
            while new in known:
                new = _edit(rng, new)
            known.add(new)
            text = new
        entry = polib.POEntry(msgid=text, msgstr="")
        entry.occurrences = [("source/post.md", str(n + 1))]
        entry.comment = "paragraph"
        template.append(entry)
    return template, existing


def _timed(run: object) -> float:
    started = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - started


def merge_figures() -> dict[str, dict[str, float]]:
    """Median seconds to merge per number of edits, fuzzy entries carried, and the PO writer's."""
    from pipeline import catalog

    figures: dict[str, dict[str, float]] = {"merge": {}, "fuzzy": {}, "dump": {}}
    for edits in EDITS:
        template, existing = _catalogs(edits)
        times = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            merged = catalog.merge(template, existing, "ko")
            times.append(time.perf_counter() - started)
        figures["merge"][str(edits)] = statistics.median(times)
        figures["fuzzy"][str(edits)] = sum(1 for e in merged if e.fuzzy and not e.obsolete)
    template, existing = _catalogs(EDITS[-1])
    po = catalog.merge(template, existing, "ko")
    figures["dumped"] = {"entries": len(po)}
    for width in (79, 0):
        times = [_timed(lambda w=width: catalog.dump(po, w)) for _ in range(ROUNDS)]
        figures["dump"][str(width)] = statistics.median(times)
    return figures


def merge_rows(figures: dict[str, dict[str, float]]) -> list[tuple[str, str]]:
    rows = [
        (
            f"merge {ENTRIES} entries, {edits} edited (per locale)",
            f"{seconds:.3f} s  ({figures['fuzzy'][edits]:.0f} carried as fuzzy)",
        )
        for edits, seconds in figures["merge"].items()
    ]
    dumped = figures["dumped"]["entries"]
    rows += [
        (
            f"dump the merged catalog ({dumped:.0f} entries), width {width}",
            f"{seconds * 1000:.0f} ms",
        )
        for width, seconds in figures["dump"].items()
    ]
    return rows


# --- one big post ----------------------------------------------------------------

_KO = "미니거상 후 붓기는 보통 이 주 정도면 빠지고 일상으로 돌아가실 수 있습니다"


def big_post(size: int, seed: int = 3) -> str:
    """A Markdown post of about `size` bytes: headings, paragraphs, lists, links, Korean."""
    rng = random.Random(seed)
    parts = ["---\ntitle: A long post\nlang: en\n---\n"]
    total = len(parts[0])
    n = 0
    while total < size:
        n += 1
        kind = n % 7
        if kind == 0:
            block = f"## Section {n}: {_sentence(rng)}"
        elif kind == 3:
            block = "\n".join(f"- {_sentence(rng)} Item {n}.{k}." for k in range(4))
        elif kind == 5:
            block = f"{_KO} {n}번째 문단입니다. " + " ".join(_sentence(rng) for _ in range(3))
        else:
            words = " ".join(f"{_sentence(rng)[:-1]} (step {n}.{k})." for k in range(5))
            block = f"{words} Read **the guide {n}** at [the clinic](https://example.com/{n})."
        parts.append(block + "\n")
        total += len(block.encode("utf-8")) + 2
    return "\n".join(parts)


def _extract(path: Path) -> int:
    """What `extract` does to one post, minus the write; the number of sentences."""
    from pipeline import catalog, sources
    from pipeline.segment import segment_document

    pot = catalog.template(segment_document(sources.read(path, path.parent)), "bench")
    assert catalog.dump(pot, 79)
    return len(pot)


def _child(path: str, traced: bool) -> None:
    """In a fresh process, after a warm-up: seconds and sentences, or the traced peak."""
    warm = Path(path).with_name("warm.md")
    warm.write_text(big_post(2000), encoding="utf-8")
    _extract(warm)
    if traced:  # Python's own allocations, exactly; slower, so timed apart
        tracemalloc.start()
        _extract(Path(path))
        print(tracemalloc.get_traced_memory()[1])
        return
    started = time.perf_counter()
    sentences = _extract(Path(path))
    seconds = time.perf_counter() - started
    print(f"{seconds} {sentences} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}")


def _run_child(path: Path, *flags: str) -> list[str]:
    command = [sys.executable, "-m", "tests.bench_merge", "--child", str(path), *flags]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()


def big_post_figures() -> dict[str, dict[str, float]]:
    """Per size label: MB, sentences, median seconds (and per MB), traced peak and RSS in MB."""
    figures = {}
    with tempfile.TemporaryDirectory(prefix="postlingo-bench-big-") as tmp:
        for label in SIZES:
            size = int(float(label[:-1]) * _UNITS[label[-1]])
            path = Path(tmp) / f"big-{label}.md"
            path.write_text(big_post(size), encoding="utf-8")
            mb = path.stat().st_size / 1e6
            runs = [_run_child(path) for _ in range(ROUNDS)]
            seconds = statistics.median(float(r[0]) for r in runs)
            figures[label] = {
                "mb": mb,
                "sentences": int(runs[0][1]),
                "seconds": seconds,
                "s_per_mb": seconds / mb,
                "traced_peak_mb": int(_run_child(path, "--traced")[0]) / 1e6,
                "rss_mb": statistics.median(int(r[2]) for r in runs) / 1e6,
            }
    return figures


def big_post_rows(figures: dict[str, dict[str, float]]) -> list[tuple[str, str]]:
    return [
        (
            f"extract one {label}B post ({f['mb']:.2f} MB, {f['sentences']:.0f} sentences)",
            f"{f['seconds']:.2f} s = {f['s_per_mb']:.2f} s/MB; traced peak "
            f"{f['traced_peak_mb']:.0f} MB = {f['traced_peak_mb'] / f['mb']:.1f}× the input; "
            f"RSS {f['rss_mb']:.0f} MB",
        )
        for label, f in figures.items()
    ]


def main() -> None:
    wide = 62
    print(f"{'pure stages (median of ' + str(ROUNDS) + ' rounds)':<{wide}}  result")
    print("-" * (wide + 60))
    merged = merge_figures()
    for name, value in merge_rows(merged):
        print(f"{name:<{wide}}  {value}", flush=True)
    big = big_post_figures()
    for name, value in big_post_rows(big):
        print(f"{name:<{wide}}  {value}", flush=True)
    data = {"bench": "merge", "rounds": ROUNDS, "entries": ENTRIES, "big_post": big, **merged}
    bench_summary.save(data, sys.argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], traced="--traced" in sys.argv)
    else:
        main()
