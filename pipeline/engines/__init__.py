"""Machine translation engines behind one batched interface.

An engine takes every segment of a language pair at once (across all posts)
so that it can batch, and returns one MachineTranslation per segment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

ENGINES = ("auto", "argos", "pseudo")  # auto: Argos where a model is installed, else pseudo


@dataclass(frozen=True)
class MachineTranslation:
    text: str
    origin: str  # provenance for the translator comment, e.g. "argos translate-en_ko 1.9"
    notes: tuple[str, ...] = ()  # what went wrong, e.g. "MT lost tag <2/>"


class Engine(Protocol):
    name: str

    def supports(self, source: str, target: str) -> bool:
        """Whether this engine can translate the pair (locale codes as configured)."""
        ...

    def translate(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        progress: Callable[[int], None] | None = None,
    ) -> list[MachineTranslation]:
        """Translate a batch; placeholder tags must come back intact.

        `progress`, if given, is told how many of the texts are done, as they are done.
        """
        ...

    def close(self) -> None:
        """Free what the engine holds for the run (a cluster it started)."""
        ...

    def identity(self, source: str, target: str) -> str:
        """Everything that decides its output for the pair, so a re-run knows when it changed."""
        ...
