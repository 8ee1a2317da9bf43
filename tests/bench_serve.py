"""How long one `postlingo serve` rebuild of the sample takes (no model: pseudo previews).

.venv/bin/python -m tests.bench_serve
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from pipeline import building, project
from pipeline import config as configuration
from pipeline.cli import SERVE_DIR

REPO = Path(__file__).resolve().parent.parent
RUNS = 7


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "source", root / "source")
        shutil.copy(REPO / "postlingo.toml", root / "postlingo.toml")
        config = replace(configuration.load(root), models_dir=str(root / "no-models"))
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            docs = project.load_documents(config)
            missing = project.missing_models(config, docs)
            building.build(replace(config, site_dir=SERVE_DIR), docs, preview=bool(missing))
            times.append(time.perf_counter() - started)
        pages = sum(1 for _ in (root / SERVE_DIR).rglob("*.html"))
        print(
            f"serve rebuild of the sample ({len(docs)} posts, {pages} pages, pseudo previews): "
            f"median {statistics.median(times):.3f} s, min {min(times):.3f} s over {RUNS} runs"
        )


if __name__ == "__main__":
    main()
