"""The one table `make bench` ends with: every bench's medians, ratios and the issue's targets.

    python -m tests.bench_summary DIR

Each bench script, given `--json FILE`, writes its medians there (see save);
`make bench` writes them all into one folder (build/bench/) and this reads
extract.json, pipeline.json, merge.json and mt.json from it. A missing file
leaves its rows out and its targets "not measured": the table never shows a
figure that this run did not measure. Ratios are ratios of medians.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILES = ("extract", "pipeline", "merge", "mt")
TARGET_POSTS = "500"  # the targets are set at 500 posts
FULL_RUN_GOAL = 95 / 3  # seconds: a third of the 95 s the issue started from
MET, NOT_MET, UNMEASURED = "met", "not met", "not measured"


@dataclass(frozen=True)
class Row:
    measure: str
    figure: str = ""
    target: str = ""
    verdict: str = ""


def save(data: dict[str, Any], argv: list[str]) -> None:
    """Write data to the file after `--json` in argv, if there is one."""
    if "--json" in argv:
        path = Path(argv[argv.index("--json") + 1])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def load(folder: Path) -> dict[str, Any]:
    """The benches' figures by name; a bench that did not run is absent."""
    found = {}
    for name in FILES:
        path = folder / f"{name}.json"
        if path.is_file():
            found[name] = json.loads(path.read_text(encoding="utf-8"))
    return found


def _verdict(ok: bool) -> str:
    return MET if ok else NOT_MET


def extract_rows(data: dict[str, Any]) -> list[Row]:
    return [
        Row(
            f"segment + template {data['sentences']} sentences ({data['posts']} posts)",
            f"{data['us_per_sentence']:.0f} µs/sentence",
        )
    ]


def pipeline_rows(data: dict[str, Any]) -> list[Row]:
    rows = []
    for size, f in data["sizes"].items():
        full = f["full first run"]
        rows += [
            Row(f"{size} posts: extract", f"{int(size) / f['extract']:.1f} posts/s"),
            Row(f"{size} posts: translate (pseudo)", f"{int(size) / f['translate']:.1f} posts/s"),
            Row(f"{size} posts: build", f"{int(size) / f['build']:.1f} posts/s"),
            Row(f"{size} posts: full first run", f"{full:.2f} s"),
            Row(
                f"{size} posts: no-op run", f"{f['no-op run']:.2f} s = {f['no-op run'] / full:.1%}"
            ),
            Row(
                f"{size} posts: one post changed",
                f"{f['one changed']:.2f} s = {f['one changed'] / full:.1%}",
            ),
            Row(f"{size} posts: peak memory, one process", f"{f['peak_mb']:.0f} MB"),
        ]
    return rows


def merge_rows(data: dict[str, Any]) -> list[Row]:
    rows = [
        Row(f"merge {data['entries']:,} entries, {edits} edited", f"{seconds:.3f} s per locale")
        for edits, seconds in data["merge"].items()
    ]
    rows += [
        Row(f"PO writer, merged catalog, width {width}", f"{seconds * 1000:.0f} ms")
        for width, seconds in data["dump"].items()
    ]
    rows += [
        Row(
            f"extract one {label}B post",
            f"{f['s_per_mb']:.2f} s/MB, RSS {f['rss_mb']:.0f} MB",
        )
        for label, f in data["big_post"].items()
    ]
    return rows


def mt_rows(data: dict[str, Any]) -> list[Row]:
    n = data["segments"]
    rows = [
        Row(
            f"({key}) {row['label']}",
            f"{row['seconds']:.2f} s, {n / row['seconds']:.1f} seg/s, {row['peak_mb']:.0f} MB",
        )
        for key, row in data["rows"].items()
        if key in ("a", "b", "c")
    ]
    cached = data["rows"]["cached"]
    rows.append(Row(f"    {cached['label']}", f"{cached['seconds']:.2f} s"))
    return rows + mt_ratios(data)


def mt_ratios(data: dict[str, Any]) -> list[Row]:
    """Ratios of the rows' medians: how far (b) is from (a) and from the ceiling (c)."""
    a, b, c = (data["rows"][k]["seconds"] for k in "abc")
    return [
        Row("a / b (wall)", f"{a / b:.2f}×"),
        Row("b / c (wall)", f"{b / c:.2f}×"),
        Row("c / b: the share of the ceiling postlingo reaches", f"{c / b:.0%}"),
    ]


Measured = tuple[str, bool] | None  # (figure, met), or None: not in this run's figures


