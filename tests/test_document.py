from hypothesis import given
from hypothesis import strategies as st

from pipeline.article import render_text as render_html
from pipeline.document import Placeholder, plain_text, renumber, tag_problems

LINK = Placeholder("a", (("href", "https://example.com/?a=1&b=2"),))
BR = Placeholder("br", void=True)


def test_render_restores_markup_and_escapes_text():
    html = render_html("See <1>the guide</1> & more<2/>", (LINK, BR))
    assert html == 'See <a href="https://example.com/?a=1&amp;b=2">the guide</a> &amp; more<br>'


def test_render_never_injects_markup():
    assert (
        render_html("<script>x</script> <3>", (LINK,)) == "&lt;script&gt;x&lt;/script&gt; &lt;3&gt;"
    )


def test_render_shows_a_tag_of_the_wrong_shape_as_text():
    assert render_html("a<1/>", (LINK,)) == "a&lt;1/&gt;"


def test_renumber_starts_each_sentence_at_one():
    text, used = renumber("Then <3>bold</3> and <2/>.", (LINK, BR, Placeholder("b")))
    assert text == "Then <1>bold</1> and <2/>."
    assert [p.name for p in used] == ["b", "br"]


def test_tag_problems_allow_reordering_but_not_loss():
    assert tag_problems("<1>a</1> <2/> b", "<2/> b <1>a</1>") == []
    assert tag_problems("<1>a</1> <2/>", "<1>a</1>") == ["missing tag <2/>"]
    assert tag_problems("<1>a</1>", "<1>a</1></1>") == ["extra tag </1>"]
    assert tag_problems("<1>a <2>b</2></1>", "<1>a <2>b</1></2>") == [
        "tag </1> is not properly nested"
    ]


@given(st.text())
def test_plain_text_of_tagless_text_is_itself(text):
    if "<" not in text:
        assert plain_text(text) == text


def test_urls_and_emails_stop_at_korean_particles_and_sentence_punctuation():
    from pipeline.document import EMAIL_RE, URL_RE

    text = (
        "자세한 내용은 https://clinic.kr/a_b?x=1에서, 문의는 info@clinic.kr로 (see www.clinic.kr)."
    )
    assert [m.group(0) for m in URL_RE.finditer(text)] == [
        "https://clinic.kr/a_b?x=1",
        "www.clinic.kr",
    ]
    assert [m.group(0) for m in EMAIL_RE.finditer(text)] == ["info@clinic.kr"]
