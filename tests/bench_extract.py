"""`make bench-extract`: reading, segmenting and templating posts, in µs per sentence.

Posts are built from the sample posts and a set of rich Markdown and HTML
constructs (nested lists, quotes, tables, raw HTML, footnotes), repeated so
that timings are well above the clock's resolution. Not a timed test: it
prints numbers, the median of BENCH_REPEAT rounds (5); `--json FILE` writes
the median for tests/bench_summary.py.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests import bench_summary

REPO = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_REPEAT", "5"))

RICH_MARKDOWN = """\
---
title: A rich post
description: Every construct a blog export brings.
---
## Before you book

The clinic opens at 9 a.m. on weekdays. Bring your **ID card** and a list of
your medicines. Read the [booking guide](https://clinic.example/booking) first.

1. Call the front desk. They answer within a day.
   - Ask for a consultation. It is free.
   - Ask about *recovery time*.
2. Fill in the form below.

> Recovery took two weeks for me. I could go back to work after three days.
>
> - Swelling went down on day four.
> - Bruises faded on day seven.

| Procedure | Recovery | Notes |
|---|---|---|
| Thread lift | 2–3 days | Light swelling. |
| Mini facelift | 1–2 weeks | Stitches come out on day seven. |

<div class="notice"><p>Prices change every year. Ask the clinic for <em>today's</em> price.</p>
<img src="https://clinic.example/badge.png" alt="A badge that says certified clinic."></div>

Footnotes explain the details.[^1]

[^1]: This is the footnote. It has two sentences.
"""

RICH_HTML = """\
<!DOCTYPE html>
<html lang="en"><head><title>An HTML post</title>
<meta name="description" content="Exported from a blog editor."></head>
<body><article>
<h2>What to expect</h2>
<p>The procedure takes an hour. You go home <strong>the same day</strong>.</p>
<ul><li>Day one: rest. Keep your head up.</li><li>Day two: light walks.
<ul><li>No sauna for a week.</li></ul></li></ul>
<blockquote><p>I was nervous at first. The staff were kind.</p></blockquote>
<table><tr><th>Week</th><th>What you see</th></tr>
<tr><td>1</td><td>Swelling goes down. Bruises fade.</td></tr></table>
<figure><img src="a.png" alt="The clinic's waiting room."><figcaption>Our waiting room.</figcaption></figure>
</article></body></html>
"""


def _project(root: Path, copies: int) -> list[Path]:
    source = root / "source"
    source.mkdir()
    samples = sorted((REPO / "source").glob("*.md"))
    posts: list[Path] = []
    for i in range(copies):
        for sample in samples:
            path = source / f"{sample.stem}-{i}.md"
            path.write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
            posts.append(path)
        for suffix, text in ((".md", RICH_MARKDOWN), (".html", RICH_HTML)):
            path = source / f"rich-{i}{suffix}"
            path.write_text(text, encoding="utf-8")
            posts.append(path)
    return posts


def _round(posts: list[Path], root: Path) -> tuple[float, int]:
    from pipeline import catalog, sources
    from pipeline.segment import segment_document

    started = time.perf_counter()
    sentences = 0
    for path in posts:
        doc = segment_document(sources.read(path, root))
        sentences += len(catalog.template(doc, "bench"))
    return time.perf_counter() - started, sentences


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="postlingo-bench-extract-") as tmp:
        root = Path(tmp)
        posts = _project(root, copies=10)
        _round(posts, root)  # warm up imports and caches
        times = []
        sentences = 0
        for _ in range(ROUNDS):
            seconds, sentences = _round(posts, root)
            times.append(seconds)
        median = statistics.median(times)
        print(
            f"extraction: {len(posts)} posts, {sentences} sentences, "
            f"median of {ROUNDS} rounds {median * 1000:.0f} ms, "
            f"{median / sentences * 1e6:.0f} µs per sentence "
            f"(min {min(times) / sentences * 1e6:.0f}, max {max(times) / sentences * 1e6:.0f})"
        )
        data = {"bench": "extract", "rounds": ROUNDS, "posts": len(posts), "sentences": sentences}
        data |= {"median_s": median, "us_per_sentence": median / sentences * 1e6}
        bench_summary.save(data, sys.argv)


if __name__ == "__main__":
    main()
