"""The stages of a run over a content project: read, extract, translate, build.

Each stage reads what it needs, works on in-memory objects, and writes its
results only once everything succeeded, so a failure half-way leaves every
existing file as it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline import catalog, locales, publish, segment, sources
from pipeline.config import Config
from pipeline.document import Document
from pipeline.engines import Engine, MachineTranslation
from pipeline.engines.pseudo import PseudoEngine
from pipeline.errors import PostlingoError
from pipeline.files import write_atomic

Pair = tuple[str, str]


# --- reading -----------------------------------------------------------------


def load_documents(config: Config, selection: Sequence[str] = ()) -> list[Document]:
    """Read and segment the selected posts (by slug, file name or path); all by default."""
    paths = sources.discover(config.source_path)
    if selection:
        wanted = {s.rstrip("/") for s in selection}
        chosen = [
            p for p in paths if {p.stem, p.name, str(p)} & wanted or relative(config, p) in wanted
        ]
        known = {n for p in chosen for n in (p.stem, p.name, str(p), relative(config, p))}
        missing = sorted(wanted - known)
        if missing:
            raise PostlingoError(f"no such post: {', '.join(missing)}", config.source_path)
        paths = chosen
    docs = [segment.segment_document(sources.read(p, config.root, config.ignore, config.raw_html)) for p in paths]
    seen: dict[str, str] = {}
    for doc in docs:
        if doc.slug in seen:
            raise PostlingoError(f"slug {doc.slug!r} is also used by {seen[doc.slug]}", doc.path)
        seen[doc.slug] = doc.path
    return docs


def relative(config: Config, path: Path) -> str:
    """The path as users see it in messages and comments: from the project root."""
    try:
        return path.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def targets_for(doc: Document, config: Config, only: Sequence[str] = ()) -> list[str]:
    """Every configured target except the post's own language."""
    chosen = [t for t in config.targets if not only or t in only]
    return [t for t in chosen if locales.language(t) != doc.lang]


def check_targets(config: Config, only: Sequence[str]) -> None:
    unknown = [t for t in only if t not in config.targets]
    if unknown:
        raise PostlingoError(
            f"{', '.join(unknown)} not among the configured targets "
            f"({', '.join(config.targets) or 'none'})",
            config.path,
        )


def pot_path(config: Config, slug: str) -> Path:
    return config.locales_path / f"{slug}.pot"


def po_path(config: Config, locale: str, slug: str) -> Path:
    return config.locales_path / locale / f"{slug}.po"


# --- extract -----------------------------------------------------------------


def templates(config: Config, docs: Iterable[Document]) -> dict[str, polib.POFile]:
    return {doc.slug: catalog.template(doc, config.project) for doc in docs}


def write_catalog(config: Config, path: Path, po: polib.POFile) -> bool:
    return write_atomic(path, catalog.dump(po, config.wrap_width))


def extract(config: Config, docs: Sequence[Document]) -> tuple[int, list[Path]]:
    """Write locales/<slug>.pot for each post: (sentences extracted, files changed)."""
    pots = templates(config, docs)
    changed = [
        pot_path(config, slug)
        for slug, pot in pots.items()
        if write_catalog(config, pot_path(config, slug), pot)
    ]
    return sum(len(pot) for pot in pots.values()), changed


# --- translate ---------------------------------------------------------------


@dataclass
class TranslateResult:
    written: list[Path] = field(default_factory=list)
    machine: dict[Pair, int] = field(default_factory=dict)  # entries filled by engine
    memory: int = 0  # entries filled from another post's reviewed translation
    replaced_pseudo: int = 0  # pseudo previews emptied for a real engine to fill
    engines: dict[Pair, str] = field(default_factory=dict)  # pair → engine name
    warnings: list[str] = field(default_factory=list)

    @property
    def used_pseudo(self) -> bool:
        return "pseudo" in self.engines.values()


