"""Where `[merge] fuzzy_cutoff` comes from: similarity of real edits against different sentences.

The corpus is the sample posts' own sentences (source/, tests/fixtures/):
- "same sentence, edited": tests/fixtures/merge/edits.tsv, the edits writers make
  (typo fixes, a word or number changed, a clause added or cut, a rewording);
- "different sentence": every two distinct sentences of each sample post (what
  merge could confuse: any sentence that went against any that arrived), and
  the front-matter cases in edits.tsv (a title against a description).
The similarity is what merge computes (difflib ratio of the plain text). The
default must separate the two as well as any cut-off can. Run with -s to see
the figures (`python -m pytest -s tests/test_fuzzy_cutoff.py`).
"""

from __future__ import annotations

from pathlib import Path

from pipeline import segment, sources
from pipeline.config import MergeConfig
from pipeline.document import plain_text
from pipeline.fuzzy_index import similarity

REPO = Path(__file__).resolve().parent.parent
EDITS = REPO / "tests" / "fixtures" / "merge" / "edits.tsv"
POSTS = [REPO / "source" / "mini-thread-lifting.md", REPO / "source" / "mini-facelift-recovery.md"]


def ratio(a: str, b: str) -> float:
    return similarity(plain_text(a), plain_text(b), cutoff=0.0)


def corpus() -> tuple[dict[str, list[float]], list[float]]:
    """(edited: kind → ratios, different: ratios)."""
    edited: dict[str, list[float]] = {}
    different: list[float] = []
    for line in EDITS.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        kind, before, after = line.split("\t")
        if kind == "different":
            different.append(ratio(before, after))
        else:
            edited.setdefault(kind, []).append(ratio(before, after))
    for path in POSTS:
        doc = segment.segment_document(sources.read(path, REPO, (), "sanitize"))
        texts = sorted({s.text for s in doc.segments()})
        different += [ratio(a, b) for i, a in enumerate(texts) for b in texts[i + 1 :]]
    return edited, different


def errors(cutoff: float, same: list[float], different: list[float]) -> int:
    """Edited sentences that would lose their translation, plus strangers that would get one."""
    return sum(r < cutoff for r in same) + sum(r >= cutoff for r in different)


def test_the_default_cutoff_separates_edits_from_different_sentences():
    edited, different = corpus()
    same = [r for ratios in edited.values() for r in ratios]
    cutoffs = [c / 100 for c in range(30, 96)]
    best = min(errors(c, same, different) for c in cutoffs)
    band = [c for c in cutoffs if errors(c, same, different) == best]
    default = MergeConfig().fuzzy_cutoff
    print(f"\n{len(same)} edited sentences, {len(different)} pairs of different sentences")
    for kind, ratios in edited.items():
        print(f"  {kind:<8} min {min(ratios):.2f}  median {sorted(ratios)[len(ratios) // 2]:.2f}")
    top = sorted(different)[-3:]
    print(f"  different: max {max(different):.2f}, next {top[-2]:.2f}, {top[-3]:.2f}")
    print(f"  fewest errors {best} for cut-offs {band[0]:.2f}..{band[-1]:.2f}; default {default}")
    assert len(same) >= 25 and len(different) >= 100
    assert errors(default, same, different) == best
    assert band[0] <= default <= band[-1]
