from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline.glossary import parse
from pipeline.shield import restore, shield

TERMS = parse("SMAS,*,\nmini facelift,ko,미니 안면거상\n").for_locale("ko")


def test_protected_pieces_become_numbered_tokens():
    text = "See <1>the guide</1> at https://example.com/a_b, mail me@example.com<2/>"
    shielded = shield(text)
    assert shielded.text == "See [1]the guide[2] at [3], mail [4][5]"
    assert [s.kind for s in shielded.spans] == ["tag", "tag", "URL", "e-mail", "tag"]
    assert shielded.spans[2].original == "https://example.com/a_b"  # trailing comma left out


def test_code_placeholders_and_underscores_are_shielded():
    shielded = shield("Hi {name}, you have %1$s new items in my_folder.sub and %d more")
    assert [s.original for s in shielded.spans] == ["{name}", "%1$s", "my_folder.sub", "%d"]
    assert "_" not in shielded.text


def test_percent_signs_in_prose_are_left_alone():
    assert shield("Save 10% during 30 % off days").spans == ()


def test_literal_markers_are_shielded_so_every_token_is_ours():
    shielded = shield("As shown [1], it works <1>well</1>.")
    assert shielded.text == "As shown [1], it works [2]well[3]."
    assert restore(shielded.text, shielded) == ("As shown [1], it works <1>well</1>.", ())


def test_glossary_terms_are_replaced_by_their_target():
    shielded = shield("A Mini facelift tightens the SMAS.", TERMS)
    assert shielded.text == "A [1] tightens the [2]."
    text, notes = restore("[2] 층을 당기는 [1]", shielded)
    assert text == "SMAS 층을 당기는 미니 안면거상"
    assert notes == ()


def test_model_may_reorder_and_space_tokens():
    shielded = shield("<1>Book</1> now")
    assert restore("지금 [ 1 ]예약[2]", shielded) == ("지금 <1>예약</1>", ())


def test_lost_duplicated_and_invented_tokens_are_reported():
    shielded = shield("<1>a</1> b <2/>")
    text, notes = restore("[1]a[1] b [7]", shielded)
    assert text == "<1>a<1> b"
    assert notes == (
        "model invented a placeholder [7]; removed",
        "duplicated tag <1>",
        "lost tag </1>",
        "lost tag <2/>",
    )


def test_tidying_the_models_spacing_leaves_restored_pieces_untouched():
    glossary = parse("Dr. Kim,ko,김  원장\n").for_locale("ko")
    shielded = shield("Hello {{ user  name }}, ask Dr. Kim.", glossary)
    assert restore("안녕  [1],   [2]에게 물어보세요.", shielded) == (
        "안녕 {{ user  name }}, 김  원장에게 물어보세요.",
        (),
    )


_PIECES = st.sampled_from(
    ["<1>", "</1>", "<2/>", "https://x.io/a_b", "a@b.co", "{n}", "snake_case", "[3]", "SMAS"]
)
_WORDS = st.text(alphabet="abc 가나다.,!?", max_size=8)


@given(st.lists(st.one_of(_PIECES, _WORDS), max_size=12))
def test_restoring_an_untouched_output_gives_back_the_source(parts: list[str]):
    text = re.sub(r"\s+", " ", " ".join(parts)).strip()
    shielded = shield(text, parse("SMAS,*,\n").for_locale("ko"))
    assert "_" not in shielded.text and "<1>" not in shielded.text
    assert restore(shielded.text, shielded) == (text, ())
