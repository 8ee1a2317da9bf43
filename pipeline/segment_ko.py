"""Korean word rules for sentence splitting: endings, quotatives, line ends.

Korean blogs end sentences with a period, with "~", "ㅎㅎ", "ㅠㅠ" or an emoji,
or with nothing at all at a line end. The ending syllable tells a finished
sentence (했다, 해요, 하죠, 좋음) from a clause that goes on (하고, 했는데).
"""

from __future__ import annotations

from pipeline.segment_marks import KO_FINAL
from pipeline.sources.language import is_hangul


def _words(spaced: str) -> tuple[str, ...]:
    return tuple(spaced.split())


# At a line end with no mark at all, only the surest KO_FINAL endings (했다, 해요, 하죠;
# "있을까\n궁금했어요" is one sentence), and nominal endings in ㅁ (좋음, 추천함).
_LINE_FINAL = frozenset("다요죠")
# Nouns that end in those syllables ("필요\n없어요"), and "다" (all) alone.
_NOT_ENDINGS = frozenset(_words("다 필요 중요 주요 수요 요요"))
# "하다\n보니": 다 before these is a connective.
_AFTER_CONNECTIVE_DA = _words("보니 보면 보니까 보니깐")
# After a closing quote these continue the sentence: “정말요?” 하고 물었다,
# "Ship it." 이었다.
QUOTATIVES = (
    *_words("하고 하며 하면서 하는 하던 하니 하였 하시 했 합니 한다 라고 라며 라는 이라고 이라는"),
    *_words("이었 이였 이다 입니 이에요 이라 이며 이고 였 처럼"),
    *("고 ", "며 ", "는 ", "란 ", "을 ", "를 ", "은 ", "과 ", "와 "),
)
_JONG_MIEUM = 16  # ㅁ as the final consonant of a syllable (음, 함, 임, 김)


def _nominal(syllable: str) -> bool:
    code = ord(syllable) - 0xAC00
    return 0 <= code < 11172 and code % 28 == _JONG_MIEUM


def ends_with_final(word: str) -> bool:
    """Whether a word ends in a sentence-final syllable (했다, 좋아요, 할까)."""
    return word[-1:] in KO_FINAL or (word[-1:] != "" and _nominal(word[-1]))


def line_end_ends(word: str, next_word: str) -> bool:
    """Whether a line that ends in word, with no mark, ends a sentence."""
    if not word or not is_hangul(word[-1]) or word in _NOT_ENDINGS:
        return False
    if word.endswith("다") and next_word.startswith(_AFTER_CONNECTIVE_DA):
        return False
    return word[-1] in _LINE_FINAL or _nominal(word[-1])
