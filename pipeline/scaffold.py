"""`postlingo init`: a new content project, never touching what exists."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import CONFIG_NAME
from pipeline.files import ensure_folders, read_text, write_atomic

CONFIG_TEMPLATE = """\
# postlingo configuration. Every key is optional; shown with its default
# where it has one. Docs: postlingo --help, and the README.

# Locales to translate into. A post is never translated into its own language.
targets = ["ko", "en", "ja", "zh-Hans", "es", "ar"]

# Machine translation: "auto" (Argos where a model is installed, else pseudo),
# "argos", or "pseudo" (pseudo-localization, no model needed).
engine = "auto"

# Regular expressions of whole lines to drop from the sources.
ignore = ["Previous image", "Next image"]

# source_dir = "source"
# locales_dir = "locales"
# site_dir = "site"
# templates_dir = "templates"   # your Jinja2 templates override the built-in ones
# wrap_width = 79               # .po line width, as msgcat/msgmerge
# base_url = "https://example.com/blog"   # absolute canonical/hreflang URLs
# models_dir = ""               # Argos packages (default: ARGOS_PACKAGES_DIR)
# glossary = "glossary.csv"     # source term, locale, target term

# project = "my-blog"          # names the catalogs (Project-Id-Version); default: this folder

# [site]
# title = "My blog"             # the index pages' heading (default: project)
# description = "What we write about."

# [mt]
# beam_size = 4
# batch_tokens = 512

# When a sentence changes, its old reviewed translation is offered as fuzzy
# (with the old sentence as #| msgid) if the two are at least this alike (0-1).
# Machine output of a changed sentence is never reused: it is translated again.
# [merge]
# fuzzy_cutoff = 0.6

# Per-locale publishing policy.
# [locale.ko]
# publish_machine_translation = false   # publish fuzzy machine output?
# min_translated = 80                   # percent of entries that must be publishable
"""


def init_project(directory: Path) -> list[str]:
    """Create what is missing; report each path created or kept."""
    lines = []
    config = directory / CONFIG_NAME
    if config.exists():
        lines.append(f"kept {config} (exists)")
    else:
        write_atomic(config, CONFIG_TEMPLATE)
        lines.append(f"created {config}")
    for name in ("source", "locales"):
        folder = directory / name
        if folder.exists():
            lines.append(f"kept {folder}/ (exists)")
        else:
            ensure_folders([folder])
            lines.append(f"created {folder}/")
    lines.append(_ignore_state(directory / ".gitignore"))
    return lines


IGNORED = ".postlingo/"  # what runs keep for the next one: never committed


def _ignore_state(gitignore: Path) -> str:
    """.postlingo/ in .gitignore: added to one that lacks it, never otherwise changed."""
    if not gitignore.exists():
        write_atomic(gitignore, f"{IGNORED}\n")
        return f"created {gitignore}"
    text = read_text(gitignore)
    if any(
        line.strip() in (IGNORED, IGNORED.rstrip("/"), f"/{IGNORED}") for line in text.splitlines()
    ):
        return f"kept {gitignore} (exists)"
    write_atomic(
        gitignore, text + ("" if text.endswith("\n") or not text else "\n") + f"{IGNORED}\n"
    )
    return f"added {IGNORED} to {gitignore}"
