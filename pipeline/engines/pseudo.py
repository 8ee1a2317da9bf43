"""Pseudo-localization: shows layout and encoding problems with no model at all.

Latin letters get accents, Hangul syllables are spelled out as visible jamo
(podebug leaves Hangul untouched, hiding Korean sources' problems), the text
grows by about a third, and the whole is bracketed so it can never pass for a
real translation. Placeholder tags, URLs, e-mail addresses and numbers are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from pipeline.document import EMAIL_RE, TAG_RE, URL_RE
from pipeline.engines import MachineTranslation

OPEN, CLOSE = "⟦", "⟧"
ORIGIN = "pseudo"

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçđéƒĝĥíĵķļḿñöþǫŕšţüṽŵẋýžÅƁÇĐÉƑĜĤÍĴĶĻḾÑÖÞǪŔŠŢÜṼŴẊÝŽ",
)
_KEEP = re.compile("|".join(p.pattern for p in (TAG_RE, URL_RE, EMAIL_RE)) + r"|\d[\d.,:~%]*")

# Hangul syllable decomposition (Unicode §3.12) into compatibility jamo.
_LEADS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_TAILS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")


def _jamo(syllable: re.Match[str]) -> str:
    index = ord(syllable.group(0)) - 0xAC00
    return _LEADS[index // 588] + _VOWELS[(index % 588) // 28] + _TAILS[index % 28]


_SYLLABLES_RE = re.compile("[\uac00-\ud7a3]")


def _transform(text: str) -> str:
    return _SYLLABLES_RE.sub(_jamo, text.translate(_ACCENTED))


def pseudolocalize(text: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _KEEP.finditer(text):
        out.append(_transform(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_transform(text[pos:]))
    body = "".join(out)
    padding = "·" * max(1, len(text) // 3)
    return f"{OPEN}{body} {padding}{CLOSE}"


def is_pseudo(text: str) -> bool:
    return text.startswith(OPEN) and text.endswith(CLOSE)


class PseudoEngine:
    name = ORIGIN

    def supports(self, source: str, target: str) -> bool:
        return True

    def translate(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        progress: Callable[[int], None] | None = None,
    ) -> list[MachineTranslation]:
        done = [MachineTranslation(pseudolocalize(t), ORIGIN) for t in texts]
        if progress is not None:
            progress(len(done))
        return done

    def close(self) -> None:
        pass

    def identity(self, source: str, target: str) -> str:
        return ORIGIN
