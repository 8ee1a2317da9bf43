"""postlingo.toml (or [tool.postlingo] in pyproject.toml) → a frozen Config.

Every error names the key and the file, and the line where the key is written,
so a typo is found at once rather than silently ignored.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Any

from pipeline import locales
from pipeline.engines import ENGINES
from pipeline.errors import PostlingoError
from pipeline.files import read_text

CLUSTERS = ("local", "ray")  # where the model runs; "" in the config means local
# What happens to raw HTML in posts (sources/sanitize.py).
RAW_HTML_POLICIES = ("sanitize", "keep", "drop")

CONFIG_NAME = "postlingo.toml"
SEVERITIES = ("error", "warning", "off")
GETTEXT_WRAP_WIDTH = 79  # msgcat/msgmerge default: lines stay within 79 columns
# The checks of `postlingo check` (pipeline/checks.py gives each its default severity).
CHECK_NAMES = (
    "syntax", "language", "orphan", "stale", "translated", "pseudo", "machine-note", "outdated",
    "tags", "numbers", "urls", "glossary", "unchanged", "empty", "newlines", "whitespace",
    "doubled-words", "length",
)  # fmt: skip


@dataclass(frozen=True)
class LocaleConfig:
    publish_machine_translation: bool = False
    min_translated: int = 0  # percent of entries that must have a publishable msgstr


@dataclass(frozen=True)
class MTConfig:
    beam_size: int = 4
    inter_threads: int = 0  # 0: decide from the machine's cores
    intra_threads: int = 0
    device: str = ""  # cpu or cuda; empty: ARGOS_DEVICE_TYPE, else cpu
    compute_type: str = "int8"
    batch_tokens: int = 512  # token budget per CTranslate2 sub-batch
    cpu_fallback: bool = False  # device cuda with no GPU: run on the CPU instead of stopping
    cluster: str = ""  # "ray": the model runs on a Ray cluster (engines/cluster.py)
    address: str = ""  # Ray: "auto", "ray://host:10001", or empty for a local cluster
    workers: int = 0  # Ray actors per package; 0: as many as the cluster has room for
    gpus_per_worker: float = 0.0
    shard_tokens: int = 4096  # Ray: at most this many source tokens per shard


SITE_FORMATS = ("html", "hugo", "jekyll", "markdown")  # pipeline/ssg.py writes the last three


@dataclass(frozen=True)
class SiteConfig:
    format: str = "html"  # what `build` writes: html, or Markdown for hugo, jekyll, markdown
    title: str = ""  # the index pages' heading and og:site_name; empty: `project`
    description: str = ""  # under the heading of the index pages, and their meta description


@dataclass(frozen=True)
class MergeConfig:
    # How alike (difflib ratio of the plain text, 0-1) a changed sentence must be to its
    # old version for the old reviewed translation to be offered as fuzzy; measured in
    # tests/test_fuzzy_cutoff.py on real edits.
    fuzzy_cutoff: float = 0.6


@dataclass(frozen=True)
class Config:
    root: Path = Path(".")
    path: Path | None = None  # where the config was read from
    project: str = ""
    targets: tuple[str, ...] = ()
    engine: str = "auto"
    ignore: tuple[str, ...] = ()
    raw_html: str = "sanitize"  # raw HTML in posts: sanitize, keep or drop
    source_dir: str = "source"
    locales_dir: str = "locales"
    site_dir: str = "site"
    templates_dir: str = "templates"
    wrap_width: int = GETTEXT_WRAP_WIDTH
    base_url: str = ""
    models_dir: str = ""
    glossary: str = "glossary.csv"
    cache: str = ".postlingo/mt-cache.sqlite"
    mt: MTConfig = field(default_factory=MTConfig)
    site: SiteConfig = field(default_factory=SiteConfig)
    merge: MergeConfig = field(default_factory=MergeConfig)
    locale: dict[str, LocaleConfig] = field(default_factory=dict)
    checks: dict[str, str] = field(default_factory=dict)

    def for_locale(self, code: str) -> LocaleConfig:
        """The [locale.<code>] table, however the code is spelled (pt-BR, pt_BR)."""
        wanted = locales.gettext_code(code).casefold()
        for name, table in self.locale.items():
            if locales.gettext_code(name).casefold() == wanted:
                return table
        return LocaleConfig()

    def resolve(self, relative: str) -> Path:
        return self.root / relative

    @cached_property  # asked for once per catalog and page
    def source_path(self) -> Path:
        return self.resolve(self.source_dir)

    @cached_property  # asked for once per catalog and page
    def locales_path(self) -> Path:
        return self.resolve(self.locales_dir)

    @cached_property  # asked for once per catalog and page
    def site_path(self) -> Path:
        return self.resolve(self.site_dir)


_SCALARS: dict[str, type] = {
    "project": str,
    "engine": str,
    "source_dir": str,
    "locales_dir": str,
    "site_dir": str,
    "templates_dir": str,
    "wrap_width": int,
    "base_url": str,
    "models_dir": str,
    "glossary": str,
    "cache": str,
    "raw_html": str,
}


KNOWN_KEYS = (*_SCALARS, "targets", "ignore", "mt", "site", "locale", "checks")


def _line_of(text: str, key: str) -> int | None:
    """Where a key (or the table named after it) is written."""
    name = re.escape(key)
    for pattern in (rf"^\s*[\"']?{name}[\"']?\s*=", rf"^\s*\[[^\]]*\b{name}[\"']?\s*\]"):
        m = re.search(pattern, text, re.M)
        if m:
            return text.count("\n", 0, m.start()) + 1
    return None


class _Reader:
    """Validates a raw TOML table, reporting errors against the file."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text

    def fail(self, key: str, message: str) -> PostlingoError:
        return PostlingoError(message, self.path, _line_of(self.text, key.split(".")[-1]))

    def typed(self, key: str, value: Any, kind: type) -> Any:
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)  # gpus_per_worker = 1
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            return self._raise(key, f"{key} must be {kind.__name__}, not {type(value).__name__}")
        return value

    def strings(self, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._raise(key, f"{key} must be a list of strings")
        return tuple(value)

    def table(self, key: str, value: Any, schema: type) -> Any:
        if not isinstance(value, dict):
            self._raise(key, f"{key} must be a table")
        known = {f.name: f for f in fields(schema)}
        values = {}
        for name, raw in value.items():
            if name not in known:
                self._raise(f"{key}.{name}", f"unknown key {key}.{name}{did_you_mean(name, known)}")
            default = getattr(schema(), name)
            values[name] = self.typed(f"{key}.{name}", raw, type(default))
        return schema(**values)

    def _raise(self, key: str, message: str) -> Any:
        raise self.fail(key, message)

    def locales(self, key: str, codes: Iterable[str]) -> tuple[str, ...]:
        """Each code in its one canonical form; two spellings of one locale are an error."""
        seen: dict[str, str] = {}
        for code in codes:
            where = code if key == "locale" else key
            try:
                form = locales.canonical(code)
            except PostlingoError as exc:
                return self._raise(where, f"{key}: {exc}")
            if form in seen:
                first = seen[form]
                what = f"{code!r} is given twice"
                if first != code:
                    what = f"{first!r} and {code!r} are the same locale ({form!r})"
                self._raise(where, f"{key}: {what}")
            seen[form] = code
        return tuple(seen)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """(did you mean 'targets'?) — the closest known name, or nothing."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parse(raw: dict[str, Any], path: Path, text: str, root: Path) -> Config:
    r = _Reader(path, text)
    values: dict[str, Any] = {"root": root, "path": path, "project": root.resolve().name}
    for key, value in raw.items():
        if key in _SCALARS:
            values[key] = r.typed(key, value, _SCALARS[key])
        elif key == "targets":
            values[key] = r.locales(key, r.strings(key, value))
        elif key == "ignore":
            values[key] = r.strings(key, value)
            for pattern in values[key]:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    r._raise(key, f"ignore pattern {pattern!r} is not a regular expression: {exc}")
        elif key == "mt":
            values[key] = r.table(key, value, MTConfig)
        elif key == "merge":
            values[key] = r.table(key, value, MergeConfig)
        elif key == "site":
            values[key] = r.table(key, value, SiteConfig)
        elif key == "locale":
            if not isinstance(value, dict):
                r._raise(key, "locale must be a table of [locale.<code>] tables")
            forms = r.locales(key, value)
            values[key] = {
                form: r.table(f"locale.{code}", table, LocaleConfig)
                for form, (code, table) in zip(forms, value.items(), strict=True)
            }
        elif key == "checks":
            if not isinstance(value, dict):
                r._raise(key, "checks must be a table of check = severity")
            for name, severity in value.items():
                if severity not in SEVERITIES:
                    r._raise(name, f"checks.{name} must be one of {', '.join(SEVERITIES)}")
                if name not in CHECK_NAMES:
                    hint = did_you_mean(name, CHECK_NAMES) or f" (known: {', '.join(CHECK_NAMES)})"
                    r._raise(name, f"unknown check checks.{name}{hint}")
            values[key] = dict(value)
        else:
            r._raise(key, f"unknown key {key!r}{did_you_mean(key, KNOWN_KEYS)}")
    config = Config(**values)
    if config.engine not in ENGINES:
        r._raise("engine", f"engine must be one of {', '.join(ENGINES)}, not {config.engine!r}")
    if config.raw_html not in RAW_HTML_POLICIES:
        r._raise(
            "raw_html",
            f"raw_html must be one of {', '.join(RAW_HTML_POLICIES)}, not {config.raw_html!r}",
        )
    if config.site.format not in SITE_FORMATS:
        r._raise(
            "format",
            f"site.format must be one of {', '.join(SITE_FORMATS)}, not {config.site.format!r}",
        )
    if config.wrap_width < 0:
        r._raise("wrap_width", "wrap_width must not be negative")
    if config.mt.beam_size < 1:
        r._raise("beam_size", "mt.beam_size must be at least 1")
    problem = _cluster_problem(config.mt)
    if problem:
        r._raise(problem[0], problem[1])
    if not 0.0 < config.merge.fuzzy_cutoff <= 1.0:
        r._raise("fuzzy_cutoff", "merge.fuzzy_cutoff must be above 0 and at most 1")
    return config


def _cluster_problem(mt: MTConfig) -> tuple[str, str] | None:
    """(key, message) for what is wrong with the cluster keys of [mt], if anything."""
    if mt.cluster and mt.cluster not in CLUSTERS:
        return "cluster", f"mt.cluster must be one of {', '.join(CLUSTERS)}, not {mt.cluster!r}"
    if mt.workers < 0:
        return "workers", "mt.workers must not be negative"
    if mt.gpus_per_worker < 0:
        return "gpus_per_worker", "mt.gpus_per_worker must not be negative"
    if mt.shard_tokens < 1:
        return "shard_tokens", "mt.shard_tokens must be at least 1"
    return None


def _project_table(path: Path) -> bool:
    """Whether this pyproject.toml has a [tool.postlingo] table (unreadable: not ours)."""
    try:
        return "postlingo" in tomllib.loads(read_text(path)).get("tool", {})
    except (tomllib.TOMLDecodeError, PostlingoError, OSError):
        return False


def find_root(start: Path) -> Path | None:
    """The nearest folder, from start upwards, holding the project's config (as git does)."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _project_table(pyproject):
            return folder
    return None


def not_a_project(start: Path) -> PostlingoError:
    return PostlingoError(
        f"not in a postlingo project: no {CONFIG_NAME} (or [tool.postlingo] in pyproject.toml) "
        f"in {start.absolute()} or any parent folder; create one with `postlingo init`"
    )


def load(root: Path, explicit: Path | None = None) -> Config:
    """Read the project's config: the explicit file, else the one at root; else defaults."""
    candidates = [explicit] if explicit else [root / CONFIG_NAME, root / "pyproject.toml"]
    for path in candidates:
        if path is None or not path.is_file():
            if explicit:
                raise PostlingoError("config file not found", explicit)
            continue
        try:
            text = read_text(path)  # UTF-8; a BOM (Windows Notepad) is dropped
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"line (\d+)", str(exc))
            # "at end of document": point at the last line that has content
            line = int(found.group(1)) if found else len(text.rstrip().splitlines()) or 1
            message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
            raise PostlingoError(f"invalid TOML: {message}", path, line) from exc
        if path.name == "pyproject.toml" and not explicit:
            data = data.get("tool", {}).get("postlingo")
            if data is None:
                continue
        return parse(data, path, text, root)
    return Config(root=root, project=root.resolve().name)
