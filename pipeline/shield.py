"""Keep what must not change away from the model, and put it back afterwards.

Placeholder tags, URLs, e-mail addresses, code-like placeholders ({name},
%1$s, anything with an underscore) and glossary terms are replaced by numbered
tokens "[1]", "[2]"… that translation models copy through, as they copy
citation marks. Any "[N]" already in the text is shielded too, so every token
in the model's output is ours. What the model loses or duplicates is reported
as notes; the entry is still written, and the checks flag it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.document import EMAIL_RE, TAG_RE, URL_RE
from pipeline.glossary import Term, find_terms

_TOKEN = re.compile(r"\[\s*(\d+)\s*\]")  # how models give our tokens back: "[ 1 ]" too
# Order matters only for ties: the earliest, then the longest match wins.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("tag", TAG_RE),
    ("URL", URL_RE),
    ("e-mail", EMAIL_RE),
    (
        "placeholder",
        re.compile(r"\{\{[^{}\n]*\}\}|\{[\w.:!-]*\}|%(?:\d+\$)?[-+#0]*\d*[sdifxXeEgG]"),
    ),
    ("placeholder", re.compile(r"\w*_\w*(?:[.:/-]\w+)*")),
    ("marker", _TOKEN),
)


@dataclass(frozen=True)
class Span:
    """One shielded piece: what was there, what goes back, and how to name it in a note."""

    kind: str  # tag, URL, e-mail, placeholder, marker, term
    original: str
    replacement: str

    @property
    def label(self) -> str:
        kind = "glossary term" if self.kind == "term" else self.kind
        return f"{kind} {self.original}"


@dataclass(frozen=True)
class Shielded:
    text: str  # what the model sees
    spans: tuple[Span, ...]  # token [n] stands for spans[n-1]


def shield(text: str, terms: Sequence[Term] = ()) -> Shielded:
    """Replace every protected piece of a source text by a numbered token."""
    found: list[tuple[int, int, Span]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if m.end() > m.start():
                found.append((m.start(), m.end(), Span(kind, m.group(0), m.group(0))))
    for match in find_terms(text, terms):
        matched = text[match.start : match.end]
        found.append((match.start, match.end, Span("term", matched, match.term.rendering(matched))))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    for start, end, span in found:
        if start < pos:
            continue  # overlaps a piece already shielded
        out.append(text[pos:start])
        spans.append(span)
        out.append(f"[{len(spans)}]")
        pos = end
    out.append(text[pos:])
    return Shielded("".join(out), tuple(spans))


def has_words(shielded: Shielded) -> bool:
    """Whether anything is left for a model once the protected pieces are out.

    A URL, a number or a kept term alone is copied as it is: a model shown only
    placeholders tends to invent words around them.
    """
    return any(ch.isalpha() for ch in _TOKEN.sub("", shielded.text))


def restore(output: str, shielded: Shielded) -> tuple[str, tuple[str, ...]]:
    """Put the shielded pieces back into the model's output; notes say what went wrong.

    The model's spacing is tidied before the pieces go back, so that each piece
    ({{ user  name }}, a glossary target) returns exactly as it was.
    """
    spans = shielded.spans
    notes: list[str] = []

    def drop_invented(m: re.Match[str]) -> str:
        if 1 <= int(m.group(1)) <= len(spans):
            return m.group(0)
        notes.append(f"model invented a placeholder {m.group(0)}; removed")
        return ""

    tidy = re.sub(r"[ \t]{2,}", " ", _TOKEN.sub(drop_invented, output)).strip()
    counts = Counter(int(number) for number in _TOKEN.findall(tidy))
    for number, span in enumerate(spans, start=1):
        if counts[number] == 0:
            notes.append(f"lost {span.label}")
        elif counts[number] > 1:
            notes.append(f"duplicated {span.label}")
    text = _TOKEN.sub(lambda m: spans[int(m.group(1)) - 1].replacement, tidy)
    return text, tuple(notes)