def choose_engines(
    config: Config, name: str, pairs: Iterable[Pair]
) -> tuple[dict[Pair, Engine], list[str]]:
    """One engine per language pair. `auto` takes Argos where a model is installed."""
    pairs = sorted(set(pairs))
    if name == "pseudo" or not pairs:
        return {p: PseudoEngine() for p in pairs}, []
    from pipeline.engines.argos import ArgosEngine
    from pipeline.memory import MTCache

    argos = ArgosEngine(config, MTCache(config.resolve(config.cache)))
    chosen: dict[Pair, Engine] = {}
    fallback: list[Pair] = []
    for pair in pairs:
        if argos.supports(*pair):
            chosen[pair] = argos
        elif name == "argos":
            argos.require(*pair)  # raises the error naming the packages to install
        else:
            chosen[pair] = PseudoEngine()
            fallback.append(pair)
    if not fallback:
        return chosen, []
    listed = ", ".join(f"{s}→{t}" for s, t in fallback)
    s, t = (locales.language(code) for code in fallback[0])
    warning = (
        f"no Argos model for {listed}: using pseudo-localization "
        f"(install models with e.g. postlingo models install {s} {t})"
    )
    return chosen, [warning]


def _existing(config: Config, locale: str, slug: str) -> polib.POFile | None:
    path = po_path(config, locale, slug)
    return catalog.load(path) if path.exists() else None


def _memory(
    config: Config, locales_wanted: Iterable[str], loaded: dict[Path, polib.POFile]
) -> dict[str, dict[str, tuple[str, str]]]:
    """locale → msgid → (reviewed msgstr, where it came from), over every catalog on disk."""
    found: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for locale in sorted(set(locales_wanted)):
        for path in sorted((config.locales_path / locale).glob("*.po")):
            po = loaded[path] if path in loaded else catalog.load(path)
            where = relative(config, path)
            for entry in po:
                if entry.msgstr and not entry.fuzzy and not entry.obsolete:
                    found[locale].setdefault(entry.msgid, (entry.msgstr, where))
    return found


def _fill_from_memory(
    config: Config, merged: dict[tuple[str, str], polib.POFile], loaded: dict[Path, polib.POFile]
) -> int:
    """Reuse a reviewed translation of the same sentence from another post (as fuzzy)."""
    memory = _memory(config, (locale for _, locale in merged), loaded)
    reused = 0
    for (slug, locale), po in merged.items():
        own = relative(config, po_path(config, locale, slug))
        hits = {
            msgid: memory[locale][msgid]
            for msgid in catalog.needs_machine(po)
            if msgid in memory[locale] and memory[locale][msgid][1] != own
        }
        reused += catalog.fill_from_memory(po, hits)
    return reused


def translate(
    config: Config,
    docs: Sequence[Document],
    *,
    only: Sequence[str] = (),
    engine: str | None = None,
    progress: Callable[[Iterable[Pair]], Iterable[Pair]] = lambda pairs: pairs,
) -> TranslateResult:
    """Extract, merge every catalog with its template, fill empty entries.

    Memory first, then one engine call per language pair over all posts, so the
    engine can batch and never sees the same sentence twice.
    """
    check_targets(config, only)
    result = TranslateResult()
    pots = templates(config, docs)
    lang_of = {doc.slug: doc.lang for doc in docs}
    keys = [(doc.slug, loc) for doc in docs for loc in targets_for(doc, config, only)]
    loaded = {
        po_path(config, loc, slug): po
        for slug, loc in keys
        if (po := _existing(config, loc, slug)) is not None
    }
    merged = {
        (slug, loc): catalog.merge(pots[slug], loaded.get(po_path(config, loc, slug)), loc)
        for slug, loc in keys
    }
    pairs = {(lang_of[slug], locale) for slug, locale in merged}
    engines, result.warnings = choose_engines(config, engine or config.engine, pairs)
    result.engines = {pair: e.name for pair, e in engines.items()}
    for (slug, locale), po in merged.items():
        if result.engines[(lang_of[slug], locale)] != "pseudo":
            result.replaced_pseudo += catalog.clear_pseudo(po)  # a real model arrived
    result.memory = _fill_from_memory(config, merged, loaded)
    wanted: dict[Pair, dict[str, None]] = defaultdict(dict)
    for (slug, locale), po in merged.items():
        for msgid in catalog.needs_machine(po):
            wanted[(lang_of[slug], locale)][msgid] = None
    translations: dict[Pair, dict[str, MachineTranslation]] = {}
    for pair in progress(sorted(wanted)):
        texts = list(wanted[pair])
        translations[pair] = dict(zip(texts, engines[pair].translate(texts, *pair), strict=True))
    for (slug, locale), po in merged.items():
        pair = (lang_of[slug], locale)
        result.machine[pair] = result.machine.get(pair, 0) + catalog.fill(
            po, translations.get(pair, {})
        )
    outputs = [(pot_path(config, slug), pot) for slug, pot in pots.items()]
    outputs += [(po_path(config, loc, slug), po) for (slug, loc), po in merged.items()]
    result.written = [path for path, po in outputs if write_catalog(config, path, po)]
    return result


