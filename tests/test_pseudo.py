from hypothesis import given
from hypothesis import strategies as st

from pipeline.document import tags
from pipeline.engines.pseudo import PseudoEngine, is_pseudo, pseudolocalize


def test_latin_gets_accents_brackets_and_expansion():
    out = pseudolocalize("Mini thread lifting")
    assert is_pseudo(out)
    assert "Ḿíñí" in out
    assert len(out) >= len("Mini thread lifting") * 1.3


def test_hangul_is_visibly_transformed():
    out = pseudolocalize("회복 기간은 2~3일입니다.")
    assert "회복" not in out
    assert "ㅎㅚㅂㅗㄱ" in out
    assert "2~3" in out


def test_urls_emails_and_tags_survive():
    src = "Mail <1>info@clinic.kr</1> or visit https://clinic.kr/a_b<2/>"
    out = pseudolocalize(src)
    assert "info@clinic.kr" in out and "https://clinic.kr/a_b" in out
    assert [(t.kind, t.number) for t in tags(out)] == [(t.kind, t.number) for t in tags(src)]


@given(st.lists(st.text(), max_size=5))
def test_engine_returns_one_pseudo_text_per_input(texts):
    results = PseudoEngine().translate(texts, "en", "ko")
    assert len(results) == len(texts)
    assert all(is_pseudo(r.text) and r.origin == "pseudo" for r in results)
