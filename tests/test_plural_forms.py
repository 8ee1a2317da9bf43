"""The header's Plural-Forms, judged by postlingo's reader and by GNU msgfmt --check alike.

Real languages' expressions (gettext's manual and CLDR, as Babel writes them)
must be read; each kind of broken one must be refused by both, on the header's
msgstr line, with msgfmt's words; random expressions over plural.y's grammar
must get the same verdict from both.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import catalog, locales
from pipeline.errors import PostlingoError
from tests.test_po_strict import FIXED_DRAW, MSGFMT, msgfmt, postlingo

pytestmark = pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")

# gettext's manual ("Plural forms") and CLDR's rules, as translators write them.
LANGUAGES = {
    "en": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "ko": "nplurals=1; plural=0;",
    "ja": "nplurals=1; plural=0;",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "cs": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "ga": "nplurals=5; plural=n==1 ? 0 : n==2 ? 1 : (n>2 && n<7) ? 2 :(n>6 && n<11) ? 3 : 4;",
    "lt": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) "
    "? 1 : 2);",
    "sl": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 ? 4 : 5);",
}
# Locales whose Plural-Forms postlingo itself writes into catalogs (from Babel's CLDR data).
WRITTEN = ["ar", "be", "cs", "cy", "de", "fr", "ga", "he", "is", "ja", "ko", "lt", "lv", "mk",
           "mt", "pl", "pt-BR", "ro", "ru", "sk", "sl", "uk", "zh-Hans"]  # fmt: skip


def po(plural_forms_value: str, forms: int | None = None, fuzzy: bool = False) -> bytes:
    """A catalog whose header (msgstr on line 2) has this Plural-Forms, with a plural entry."""
    text = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Plural-Forms: {plural_forms_value}\\n"\n\nmsgid "a"\nmsgstr "가"\n'
    )
    if forms is not None:
        text += "\n#, fuzzy\n" if fuzzy else "\n"
        text += 'msgid "day"\nmsgid_plural "days"\n'
        text += "".join(f'msgstr[{i}] "일{i}"\n' for i in range(forms))
    return text.encode()


def forms_of(value: str) -> int:
    return int(value.split("nplurals=")[1].split(";")[0])


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_real_languages_are_read_as_msgfmt_accepts_them(language: str):
    value = LANGUAGES[language]
    for data in (po(value), po(value, forms_of(value))):
        assert msgfmt(data)[0]
        assert postlingo(data) is None


@pytest.mark.parametrize("locale", WRITTEN)
def test_the_plural_forms_postlingo_writes_are_valid_for_both(locale: str):
    value = locales.plural_forms(locale)
    data = po(value, forms_of(value))
    assert msgfmt(data)[0] and postlingo(data) is None


@pytest.mark.parametrize(
    ("value", "forms", "words"),
    [
        ("nplurals=x; plural=(n != 1);", 2, "invalid nplurals value"),
        ("nplurals=; plural=(n != 1);", None, "invalid nplurals value"),
        ("nplurals=-1; plural=0;", None, "invalid nplurals value"),
        ("nplurals=2; plural=(n != 1;", 2, "invalid plural expression"),
        ("nplurals=2; plural=(n != 1) n;", None, "invalid plural expression"),
        ("nplurals=2; plural=-n;", None, "invalid plural expression"),
        ("nplurals=2; plural=n = 1;", None, "invalid plural expression"),
        ("nplurals=2; plural=n & 1;", None, "invalid plural expression"),
        ("nplurals=2; plural=i != 1;", None, "invalid plural expression"),
        ("nplurals=2; plural=;", None, "invalid plural expression"),
        ("nplurals=2; plural=n ? 1 : 0 : 1;", None, "invalid plural expression"),
        ("nplurals=2; plural=(n \\0!= 1);", 2, "invalid plural expression"),  # cut at the NUL
        ("nplurals=2; plural=(n \0!= 1);", 2, "invalid plural expression"),
        ("nplurals=2; plural=n;", 2, "can produce values as large as 2"),
        ("nplurals=0; plural=0;", None, "nplurals = 0 but plural expression can produce"),
        ("nplurals=1; plural=n>999;", None, "values as large as 1 (for n = 1000)"),
        ("nplurals=2; plural=n-1;", None, "can produce negative values"),
        ("nplurals=2; plural=n>1 ? 1 : 1/n;", None, "division by zero (for n = 0)"),
        ("nplurals=2; plural=n%(n-n);", None, "division by zero"),
        ("nplurals=3; plural=(n != 1);", 2, "nplurals = 3 in the header, but the entry on line 9"),
        ("nplurals=1; plural=0;", 2, "nplurals = 1 in the header, but the entry on line 9"),
    ],
)
def test_each_kind_of_broken_plural_forms_is_refused_on_the_header_line(
    value: str, forms: int | None, words: str
):
    data = po(value, forms)
    error = postlingo(data)
    assert error is not None and error.line == 2 and words in error.message
    assert str(error).startswith("locales/ko/post.po:2: invalid PO file: ")
    assert msgfmt(data)[:2] == (False, 2)


@pytest.mark.parametrize(
    ("value", "forms", "line", "words"),
    [
        ("nplurals=2;", 2, 11, 'lacks a "plural=EXPRESSION" attribute'),
        ("plural=(n != 1);", 2, 11, 'lacks a "nplurals=INTEGER" attribute'),
        ("nplural=2; plural=(n != 1);", 2, 11, 'lacks a "nplurals=INTEGER" attribute'),
    ],
)
def test_a_plural_entry_needs_both_attributes_and_is_named(
    value: str, forms: int, line: int, words: str
):
    data = po(value, forms)
    error = postlingo(data)
    assert error is not None and error.line == line and words in error.message
    assert msgfmt(data)[:2] == (False, line)


@pytest.mark.parametrize(
    ("value", "forms", "fuzzy"),
    [
        ("nplurals=2;", None, False),  # no plural entries: nothing to choose among
        ("nplural=2; plural=n;", None, False),  # no "nplurals=": msgfmt does not judge "plural="
        ("nplurals=1; plural=0;", 3, True),  # a fuzzy entry is not compiled
        ("nplurals=1; plural=n>1000;", None, False),  # beyond the n msgfmt tries
        ("nplurals=2; plural=n==0 || 1/n;", None, False),  # `||` spares the division
        ("nplurals=2x; plural=(n != 1);", 2, False),  # strtoul stops at the x
        ("nplurals=99999999999999999999999; plural=n;", None, False),  # saturates
        ("nplurals=2; plural=(n != 1)\\0garbage;", 2, False),  # the string ends at the NUL
        ("nplurals=2; plural=18446744073709551617*n != n;", None, False),  # wraps at 2**64
        ("nplurals=2;\tplural=\t!!n + !n - 1 ? 1 : 0 ? 1 : 0;", None, False),
    ],
)
def test_what_msgfmt_lets_through_is_read(value: str, forms: int | None, fuzzy: bool):
    data = po(value, forms, fuzzy)
    assert msgfmt(data)[0]
    assert postlingo(data) is None


@pytest.mark.parametrize(
    ("shape", "deepest"),
    [
        (lambda k: "(" * k + "0" + ")" * k, 9996),
        (lambda k: "!" * k + "0", 9997),
        (lambda k: "n ? 0 : " * k + "0", 2499),
        (lambda k: "0 || (0 && (" * k + "0" + "))" * k, 1666),
    ],
    ids=["parentheses", "not", "ternary", "or-and"],
)
def test_deep_nesting_is_refused_where_bisons_stack_is_full(shape, deepest: int):
    """No recursion to exhaust Python's stack; and 10,000 states, as bison's, then refusal."""
    for depth, valid in ((deepest, True), (deepest + 1, False)):
        data = po(f"nplurals=2; plural={shape(depth)};")
        assert msgfmt(data)[0] is valid
        error = postlingo(data)
        assert error is None if valid else "invalid plural expression" in error.message


def test_a_long_chain_is_judged_without_exhausting_the_stack():
    data = po("nplurals=2; plural=" + "0 + " * 20000 + "(n != 1);")
    assert msgfmt(data)[0] and postlingo(data) is None


def test_an_error_names_the_file_and_the_expression():
    with pytest.raises(PostlingoError) as caught:
        catalog.parse(po("nplurals=2; plural=(n != 1;").decode(), Path("locales/ru/a.po"))
    assert str(caught.value) == (
        'locales/ru/a.po:2: invalid PO file: invalid plural expression: "plural=(n != 1"'
    )


ATOMS = ["n", "0", "1", "2", "7", "10", "100", "18446744073709551615", "9223372036854775808"]
OPERATORS = ["||", "&&", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"]
expressions = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.one_of(
        st.builds(lambda e: f"!{e}", inner),
        st.builds(lambda e: f"({e})", inner),
        st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(OPERATORS), inner),
        st.builds(lambda c, a, b: f"{c} ? {a} : {b}", inner, inner, inner),
    ),
    max_leaves=8,
)


@st.composite
def plural_lines(draw: st.DrawFn) -> str:
    """nplurals and an expression of plural.y's grammar, sometimes with a stray character."""
    expression = draw(expressions)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(expression)))
        expression = (
            expression[:at]
            + draw(st.sampled_from(list("()?:!=&|<>+-*/% n;x0")))
            + (expression[at:])
        )
    return (
        f"nplurals={draw(st.sampled_from(['1', '2', '3', '6', 'x', ' 2']))}; plural={expression};"
    )


@settings(
    max_examples=300,
    deadline=None,
    derandomize=FIXED_DRAW,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(plural_lines())
def test_random_expressions_get_msgfmts_verdict_and_line(value: str):
    data = po(value)
    accepted, line, message = msgfmt(data)
    error = postlingo(data)
    if accepted:
        assert error is None, f"{value}: {error}"
    else:
        assert error is not None and error.line == line, f"{value}: msgfmt says {message}"
        assert error.message.startswith(f"invalid PO file: {message}".split(" as large")[0])
