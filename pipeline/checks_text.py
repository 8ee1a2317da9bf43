"""Checks on one translation's text against its source sentence.

Each function returns messages, never raises: a check that cannot decide says
nothing. They are pure so every rule can be tested on two strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection

from pipeline.document import EMAIL_RE, URL_RE, plain_text
from pipeline.locales import language

# A number with its grouping or decimal separators (ASCII and Arabic); unicode digits count.
NUMBER_RE = re.compile(r"\d(?:[\d.,\u066b\u066c]*\d)?")
_WORD_RE = re.compile(r"(?<!\w)(\w+)(\s+)\1(?!\w)", re.I)

# Characters per unit of meaning, relative to English: what a fair translation's
# length is expected to be. Measured roughly on parallel clinic-blog sentences.
DENSITY = {
    "en": 1.0,
    "es": 1.15,
    "fr": 1.15,
    "pt": 1.1,
    "it": 1.1,
    "de": 1.15,
    "ru": 1.1,
    "ar": 0.9,
    "ko": 0.45,
    "ja": 0.4,
    "zh": 0.3,
}
LENGTH_TOLERANCE = 3.0  # a ratio this many times off the expected one is an outlier
LENGTH_MIN_SOURCE = 20  # shorter sources vary too much to judge


def urls(text: str) -> list[str]:
    """URLs and e-mail addresses, as written (without sentence punctuation after them)."""
    return [m.group(0) for pattern in (URL_RE, EMAIL_RE) for m in pattern.finditer(text)]


def _without_urls(text: str) -> str:
    return EMAIL_RE.sub(" ", URL_RE.sub(" ", plain_text(text)))


def _digits(token: str) -> str:
    """A number's digits only: 1,000 = 1.000 = ١٠٠٠ = 1000, so locales' separators agree."""
    return "".join(
        str(unicodedata.decimal(ch)) for ch in token if unicodedata.decimal(ch, None) is not None
    )


def numbers(text: str) -> Counter[str]:
    """The numbers in a text, units and Korean counters aside ("2~3일" has 2 and 3)."""
    return Counter(_digits(m.group(0)) for m in NUMBER_RE.finditer(_without_urls(text)))


def number_messages(source: str, translation: str) -> list[str]:
    missing = sorted((numbers(source) - numbers(translation)).elements(), key=lambda n: (len(n), n))
    if not missing:
        return []
    if len(missing) == 1:
        return [f"number {missing[0]} is missing from the translation"]
    return [f"numbers {', '.join(missing)} are missing from the translation"]


def url_messages(source: str, translation: str) -> list[str]:
    missing = sorted(Counter(urls(source)) - Counter(urls(translation)))
    return [
        f"{'e-mail address' if '@' in u and '://' not in u else 'URL'} {u} is missing or changed"
        for u in missing
    ]


def is_language_neutral(text: str, keep: Collection[str] = ()) -> bool:
    """No words left to translate once tags, URLs, numbers and kept terms are gone."""
    rest = _without_urls(text)
    for term in sorted(keep, key=len, reverse=True):
        if term:
            rest = re.sub(re.escape(term), " ", rest, flags=re.I)
    return not any(unicodedata.category(ch).startswith("L") for ch in rest)


def unchanged_messages(
    source: str, translation: str, source_lang: str, target: str, keep: Collection[str] = ()
) -> list[str]:
    if translation.strip() != source.strip() or language(target) == language(source_lang):
        return []
    if is_language_neutral(source, keep):
        return []
    return ["translation is the same as the source"]


def whitespace_messages(source: str, translation: str) -> list[str]:
    if not translation.strip():
        return []  # reported as empty
    out = []
    lead = (
        source[: len(source) - len(source.lstrip())],
        translation[: len(translation) - len(translation.lstrip())],
    )
    trail = (source[len(source.rstrip()) :], translation[len(translation.rstrip()) :])
    for where, (want, have) in (("leading", lead), ("trailing", trail)):
        if want != have:
            out.append(f"{where} whitespace {have!r} differs from the source's {want!r}")
    return out


def _doubled_words(text: str) -> list[str]:
    """Words written twice in a row; a repeated number ("1 1") is data, not a slip."""
    found = (m.group(1) for m in _WORD_RE.finditer(plain_text(text)))
    return [word for word in found if not word.isdigit()]


def doubled_word_messages(source: str, translation: str) -> list[str]:
    """Repeated words ("the the"), beyond the repetitions the source has ("very very")."""
    doubled = _doubled_words(translation)
    if len(doubled) <= len(_doubled_words(source)):
        return []
    return [f"word {word!r} is doubled" for word in doubled]


def length_messages(source: str, translation: str, source_lang: str, target: str) -> list[str]:
    """A translation far shorter or longer than the language pair makes likely."""
    src, dst = _without_urls(source).strip(), _without_urls(translation).strip()
    if len(src) < LENGTH_MIN_SOURCE or not dst:
        return []
    expected = DENSITY.get(language(target), 1.0) / DENSITY.get(language(source_lang), 1.0)
    ratio = len(dst) / len(src)
    if ratio > expected * LENGTH_TOLERANCE:
        return [
            f"translation is {ratio:.1f}× as long as the source (about {expected:.1f}× expected)"
        ]
    if ratio < expected / LENGTH_TOLERANCE:
        return [
            f"translation is {ratio:.2f}× as long as the source (about {expected:.1f}× expected)"
        ]
    return []
