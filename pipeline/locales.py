"""Locale facts from Babel (CLDR): names, script direction, plural forms."""

from __future__ import annotations

import difflib
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import parse_locale
from babel.localedata import locale_identifiers
from babel.messages.plurals import get_plural

from pipeline.errors import PostlingoError

SOURCE_LANGUAGES = ("en", "ko")

# Country codes people write for a language: kr is Korea, the language is ko.
COUNTRY_FOR_LANGUAGE = {
    "kr": "ko", "jp": "ja", "cn": "zh-Hans", "tw": "zh-Hant", "gr": "el", "dk": "da",
    "cz": "cs", "ua": "uk", "vn": "vi", "il": "he", "ir": "fa", "us": "en", "gb": "en",
    "br": "pt-BR", "mx": "es-MX", "at": "de-AT", "kz": "kk", "rs": "sr", "si": "sl",
}  # fmt: skip


def gettext_code(locale: str) -> str:
    """The form gettext's Language header uses: zh-Hans → zh_Hans."""
    return locale.replace("-", "_")


def language(locale: str) -> str:
    """The bare language: zh-Hans → zh, pt_BR → pt."""
    return locale.replace("_", "-").split("-")[0].lower()


@cache
def babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse(gettext_code(locale))
    except (UnknownLocaleError, ValueError) as exc:
        raise PostlingoError(f"unknown locale {locale!r}") from exc


def validate(locale: str) -> str:
    babel_locale(locale)
    return locale


@cache
def _known() -> tuple[str, ...]:
    return tuple(sorted(bcp47_code(code) for code in locale_identifiers()))


def bcp47_code(code: str) -> str:
    """zh_Hans_CN → zh-Hans-CN: the form of the site's folders and of hreflang."""
    return code.replace("_", "-")


def suggestion(code: str) -> str | None:
    """The locale a mistyped code most likely means: kr → ko, jp → ja, zh-hant → zh-Hant."""
    key = code.strip().replace("_", "-").casefold()
    if key in COUNTRY_FOR_LANGUAGE:
        return COUNTRY_FOR_LANGUAGE[key]
    known = {k.casefold(): k for k in _known()}
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return known[close[0]] if close else None


def unknown(code: str) -> PostlingoError:
    hint = suggestion(code)
    return PostlingoError(
        f"unknown locale {code!r}" + (f" (did you mean {hint!r}?)" if hint else "")
    )


def canonical(code: str) -> str:
    """One spelling per locale, as Babel parses it: EN → en, pt_br → pt-BR, zh-hans → zh-Hans.

    Unknown codes fail with the closest known one suggested.
    """
    try:
        language_, territory, script, variant = parse_locale(code.strip().replace("-", "_"))[:4]
    except ValueError:
        raise unknown(code) from None
    form = "-".join(p for p in (language_, script, territory, variant) if p)
    try:
        babel_locale(form)
    except PostlingoError:
        raise unknown(code) from None
    return form


@cache
def direction(locale: str) -> str:
    return "rtl" if babel_locale(locale).character_order == "right-to-left" else "ltr"


@cache
def native_name(locale: str) -> str:
    """The language in its own name, e.g. 한국어, العربية, 简体中文."""
    name = babel_locale(locale).display_name or locale
    return name[:1].upper() + name[1:]


def plural_forms(locale: str) -> str:
    plural = get_plural(gettext_code(locale))
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def joins_without_space(locale: str) -> bool:
    """Chinese and Japanese sentences follow each other with no space."""
    return language(locale) in ("zh", "ja")
