"""The publishing gate of `build --strict`: what must hold before CI publishes a site.

The quality checks (pipeline.checks) run first, with the severities the project
configured. Threshold shortfalls hold a post/locale back rather than stopping
the build, so the site always shows what is ready; the exit code says whether
any error-level check failed, so CI deploys only a site that passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline import checks
from pipeline.checks import ERROR, Finding
from pipeline.config import Config
from pipeline.document import Document
from pipeline.publish import Decision


@dataclass(frozen=True)
class Gate:
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != ERROR]


def inspect(
    config: Config, docs: Sequence[Document], only: Sequence[str] = (), everything: bool = True
) -> Gate:
    """Run the project's checks with the severities it configured."""
    return Gate(tuple(checks.run(config, docs, only, everything)))


def table(decisions: Iterable[Decision]) -> list[str]:
    """Published and held-back post/locale pairs, and why: the build's summary."""
    rows = list(decisions)
    if not rows:
        return []
    width = max(len("post"), *(len(r.post) for r in rows))
    lines = [f"  {'post':<{width}} {'locale':<8} {'status':<10} why"]
    for r in rows:
        status = "published" if r.published else "held back"
        lines.append(f"  {r.post:<{width}} {r.locale:<8} {status:<10} {r.reason}")
    held = sum(1 for r in rows if not r.published)
    lines.append(f"  {len(rows) - held} published, {held} held back")
    return lines


def summary(gate: Gate) -> str:
    errors, warnings = len(gate.errors), len(gate.warnings)
    if not errors:
        return f"checks passed ({warnings} warnings; postlingo check lists them)"
    return f"checks failed: {errors} errors, {warnings} warnings"
