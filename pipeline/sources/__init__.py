"""Source posts → Documents: one reader per format, one set of rules for all.

The readers (markdown, html, text) only turn text into a tree. What every
post shares is settled here: dropping ignored lines while keeping the
original line numbers, the slug, the language, and refusing a post with
nothing to translate.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.document import Document, map_units, plain_text
from pipeline.errors import PostlingoError
from pipeline.files import read_text
from pipeline.sources.language import source_language

if TYPE_CHECKING:
    from pipeline.sources.draft import Draft

# File suffix → the reader module; each is imported on first use, so a run
# that reads no post (nothing changed) does not pay for the parsers.
READERS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
}


def reader(suffix: str) -> Callable[[str, str], Draft] | None:
    name = READERS.get(suffix)
    if name is None:
        return None
    module = importlib.import_module(f"pipeline.sources.{name}")
    parse: Callable[[str, str], Draft] = module.parse
    return parse


SLUG_RE = re.compile(r"[\w][\w.-]*")

__all__ = ["READERS", "discover", "read"]


def discover(source_dir: Path, root: Path | None = None) -> list[Path]:
    """The posts directly inside the source folder, sorted by file name.

    A symbolic link is followed only to a file inside the project (`root`,
    else the source folder itself), so that `source/passwd.md -> /etc/passwd`
    is never published; a broken one is an error, not a post silently missing.
    """
    if not source_dir.is_dir():
        what = "is not a folder" if source_dir.exists() else "source folder not found"
        raise PostlingoError(what, source_dir)
    try:
        entries = sorted(source_dir.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise PostlingoError(f"cannot list: {exc.strerror or exc}", source_dir) from exc
    posts = []
    inside = (root or source_dir).resolve()
    for entry in entries:
        if entry.suffix.lower() not in READERS or entry.name.startswith("."):
            continue
        if entry.is_symlink():
            try:
                target = entry.resolve(strict=True)
            except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
                raise PostlingoError(
                    f"broken symbolic link (to {entry.readlink()}); remove it or fix its target",
                    entry,
                ) from exc
            if not target.is_relative_to(inside):
                raise PostlingoError(
                    f"symbolic link to {target}, outside the project; posts must be in it",
                    entry,
                )
        if entry.is_file():
            posts.append(entry)
    if not posts:
        kinds = " ".join(READERS)
        raise PostlingoError(f"no posts in the source folder (looked for {kinds})", source_dir)
    return posts


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def drop_ignored(source: str, ignore: Sequence[str]) -> tuple[str, list[int] | None]:
    """The source without lines matching an ignore pattern whole, and each kept line's number.

    With no patterns the source is returned as it is (None: every line kept),
    rather than split into lines and joined again: two more copies of a big post.
    """
    try:
        patterns = [re.compile(p) for p in ignore]
    except re.error as exc:
        raise PostlingoError(f"ignore pattern {exc.pattern!r} is not a valid regex: {exc}") from exc
    if not patterns:
        return source, None
    kept: list[str] = []
    origin: list[int] = []
    for number, line in enumerate(source.split("\n"), start=1):
        if any(p.fullmatch(line) for p in patterns):
            continue
        kept.append(line)
        origin.append(number)
    return "\n".join(kept), origin


def read(
    path: Path, root: Path, ignore: Sequence[str] = (), raw_html: str = "sanitize"
) -> Document:
    """Parse one post; units carry no segments yet (segment_document adds them)."""
    where = _relative(path, root)
    parse = reader(path.suffix.lower())
    if parse is None:
        raise PostlingoError(f"not a post: {' '.join(READERS)} files are read", where)
    try:
        source = read_text(path)
    except PostlingoError as exc:
        raise PostlingoError(exc.message, where, exc.line) from exc
    kept, origin = drop_ignored(source, ignore)
    last_line = source.count("\n") + 1

    def original(line: int) -> int:
        if origin is None:
            return min(max(line, 1), last_line)
        return origin[min(max(line, 1), len(origin)) - 1] if origin else 1

    try:
        draft = parse(kept, raw_html)
    except PostlingoError as exc:
        line = original(exc.line) if exc.line is not None else None
        raise PostlingoError(exc.message, where, line) from exc
    located = map_units(
        Document("", where, "", draft.body, draft.title, draft.description),
        lambda unit: replace(unit, line=original(unit.line)),
    )
    words = "\n".join(plain_text(u.text) for u in located.units() if u.translatable)
    if not any(c.isalnum() for c in words):
        raise PostlingoError("the post has no text to translate", where)
    lang_line = draft.meta_lines.get("lang")
    lang = source_language(
        words, draft.meta.get("lang", ""), where, original(lang_line) if lang_line else None
    )
    slug = draft.meta.get("slug", "").strip() or path.stem
    if not SLUG_RE.fullmatch(slug):
        slug_line = draft.meta_lines.get("slug")
        raise PostlingoError(
            f"slug {slug!r} must be letters, digits, '.', '-' or '_'",
            where,
            original(slug_line) if slug_line else None,
        )
    warnings = tuple(
        PostlingoError(w.message, where, original(w.line) if w.line else None)
        for w in draft.warnings
    )
    return replace(
        located,
        slug=slug,
        lang=lang,
        meta=dict(draft.meta),
        title_from_body=draft.title_from_body,
        warnings=warnings,
    )
