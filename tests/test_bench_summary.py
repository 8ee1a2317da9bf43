"""The bench summary's table and verdicts, from made-up figures; and the benches' JSON it reads.

No timing is asserted: the figures are fabricated, or only their presence is checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests import bench_summary
from tests.bench_summary import MET, NOT_MET, UNMEASURED

REPO = Path(__file__).resolve().parent.parent


def _size(full: float, noop: float, one: float) -> dict[str, float]:
    return {
        "extract": full / 2,
        "translate": full / 4,
        "build": full / 4,
        "full first run": full,
        "no-op run": noop,
        "one changed": one,
        "peak_mb": 150.0,
    }


def _mt(a: float, b: float, c: float, cached: float) -> dict[str, Any]:
    def row(label: str, seconds: float) -> dict[str, Any]:
        return {"label": label, "seconds": seconds, "peak_mb": 400.0, "runs": [seconds]}

    return {
        "bench": "mt",
        "rounds": 3,
        "segments": 50,
        "source_tokens": 1500,
        "target_tokens": 1500,
        "beam": 4,
        "cores": 2,
        "rows": {
            "a": row("argostranslate's way, per segment", a),
            "b": row("postlingo translate, end to end", b),
            "c": row("raw CTranslate2, 2×1 threads, 512-token sub-batches", c),
            "cached": row("postlingo translate again, all cached", cached),
        },
    }


def _found(
    *, full: float = 30.0, noop: float = 0.5, one: float = 1.0, merge: float = 1.5, mt: Any = None
) -> dict[str, Any]:
    return {
        "extract": {"rounds": 5, "posts": 40, "sentences": 1410, "us_per_sentence": 134.0},
        "pipeline": {
            "rounds": 3,
            "targets": 5,
            "sizes": {"10": _size(2.0, 0.4, 0.8), "500": _size(full, noop, one)},
        },
        "merge": {
            "rounds": 3,
            "entries": 4000,
            "merge": {"100": 0.05, "400": 0.2, "800": merge},
            "dump": {"79": 0.3, "0": 0.17},
            "big_post": {"20k": {"s_per_mb": 1.5, "rss_mb": 48.0}},
        },
        "mt": mt or _mt(a=20.0, b=6.0, c=5.7, cached=0.6),
    }


def _rows(found: dict[str, Any]) -> dict[str, bench_summary.Row]:
    return {r.measure: r for _, rows in bench_summary.sections(found) for r in rows}


def _verdicts(found: dict[str, Any]) -> dict[str, str]:
    return {r.measure: r.verdict for r in bench_summary.targets(found)}


def test_every_target_met():
    verdicts = _verdicts(_found())
    assert set(verdicts.values()) == {MET}
    assert len(verdicts) == 7


def test_rows_give_posts_per_second_shares_and_ratios():
    rows = _rows(_found())
    assert rows["500 posts: extract"].figure == "33.3 posts/s"  # 500 posts in 15 s
    assert rows["500 posts: translate (pseudo)"].figure == "66.7 posts/s"
    assert rows["10 posts: no-op run"].figure == "0.40 s = 20.0%"
    assert rows["500 posts: one post changed"].figure == "1.00 s = 3.3%"
    assert rows["500 posts: peak memory, one process"].figure == "150 MB"
    assert rows["merge 4,000 entries, 800 edited"].figure == "1.500 s per locale"
    assert rows["(a) argostranslate's way, per segment"].figure == "20.00 s, 2.5 seg/s, 400 MB"
    assert rows["a / b (wall)"].figure == "3.33×"
    assert rows["b / c (wall)"].figure == "1.05×"
    assert rows["c / b: the share of the ceiling postlingo reaches"].figure == "95%"
    assert rows["MT: (b) postlingo within 10% of (c) the ceiling"].target == "c / b ≥ 90%"


NOOP, FULL = "no-op run, 500 posts", "full first run, 500 posts"


@pytest.mark.parametrize(
    ("change", "missed"),
    [
        ({"noop": 1.2, "full": 60.0}, {NOOP, FULL}),  # 2% of full, but over 1 s
        ({"noop": 0.95}, {NOOP}),  # under 1 s, but 3.2% of 30 s
        ({"full": 31.8}, {FULL}),
        ({"one": 1.6}, {"one post changed, 500 posts"}),  # 5.3%
        ({"merge": 2.0}, {"merge 800 edits into 4,000 entries"}),  # 2 s is not under 2 s
        (
            {"mt": _mt(a=20.0, b=6.0, c=5.3, cached=0.6)},  # 88%
            {"MT: (b) postlingo within 10% of (c) the ceiling"},
        ),
        (
            {"mt": _mt(a=17.0, b=6.0, c=5.7, cached=0.6)},  # 2.83×
            {"MT: (b) against (a) argostranslate's way"},
        ),
        ({"mt": _mt(a=20.0, b=6.0, c=5.7, cached=1.0)}, {"MT: (b) re-run, all cached"}),
    ],
)
def test_targets_missed(change: dict[str, Any], missed: set[str]):
    verdicts = _verdicts(_found(**change))
    assert {k for k, v in verdicts.items() if v == NOT_MET} == missed


def test_what_was_not_run_is_not_measured():
    found = _found()
    del found["mt"], found["pipeline"]["sizes"]["500"]
    rows = {r.measure: r for r in bench_summary.targets(found)}
    assert [m for m, r in rows.items() if r.verdict == UNMEASURED] == [
        "no-op run, 500 posts",
        "full first run, 500 posts",
        "one post changed, 500 posts",
        "MT: (b) postlingo within 10% of (c) the ceiling",
        "MT: (b) against (a) argostranslate's way",
        "MT: (b) re-run, all cached",
    ]
    assert rows["no-op run, 500 posts"].figure == "—"
    text = bench_summary.render(found)
    assert "(not run: mt)" in text
    assert "10 posts: build" in text and "500 posts: build" not in text


def test_saved_figures_load_by_name(tmp_path: Path):
    bench_summary.save(_found()["merge"], ["prog", "--json", str(tmp_path / "b" / "merge.json")])
    assert bench_summary.load(tmp_path / "b") == {"merge": _found()["merge"]}


def test_cheap_benches_feed_the_summary(tmp_path: Path):
    """The benches at tiny sizes write the JSON the summary reads (a few seconds in all)."""
    env = {
        **os.environ,
        "BENCH_SIZES": "2",
        "BENCH_ROUNDS": "1",
        "BENCH_REPEAT": "1",
        "BENCH_EDITS": "800",
        "BENCH_BIG_POSTS": "20k",
    }
    for name, module in (
        ("extract", "bench_extract"),
        ("pipeline", "bench_pipeline"),
        ("merge", "bench_merge"),
    ):
        command = [
            sys.executable,
            "-m",
            f"tests.{module}",
            "--json",
            str(tmp_path / f"{name}.json"),
        ]
        subprocess.run(command, check=True, capture_output=True, cwd=REPO, env=env)
    found = bench_summary.load(tmp_path)
    assert set(found) == {"extract", "pipeline", "merge"}
    rows = _rows(found)
    for measure in (
        "2 posts: extract",
        "2 posts: no-op run",
        "2 posts: one post changed",
        "merge 4,000 entries, 800 edited",
        "extract one 20kB post",
    ):
        assert rows[measure].figure
    assert _verdicts(found)["merge 800 edits into 4,000 entries"] in (MET, NOT_MET)
    assert json.loads((tmp_path / "pipeline.json").read_text())["sizes"]["2"]["peak_mb"] > 0
