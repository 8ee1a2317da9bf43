"""Marks other than . ? ! that start or end a sentence: list markers, emoji, ㅎㅎ.

Inline lists ("1.) The first item 2.) The second item", "• A • B") start a
sentence at each marker; the numbers of a chain must run on (1, 2, 3 or a, b,
c or 가, 나, 다), so "Recovery takes 3. Some need 4." holds no list. Emoji,
emoticons and Korean laughter or tears end a sentence the way "!" does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLETS = "•⁃◦▪‣●■"
_KO_LETTERS = "가나다라마바사아자차카타파하"
# A list marker: "1.", "2)", "3.)", "a.", "가." standing alone before a space,
# at a word start or right after a bullet ("⁃10."), with a word after it.
_MARKER_RE = re.compile(
    rf"(?<![^\s{_BULLETS}])(?:(?P<num>\d{{1,2}})|(?P<letter>[a-zA-Z{_KO_LETTERS}]))"
    r"(?P<mark>\.\)|[.)])(?=\s+[\"'“‘(\[]*[^\W\d_])"
)
# A bullet after a space; "-" and "*" only first on a line ("A - B" is a dash).
_BULLET_RE = re.compile(rf"(?<=\s)[{_BULLETS}]|(?<=\n)[-*](?=\s)")
_HANGUL_ITEM_RE = re.compile(r"\s+[\"'“‘(\[]*[\uac00-\ud7a3]")
_MARKER_WORD_RE = re.compile(rf"\d{{1,2}}|[a-zA-Z{_KO_LETTERS}]")
_LIST_START = ":.?!…"
# Marks that may close around a sentence end: quotes and brackets.
CLOSERS = "\"'”’»)]}」』》〉"
# Korean syllables that end a sentence: 다 (합니다, 했다), 요, 죠, 까, 네, 군.
KO_FINAL = frozenset("다요죠까네군")

_EMOJI = "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff][\ufe0f\u200d\U0001f3fb-\U0001f3ff]*+"
_EMOTICON = r"(?<!\S)(?:[:;=][-^']?[)(\]\[DPp]|XD|<3)(?!\S)|\^[_-]?\^++|[Tㅠㅜ]_[Tㅠㅜ]"
_JAMO = "[ㅋㅎㅠㅜ]++"
# One emoji, emoticon or run of ㅋㅎㅠㅜ, or "~" written against the word before it.
# Runs are possessive (++): "ㅋㅋㅋ…" split two ways each would backtrack exponentially.
SOFT = rf"(?:{_EMOJI}|{_EMOTICON}|{_JAMO}|(?<=\S)~++)"
_SOFT_ONE_RE = re.compile(SOFT)
_SOFT_RE = re.compile(rf"(?P<soft>(?>{SOFT}(?:[^\S\n]*{SOFT})*))(?P<space>\s+)")


@dataclass(frozen=True)
class Marker:
    """A list marker in the text, and what decides whether a sentence starts at it."""

    start: int
    end: int  # after its closing mark
    dot: int | None  # where its period is
    fixed: bool  # its period ends no sentence (else only none that starts at the marker)
    # "always": a sentence starts here (a bullet, or a marker first on its line);
    # "item": if the item reads like a sentence (a later marker of a chain); "": never
    opens: str
    colon: bool  # its list began after a colon ("Steps: 1) a 2) b")


_BEFORE = 100  # characters before a marker that the rules look at, at most


def markers(text: str) -> list[Marker]:
    """The list markers of text: numbers and letters that run on, and bullets."""
    found: list[Marker] = []
    expected: tuple[str, str] | None = None  # (next number or letter, its mark)
    colon = False
    lone: set[int] = set()  # chains with one marker so far: no list ("opens on Feb. 1.")
    for m in _MARKER_RE.finditer(text):
        value = m.group("num") or m.group("letter")
        if value in _KO_LETTERS and not _HANGUL_ITEM_RE.match(text, m.end()):
            continue  # 가, 나, 다 number Korean items only
        end = stripped_end(text, m.start())
        before = text[max(0, end - _BEFORE) : end]  # as much as the rules read of it
        ended = before.rstrip(CLOSERS)  # "Really?” 1. …": a list may start after a quotation
        bulleted = bool(before) and before[-1] in _BULLETS
        if (value, m.group("mark")) == expected and not bulleted:
            opens, fixed = "item", colon  # else its period ends nothing if a sentence starts at it
            lone.discard(len(found) - 1)
        elif value in ("1", "a", "A", "가") and (
            not before or (ended != "" and ended[-1] in _LIST_START)
        ):
            # After "." or "?" the list starts a sentence only if one ended there.
            colon = before.endswith(":")
            opens, fixed = "", colon or not before
            lone.add(len(found))
        elif bulleted:
            opens, fixed = (
                "",
                True,
            )  # the bullet before it starts the sentence: "• 9. The first item"
        else:
            continue
        if bool(before) and "\n" in text[end : m.start()]:
            opens = "always"
        expected = (_successor(value), m.group("mark"))
        dot = m.start("mark") if m.group("mark").startswith(".") else None
        found.append(Marker(m.start(), m.end(), dot, fixed, opens, colon))
    found = [marker for i, marker in enumerate(found) if i not in lone]
    for b in _BULLET_RE.finditer(text):
        found.append(Marker(b.start(), b.end(), None, True, "always", False))
    return sorted(found, key=lambda marker: marker.start)


def stripped_end(text: str, end: int) -> int:
    """Where text[:end].rstrip() would end, without copying text[:end].

    Copying the text before every place made a long paragraph quadratic.
    """
    while end and text[end - 1].isspace():
        end -= 1
    return end


def marker_shaped(word: str) -> bool:
    """A number or letter that, opening a sentence with a period, is a list marker ("b.", "나.")."""
    return _MARKER_WORD_RE.fullmatch(word) is not None


def _successor(value: str) -> str:
    if value.isdigit():
        return str(int(value) + 1)
    if value in _KO_LETTERS:
        return _KO_LETTERS[(_KO_LETTERS.index(value) + 1) % len(_KO_LETTERS)]
    return chr(ord(value) + 1)


def without_soft(text: str) -> str:
    """text without its emoji, emoticons, ㅋㅎㅠㅜ and "~" ("ㅎㅎ" alone is no sentence)."""
    return _SOFT_ONE_RE.sub("", text)


def soft_endings(text: str) -> list[re.Match[str]]:
    """Runs of emoji, emoticons, ㅋㅎㅠㅜ or "~" followed by whitespace."""
    return list(_SOFT_RE.finditer(text))
