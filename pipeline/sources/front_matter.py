"""Front matter for every format: YAML between ``---`` lines, or TOML between ``+++``.

Hugo allows it before an HTML page's <!DOCTYPE>, and pasted text posts carry
it too, so every reader calls this first. YAML aliases are refused: a
ten-line alias bomb would otherwise expand to gigabytes, and a cyclic
alias has no value at all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from dataclasses import dataclass, field
from typing import Any

import yaml

from pipeline.errors import PostlingoError

_FENCES = {"---": ("---", "..."), "+++": ("+++",)}
# Keys static-site generators know; a near miss of one of these is a typo.
WELL_KNOWN = (
    "title",
    "description",
    "summary",
    "date",
    "lastmod",
    "lang",
    "language",
    "slug",
    "tags",
    "categories",
    "draft",
    "author",
    "authors",
    "keywords",
    "layout",
    "permalink",
    "image",
    "weight",
    "aliases",
    "translationKey",
    "url",
    "type",
)
_TEXT_KEYS = ("title", "description", "lang", "slug")
# libyaml's parser where PyYAML was built with it: one pass, in C.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class FrontMatter:
    """String metadata, the file line of each key, and what looked wrong but was read."""

    meta: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    warnings: tuple[PostlingoError, ...] = ()


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(front matter, body, lines before the body). No front matter: ('', text, 0).

    A TOML block is returned with a leading '+++' line so read_front_matter
    knows which language it is in.
    """
    lines = text.split("\n")
    fence = lines[0].rstrip() if lines else ""
    if fence not in _FENCES:
        return "", text, 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _FENCES[fence]:
            front = "\n".join(lines[1:index])
            return (
                ("+++\n" + front if fence == "+++" else front),
                "\n".join(lines[index + 1 :]),
                index + 1,
            )
    raise PostlingoError(f"front matter starting here is never closed with {fence}", None, 1)


def _meta_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_meta_value(v) for v in value)
    return "" if value is None else str(value)


def _refuse_aliases(front: str) -> None:
    try:
        for event in yaml.parse(front, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise PostlingoError(
                    "front matter uses a YAML alias (*name): write the value out instead",
                    None,
                    mark.line + 2 if mark is not None else 2,
                )
    except yaml.YAMLError:
        return  # reported with its line by the real load


def _bad_date(front: str) -> int:
    """The file line of the first timestamp in the front matter that is no real date."""
    constructor = yaml.SafeLoader("")
    pending = [yaml.compose(front, Loader=yaml.SafeLoader)]
    while pending:  # aliases were refused, so the tree has no loops
        node = pending.pop(0)
        if isinstance(node, yaml.MappingNode):
            pending.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
            try:
                constructor.construct_yaml_timestamp(node)
            except ValueError:
                return int(node.start_mark.line) + 2
    return 2


def _yaml(front: str) -> tuple[Any, dict[str, int]]:
    if "&" in front or "*" in front:
        _refuse_aliases(front)
    loader = _LOADER(front)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError:
        # the pure-Python parser names the line a person would point at
        try:
            yaml.compose(front, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = mark.line + 2 if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise PostlingoError(f"front matter is not valid YAML: {problem}", None, line) from exc
        raise PostlingoError("front matter is not valid YAML", None, 1) from None
    except ValueError as exc:  # a date YAML recognises but the calendar lacks: 2024-02-30
        raise PostlingoError(
            f"front matter has no such date: {exc}", None, _bad_date(front)
        ) from exc
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise PostlingoError("front matter must be a YAML mapping (key: value lines)", None, 2)
    return data, {str(k.value): k.start_mark.line + 2 for k, _ in node.value}


def _toml(front: str) -> tuple[Any, dict[str, int]]:
    body = front.split("\n", 1)[1] if "\n" in front else ""
    try:
        data = tomllib.loads(body)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise PostlingoError(
            f"front matter is not valid TOML: {str(exc).split(' (at')[0]}",
            None,
            line + 1 if line else 1,
        ) from exc
    lines: dict[str, int] = {}
    for number, text in enumerate(body.split("\n"), start=2):
        key = text.split("=", 1)[0].strip().strip("\"'")
        if "=" in text and key and key not in lines:
            lines[key] = number
    return data, lines


def read_front_matter(front: str) -> FrontMatter:
    """Front matter → string metadata, each key's file line, and typo warnings."""
    if not front.strip() or front.strip() == "+++":
        return FrontMatter()
    data, lines = _toml(front) if front.startswith("+++\n") else _yaml(front)
    for key in _TEXT_KEYS:
        value = data.get(key)
        if isinstance(value, dict | list):
            raise PostlingoError(
                f"front matter {key!r} must be text, not a {'mapping' if isinstance(value, dict) else 'list'}",
                None,
                lines.get(key, 2),
            )
    meta = {str(k): _meta_value(v) for k, v in data.items() if not isinstance(v, dict)}
    warnings = []
    for key in data:
        name = str(key)
        if name in WELL_KNOWN or name.lower() in WELL_KNOWN:
            continue
        close = difflib.get_close_matches(name.lower(), WELL_KNOWN, n=1, cutoff=0.75)
        if close:
            warnings.append(
                PostlingoError(
                    f"front matter key {name!r} is not known: did you mean {close[0]!r}?",
                    None,
                    lines.get(name, 2),
                )
            )
    return FrontMatter(meta, lines, tuple(warnings))