# --- status ------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    post: str
    locale: str
    stats: catalog.Stats | None  # None: no catalog yet
    min_translated: int


def status(config: Config, docs: Sequence[Document], only: Sequence[str] = ()) -> list[StatusRow]:
    check_targets(config, only)
    rows = []
    for doc in docs:
        for locale in targets_for(doc, config, only):
            po = _existing(config, locale, doc.slug)
            rows.append(
                StatusRow(
                    doc.slug,
                    locale,
                    catalog.stats(po) if po is not None else None,
                    config.for_locale(locale).min_translated,
                )
            )
    return rows


# --- build -------------------------------------------------------------------


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    pages: int = 0
    decisions: list[publish.Decision] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # stale pages of an earlier build

    @property
    def held_back(self) -> list[publish.Decision]:
        return [d for d in self.decisions if not d.published]


SITE_MANIFEST = ".postlingo-files"  # what the last full build wrote, so stale pages go


def build(
    config: Config,
    docs: Sequence[Document],
    *,
    only: Sequence[str] = (),
    pseudo: bool = False,
    prune: bool = True,
) -> BuildResult:
    """Render every source page and every translation its locale's policy allows.

    With `prune` (a full build), pages an earlier build wrote that are no longer
    published are removed, so a held-back locale or a pseudo preview never
    lingers in a deployed site. Only files listed in the manifest are touched.
    """
    from pipeline.site import assets, render_site

    check_targets(config, only)
    catalogs = {
        (doc.slug, loc): _existing(config, loc, doc.slug)
        for doc in docs
        for loc in targets_for(doc, config, only)
    }
    editions, decisions = publish.plan(config, docs, catalogs, pseudo=pseudo)
    outputs: dict[str, str | bytes] = dict(render_site(editions, config))
    result = BuildResult(decisions=decisions, pages=len(editions))
    for target, origin in assets(docs, config).items():
        source = config.resolve(origin)
        if source.is_file():
            outputs[target] = source.read_bytes()
        else:
            result.warnings.append(f"{origin}: image not found; the page links to it anyway")
    if not config.base_url:
        result.warnings.append(
            "base_url is not set: canonical, hreflang and sitemap URLs are relative, "
            "and search engines want them absolute"
        )
    site = config.site_path
    for rel, content in sorted(outputs.items()):
        if write_atomic(site / rel, content):
            result.written.append(site / rel)
    if prune:
        manifest = site / SITE_MANIFEST
        before = manifest.read_text(encoding="utf-8").split() if manifest.is_file() else []
        for rel in sorted(set(before) - set(outputs)):
            stale = site / rel
            if ".." not in Path(rel).parts and stale.is_file():
                stale.unlink()
                result.removed.append(stale)
        write_atomic(manifest, "".join(f"{rel}\n" for rel in sorted(outputs)))
    return result
