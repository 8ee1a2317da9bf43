"""Translated Markdown for static-site generators, in the layout each one documents.

- hugo: ``content/<lang>/<slug>.md`` with ``translationKey`` (Hugo's
  translation by content directory: each language's ``contentDir``);
- jekyll: ``<lang>/<slug>.md`` with ``lang`` and ``permalink: /<lang>/<slug>/``;
- markdown: ``<lang>/<slug>.md``, nothing added.

The body comes from markdown_out (the source with only its words replaced);
the front matter keeps every key and its format (YAML ``---`` or TOML ``+++``)
byte for byte, with the title and description translated and the
generator's language keys set. Only Markdown posts can be written this way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

import yaml

from pipeline.article import bcp47
from pipeline.document import Document, Unit
from pipeline.markdown_out import plain, split, translate_body
from pipeline.site import Edition
from pipeline.sources import drop_ignored

MARKDOWN_SUFFIXES = (".md", ".markdown")


def output_path(fmt: str, locale: str, slug: str) -> str:
    lang = bcp47(locale)
    return f"content/{lang}/{slug}.md" if fmt == "hugo" else f"{lang}/{slug}.md"


def language_keys(fmt: str, edition: Edition, present: Sequence[str]) -> dict[str, str]:
    """The front-matter keys the generator reads the language from, for one page."""
    lang, slug = bcp47(edition.locale), edition.doc.slug
    declared = "lang" in present
    own = edition.locale == edition.doc.lang  # the source's own lang key is already right
    keys = {"lang": lang} if (declared and not own) or (fmt == "jekyll" and not declared) else {}
    if fmt == "hugo" and "translationKey" not in present:
        keys["translationKey"] = slug
    if fmt == "jekyll":
        keys["permalink"] = f"/{lang}/{slug}/"
    return keys


# --- front matter ----------------------------------------------------------------


def _yaml_values(inner: str) -> dict[str, tuple[int, int]]:
    """Top-level key → (start, end) of its value in the YAML text."""
    try:
        node = yaml.compose(inner, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    spans: dict[str, tuple[int, int]] = {}
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and value.start_mark and value.end_mark:
            spans[str(key.value)] = (value.start_mark.index, value.end_mark.index)
    return spans


def _toml_values(inner: str) -> dict[str, tuple[int, int]]:
    """Top-level key → (start, end) of a one-line value, before the first [table]."""
    head = re.split(r"^[ \t]*\[", inner, maxsplit=1, flags=re.M)[0]
    spans: dict[str, tuple[int, int]] = {}
    for m in re.finditer(
        r"^[ \t]*[\"']?([A-Za-z0-9_-]+)[\"']?[ \t]*=[ \t]*(.*?)[ \t]*$", head, re.M
    ):
        value = m.group(2)
        if value and not value.startswith(('"""', "'''", "[", "{")):
            spans.setdefault(m.group(1), (m.start(2), m.end(2)))
    return spans


def _parts(head: str) -> tuple[str, str, str]:
    """A front matter block as (opening fence, the keys, closing fence)."""
    fence, _, rest = head.partition("\n")
    close = rest.rstrip("\n").rfind("\n") + 1
    return fence, rest[:close], rest[close:]


def keys(head: str) -> list[str]:
    """The top-level keys a front matter block sets."""
    fence, inner, _ = _parts(head)
    return list(_toml_values(inner) if fence.rstrip() == "+++" else _yaml_values(inner))


def front_matter(head: str, values: Mapping[str, str]) -> str:
    """The front matter block with these keys set; every other byte as it was.

    Values are written as double-quoted strings, which YAML and TOML read alike.
    """
    if not values:
        return head
    if not head:
        lines = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in values.items())
        return f"---\n{lines}---\n"
    fence, inner, closing = _parts(head)
    toml = fence.rstrip() == "+++"
    spans = _toml_values(inner) if toml else _yaml_values(inner)
    added = []
    for key, value in values.items():
        quoted = json.dumps(value, ensure_ascii=False)
        if key in spans:
            start, end = spans[key]
            trailing = "\n" if inner[start:end].endswith("\n") else ""
            inner = inner[:start] + quoted + trailing + inner[end:]
            shift = len(quoted) + len(trailing) - (end - start)
            spans = {
                k: (s + shift, e + shift) if s > start else (s, e) for k, (s, e) in spans.items()
            }
        else:
            added.append(f"{key} = {quoted}\n" if toml else f"{key}: {quoted}\n")
    return f"{fence}\n{''.join(added)}{inner}{closing}"


# --- pages -------------------------------------------------------------------------


def _header_text(doc: Document, unit: Unit | None, edition: Edition) -> str | None:
    """A translated title or description, or None where it reads as in the source."""
    if unit is None or (unit is doc.title and doc.title_from_body):
        return None
    shown = plain(unit, edition.locale, edition.translations)
    return shown if shown != unit.text else None


def page(fmt: str, edition: Edition, source: str, ignore: Sequence[str], raw_html: str) -> str:
    """One post in one locale as the generator's Markdown file."""
    doc = edition.doc
    kept, _ = drop_ignored(source, ignore)
    head, body = split(kept)
    values = language_keys(fmt, edition, keys(head))
    for key, unit in (("title", doc.title), ("description", doc.description)):
        text = _header_text(doc, unit, edition)
        if text is not None:
            values[key] = text
    if edition.locale != doc.lang:
        body = translate_body(body, doc.lang, edition.locale, edition.translations, raw_html)
    return front_matter(head, values) + body


def render(
    fmt: str,
    editions: Sequence[Edition],
    sources: Mapping[str, str],
    ignore: Sequence[str],
    raw_html: str,
) -> tuple[dict[str, str], list[str]]:
    """Every edition of every Markdown post as a file; warnings for the posts left out."""
    out: dict[str, str] = {}
    skipped: list[str] = []
    for edition in editions:
        doc = edition.doc
        if not doc.path.lower().endswith(MARKDOWN_SUFFIXES):
            if edition.locale == doc.lang:
                skipped.append(f"{doc.path}: only Markdown posts are written for {fmt}; skipped")
            continue
        out[output_path(fmt, edition.locale, doc.slug)] = page(
            fmt, edition, sources[doc.path], ignore, raw_html
        )
    return out, skipped
