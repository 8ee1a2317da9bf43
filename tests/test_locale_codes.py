"""One spelling per locale: canonical() is idempotent and ignores case and separators."""

from __future__ import annotations

import pytest
from babel.localedata import locale_identifiers
from hypothesis import given
from hypothesis import strategies as st

from pipeline import locales
from pipeline.errors import PostlingoError

KNOWN = sorted(locale_identifiers())


@given(st.sampled_from(KNOWN), st.sampled_from(["-", "_"]), st.booleans())
def test_any_spelling_of_a_known_locale_gives_one_form(code, sep, upper):
    typed = code.replace("_", sep)
    typed = typed.upper() if upper else typed.lower()
    form = locales.canonical(typed)
    assert form == locales.canonical(code) == locales.canonical(form)
    assert "_" not in form and form.split("-")[0] == form.split("-")[0].lower()


@pytest.mark.parametrize(
    ("typed", "meant"), [("kr", "ko"), ("jp", "ja"), ("cn", "zh-Hans"), ("gr", "el"), ("cz", "cs")]
)
def test_a_country_code_written_for_a_language_suggests_the_language(typed, meant):
    with pytest.raises(PostlingoError, match=rf"did you mean '{meant}'\?"):
        locales.canonical(typed)
