"""The fuzzy index lends what the full scan of every pair would, at a cost linear in the edits."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import fuzzy_index
from pipeline.fuzzy_index import SHORTLIST, Candidate, Changed, assign, similarity

CUTOFF = 0.6
FEW = str.split("patients choose prefer the thread lift mini facelift gentle fillers after every")
MANY = FEW + str.split(
    "spring clinic doctor skin face jawline cheek swelling bruise recovery week month result "
    "incision layer tissue volume elasticity procedure consultation surgery method structure "
    "natural lasting precise effective quick small deep soft firm often rarely always never"
)
PLACES = st.sampled_from([None, "a", "b", "c"])


def sentences(vocabulary: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(vocabulary), min_size=2, max_size=12).map(" ".join)


def full_scan(changed: list[Changed], candidates: list[Candidate]) -> list[tuple[int, int]]:
    """Every pair through difflib: what merge did before the index."""
    pairs = []
    for slot, sentence in enumerate(changed):
        for c, candidate in enumerate(candidates):
            ratio = similarity(sentence.text, candidate.text, CUTOFF)
            if ratio >= CUTOFF:
                same_place = candidate.place == sentence.place and not candidate.obsolete
                pairs.append((not same_place, -ratio, c, slot))
    pairs.sort()
    chosen, slots, taken = [], set(), set()
    for _, _, c, slot in pairs:
        if slot not in slots and c not in taken:
            slots.add(slot)
            taken.add(c)
            chosen.append((slot, c))
    return sorted(chosen)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changed=st.lists(st.builds(Changed, sentences(FEW), PLACES), max_size=12),
    candidates=st.lists(
        st.builds(Candidate, sentences(FEW), PLACES, st.booleans()), max_size=SHORTLIST
    ),
)
def test_with_few_candidates_it_is_the_full_scan(changed, candidates):
    assert sorted(assign(changed, candidates, CUTOFF)) == full_scan(changed, candidates)


def _edited(text: str, where: int, how: str, word: str) -> str:
    words = text.split()
    i = where % len(words)
    if how == "change":
        words[i] = word
    elif how == "add":
        words.insert(i, word)
    elif len(words) > 2:
        del words[i]
    return " ".join(words)


EDITS = st.tuples(
    st.integers(0, 1000), st.integers(0, 20), st.sampled_from(["change", "add", "drop"]),
    st.sampled_from(MANY), PLACES,
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    olds=st.lists(
        st.tuples(sentences(MANY), PLACES, st.booleans()),
        min_size=SHORTLIST + 1,
        max_size=60,
        unique_by=lambda c: c[0],
    ),
    edits=st.lists(EDITS, min_size=1, max_size=15),
)
def test_in_a_big_catalog_each_loan_is_similar_and_made_once(olds, edits):
    """Past SHORTLIST candidates the index may skip a marginal match the full scan finds
    (hypothesis found one), but what it lends is always a real match, lent once."""
    candidates = [Candidate(*old) for old in olds]
    changed = [
        Changed(_edited(olds[n % len(olds)][0], where, how, word), place)
        for n, where, how, word, place in edits
    ]
    lent = assign(changed, candidates, CUTOFF)
    assert len({slot for slot, _ in lent}) == len({c for _, c in lent}) == len(lent)
    for slot, c in lent:
        assert similarity(changed[slot].text, candidates[c].text, CUTOFF) >= CUTOFF


def test_a_sentence_in_its_own_place_wins_over_a_closer_one_elsewhere():
    changed = [Changed("Patients choose the thread lift every spring.", "after intro")]
    candidates = [
        Candidate("Patients choose the thread lift every spring!", "elsewhere", False),
        Candidate("Patients choose the thread lift every summer.", "after intro", False),
        Candidate("Patients chose a thread lift each spring.", None, True),
    ]
    assert assign(changed, candidates, CUTOFF) == [(0, 1)]
    assert full_scan(changed, candidates) == [(0, 1)]
    # with nothing similar in its place, the closest one anywhere
    assert assign(changed, candidates[:1] + candidates[2:], CUTOFF) == [(0, 0)]


def test_each_candidate_is_lent_once_to_the_closest_sentence():
    changed = [Changed("the thread lift heals", "x"), Changed("the thread lift heals fast", "x")]
    candidates = [Candidate("the thread lift heals fast!", "x", False)]
    assert assign(changed, candidates, CUTOFF) == [(1, 0)]


def test_only_the_most_recently_obsoleted_are_candidates(monkeypatch):
    monkeypatch.setattr(fuzzy_index, "MAX_OBSOLETE", 3)
    filler = [Candidate(f"unrelated words number {n} here", None, True) for n in range(3)]
    old = Candidate("Patients choose the thread lift every spring.", None, True)
    changed = [Changed("Patients choose the thread lift every summer.", "p")]
    assert assign(changed, [old, *filler], CUTOFF) == [(0, 0)]
    assert assign(changed, [*filler, old], CUTOFF) == []  # the fourth obsolete one: past the cap


def _catalog(edits: int, moved: bool) -> tuple[list[Changed], list[Candidate]]:
    """Each changed sentence an edit of its old version, in its place or moved; 141 obsolete."""
    words = MANY * 3
    olds = [" ".join(words[n % 40 : n % 40 + 6]) + f" case {n} of {n * 7}" for n in range(edits)]
    candidates = [Candidate(text, f"after {n}", False) for n, text in enumerate(olds)]
    candidates += [Candidate(f"{w} was said {n} times", None, True) for n, w in enumerate(words)]
    changed = [
        Changed(text.replace(" of ", " out of "), f"{'moved' if moved else 'after'} {n}")
        for n, text in enumerate(olds)
    ]
    return changed, candidates


def test_comparisons_grow_with_the_edits_not_their_square(monkeypatch):
    calls = []

    def counted(a: str, b: str, cutoff: float) -> float:
        calls.append(1)
        return similarity(a, b, cutoff)

    monkeypatch.setattr(fuzzy_index, "similarity", counted)
    for edits in (50, 100, 200):
        for moved in (False, True):
            calls.clear()
            changed, candidates = _catalog(edits, moved)
            lent = assign(changed, candidates, CUTOFF)
            assert sorted(lent) == [(n, n) for n in range(edits)]  # each its old version
            assert len(calls) <= (SHORTLIST + 1) * edits
