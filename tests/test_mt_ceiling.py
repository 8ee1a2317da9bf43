"""The MT bench's own processes on a tiny copy model: they translate what postlingo translated.

bench.py's rows (a) and (c) run tests/mt_ceiling.py; if it translated
something else than postlingo did, the ratios would compare different work.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.engines.argos import decoding_bound
from tests.bench import Row, _tokenizer_input, ceilings
from tests.mt_ceiling import bound

REPO = Path(__file__).resolve().parent.parent
# Over 16 tokens: a second length bucket, so --buckets puts results back in order
LONG = "Most patients go back to work after three or four quiet days at home with ice packs."


@pytest.fixture
def translated(argos_project: Path) -> Path:
    """The argos project with one post, its glossary, translated to ko by postlingo."""
    (argos_project / "source").mkdir()
    (argos_project / "source" / "a.md").write_text(
        "---\ntitle: Lifts\n---\n\nA mini facelift lifts the SMAS. See https://example.com/a.\n\n"
        "Recovery takes a week. Recovery takes a week.\n\n"
        f"{LONG}\n",
        encoding="utf-8",
    )
    (argos_project / "glossary.csv").write_text(
        "source,locale,target\nSMAS,*,\nmini facelift,ko,미니 안면거상\n", encoding="utf-8"
    )
    command = [sys.executable, "-m", "pipeline", "-C", str(argos_project), "translate"]
    subprocess.run([*command, "--engine", "argos", "--to", "ko"], check=True, capture_output=True)
    return argos_project


def test_the_ceiling_gets_the_shielded_segments_once(translated: Path):
    texts = _tokenizer_input(translated)
    assert sorted(texts) == [
        "A [1] lifts the [2].",
        "Lifts",
        LONG,
        "Recovery takes a week.",
        "See [1][2][3].",
    ]


def test_every_way_bench_runs_translates_every_segment(translated: Path, tmp_path: Path):
    texts = _tokenizer_input(translated)
    (tmp_path / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    package = next((translated / "models").glob("translate-en_ko*"))
    given = [str(package), str(tmp_path / "texts.json"), "--beam", "2"]
    mt = [sys.executable, "-m", "tests.mt_ceiling"]
    rows = [Row("argos", [*mt, "argos", *given]), *ceilings([*mt, "ceiling", *given], 2)]
    assert len(rows) == 4
    for row in rows:
        done = subprocess.run(row.command, check=True, capture_output=True, text=True, cwd=REPO)
        result = json.loads(done.stdout)
        assert result["outputs"] == texts, row.label  # the copy model gives each text back
        assert result["segments"] == len(texts)
        assert result["target_tokens"] == result["source_tokens"] > len(texts)


def test_the_ceiling_bounds_decoding_as_postlingo_does():
    assert [bound(n) for n in range(300)] == [decoding_bound(n) for n in range(300)]
