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

from tests.bench import _tokenizer_input

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def translated(argos_project: Path) -> Path:
    """The argos project with one post, its glossary, translated to ko by postlingo."""
    (argos_project / "source").mkdir()
    (argos_project / "source" / "a.md").write_text(
        "---\ntitle: Lifts\n---\n\nA mini facelift lifts the SMAS. See https://example.com/a.\n\n"
        "Recovery takes a week. Recovery takes a week.\n",
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
        "Recovery takes a week.",
        "See [1][2][3].",
    ]


@pytest.mark.parametrize("mode", ["ceiling", "argos"])
def test_both_ways_translate_every_segment(translated: Path, mode: str, tmp_path: Path):
    texts = _tokenizer_input(translated)
    (tmp_path / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    package = next((translated / "models").glob("translate-en_ko*"))
    command = [
        sys.executable,
        "-m",
        "tests.mt_ceiling",
        mode,
        str(package),
        str(tmp_path / "texts.json"),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=REPO)
    result = json.loads(done.stdout)
    assert result["outputs"] == texts  # the copy model gives each text back
    assert result["segments"] == len(texts)
    assert result["target_tokens"] == result["source_tokens"] > len(texts)
