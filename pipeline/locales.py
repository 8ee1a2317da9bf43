"""Locale facts from Babel (CLDR): names, script direction, plural forms."""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from pipeline.errors import PostlingoError

SOURCE_LANGUAGES = ("en", "ko")


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