def _noop(f: dict[str, float] | None) -> Measured:
    if not f:
        return None
    noop, full = f["no-op run"], f["full first run"]
    return f"{noop:.2f} s = {noop / full:.1%}", noop < 1 and noop / full < 0.03


def _full(f: dict[str, float] | None) -> Measured:
    return (f"{f['full first run']:.2f} s", f["full first run"] <= FULL_RUN_GOAL) if f else None


def _one_changed(f: dict[str, float] | None) -> Measured:
    if not f:
        return None
    one, full = f["one changed"], f["full first run"]
    return f"{one:.2f} s = {one / full:.1%}", one / full < 0.05


def _merge(seconds: float | None) -> Measured:
    return None if seconds is None else (f"{seconds:.3f} s", seconds < 2)


def _ceiling_share(mt: dict[str, Any] | None) -> Measured:
    if not mt:
        return None
    share = mt["c"]["seconds"] / mt["b"]["seconds"]
    return f"{share:.0%}", share >= 0.90


def _against_argos(mt: dict[str, Any] | None) -> Measured:
    if not mt:
        return None
    speed_up = mt["a"]["seconds"] / mt["b"]["seconds"]
    return f"{speed_up:.2f}×", speed_up >= 3


def _cached(mt: dict[str, Any] | None) -> Measured:
    return (f"{mt['cached']['seconds']:.2f} s", mt["cached"]["seconds"] < 1) if mt else None


def targets(found: dict[str, Any]) -> list[Row]:
    """Each target with its figure and verdict; "not measured" if this run lacks the figure."""
    at = found.get("pipeline", {}).get("sizes", {}).get(TARGET_POSTS)
    merge = found.get("merge", {}).get("merge", {}).get("800")
    mt = found.get("mt", {}).get("rows")
    checks: list[tuple[str, str, Measured]] = [
        (f"no-op run, {TARGET_POSTS} posts", "< 1 s and < 3% of full", _noop(at)),
        (f"full first run, {TARGET_POSTS} posts", f"≤ 95/3 = {FULL_RUN_GOAL:.1f} s", _full(at)),
        (f"one post changed, {TARGET_POSTS} posts", "< 5% of full", _one_changed(at)),
        ("merge 800 edits into 4,000 entries", "< 2 s per locale", _merge(merge)),
        ("MT: (b) postlingo within 10% of (c) the ceiling", "c / b ≥ 90%", _ceiling_share(mt)),
        ("MT: (b) against (a) argostranslate's way", "a / b ≥ 3", _against_argos(mt)),
        ("MT: (b) re-run, all cached", "< 1 s", _cached(mt)),
    ]
    return [
        Row(label, "—", goal, UNMEASURED)
        if measured is None
        else Row(label, measured[0], goal, _verdict(measured[1]))
        for label, goal, measured in checks
    ]


def sections(found: dict[str, Any]) -> list[tuple[str, list[Row]]]:
    out = []
    if "extract" in found:
        d = found["extract"]
        out.append((f"extraction, in one process (median of {d['rounds']})", extract_rows(d)))
    if "pipeline" in found:
        d = found["pipeline"]
        title = (
            f"whole postlingo processes, pseudo engine, {d['targets']} targets "
            f"(medians of {d['rounds']}; full = extract + translate + build)"
        )
        out.append((title, pipeline_rows(d)))
    if "merge" in found:
        d = found["merge"]
        out.append((f"pure stages, in one process (medians of {d['rounds']})", merge_rows(d)))
    if "mt" in found:
        d = found["mt"]
        title = (
            f"MT en→ko, {d['segments']} segments, beam {d['beam']}, {d['cores']} cores: "
            f"whole processes, interleaved (medians of {d['rounds']})"
        )
        out.append((title, mt_rows(d)))
    out.append(("targets (issue 14; the last two are bench.py's earlier goals)", targets(found)))
    return out


def render(found: dict[str, Any]) -> str:
    lines = [f"{'measure':<58} {'figure':<30} {'target':<24} verdict"]
    for title, rows in sections(found):
        lines.append(f"-- {title}")
        lines += [
            f"{r.measure:<58} {r.figure:<30} {r.target:<24} {r.verdict}".rstrip() for r in rows
        ]
    missing = [name for name in FILES if name not in found]
    if missing:
        lines.append(f"(not run: {', '.join(missing)})")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit("usage: python -m tests.bench_summary DIR")
    print(render(load(Path(argv[0]))))


if __name__ == "__main__":
    main(sys.argv[1:])
