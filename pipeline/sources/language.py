"""Which language a post is written in: declared, else detected.

langdetect is random by design; it is seeded so that the same post always
gets the same answer. It also misjudges short Korean texts full of Latin
brand names, so a plain count of Hangul letters decides first.
"""

from __future__ import annotations

import re

from pipeline import locales
from pipeline.errors import PostlingoError

SUPPORTED = locales.SOURCE_LANGUAGES
HANGUL_SHARE = 0.3  # above this share of letters, a text is Korean whatever else it holds
SHORT_TEXT = 40  # letters; below this langdetect's answer is noise
FAIR_CHANCE = 0.2  # a supported language this likely beats a more likely other one


def normalise(code: str) -> str:
    """ko-KR, ko_KR and KO all mean ko."""
    return locales.language(code.strip())


def is_hangul(char: str) -> bool:
    """A Hangul syllable or jamo; False for the empty string (no character at all)."""
    return bool(char) and (
        "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f"
    )


# is_hangul's letters (U+3130 and U+318F are unassigned, so not letters)
_HANGUL_LETTERS_RE = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e]")


def hangul_share(text: str) -> float:
    """Counted without a list of the letters: one str object per Hangul letter is ~80 bytes."""
    letters = sum(map(str.isalpha, text))
    if not letters:
        return 0.0
    return (len(text) - len(_HANGUL_LETTERS_RE.sub("", text))) / letters


def detect(text: str) -> str:
    """The language of a text as a bare code ('ko', 'en', 'fr'…); '' when unknown.

    langdetect guesses wildly on a few words ("Book now." is Polish to it), so
    a text too short to judge is taken for Korean if it has Hangul, else English;
    and English wins whenever langdetect gives it a fair chance.
    """
    share = hangul_share(text)
    if share > HANGUL_SHARE:
        return "ko"
    if sum(map(str.isalpha, text)) < SHORT_TEXT:
        return "ko" if share else "en"
    from langdetect.lang_detect_exception import LangDetectException

    from pipeline.sources.profiles import factory

    detector = factory().create()
    detector.append(text)
    try:
        found = [(normalise(g.lang), g.prob) for g in detector.get_probabilities()]
    except LangDetectException:
        return ""
    if not found:
        return ""
    for lang, prob in found:
        if lang in SUPPORTED and prob >= FAIR_CHANCE:
            return lang
    return found[0][0]


def source_language(text: str, declared: str, path: str, line: int | None = None) -> str:
    """The post's language, or a one-line error naming the file and the language."""
    hint = "only en and ko sources are supported"
    if declared:
        lang = normalise(declared)
        if lang not in SUPPORTED:
            raise PostlingoError(f"declared language {declared!r}: {hint}", path, line)
        return lang
    lang = detect(text)
    if not lang:
        raise PostlingoError(f"cannot detect the language; set `lang:` ({hint})", path)
    if lang not in SUPPORTED:
        raise PostlingoError(
            f"detected language {lang!r}: {hint} (set `lang:` in front matter if this is wrong)",
            path,
        )
    return lang
