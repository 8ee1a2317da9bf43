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

from pipeline import catalog, files, locales, publish, segment, sources
from pipeline.config import Config
from pipeline.document import Document
from pipeline.engines import Engine, MachineTranslation
from pipeline.engines.pseudo import PseudoEngine
from pipeline.errors import PostlingoError
from pipeline.site import slug_problem

Pair = tuple[str, str]


# --- reading -----------------------------------------------------------------


def load_documents(config: Config, selection: Sequence[str] = ()) -> list[Document]:
    """Read and segment the selected posts (by slug, file name or path); all by default."""
    paths = sources.discover(config.source_path, config.root)
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
        problem = slug_problem(doc.slug)
        if problem:
            raise PostlingoError(problem, doc.path)
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
    return files.write_atomic(path, catalog.dump(po, config.wrap_width))


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
    config: Config, name: str, pairs: Iterable[Pair], cluster: str | None = None
) -> tuple[dict[Pair, Engine], list[str]]:
    """One engine per language pair. `auto` takes Argos where a model is installed.

    `cluster` (else `[mt] cluster`) "ray" runs Argos models on a Ray cluster.
    """
    pairs = sorted(set(pairs))
    if name == "pseudo" or not pairs:
        return {p: PseudoEngine() for p in pairs}, []
    from pipeline.engines.argos import ArgosEngine, Runner
    from pipeline.memory import MTCache

    runner: Runner | None = None
    if (cluster or config.mt.cluster) == "ray":
        from pipeline.engines.cluster import RayRunner

        runner = RayRunner(config)
    argos = ArgosEngine(config, MTCache(config.resolve(config.cache)), runner=runner)
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


def _read_catalog(path: Path) -> tuple[bytes | None, polib.POFile | None]:
    """The bytes as read (for compare-and-swap) and the catalog they hold."""
    raw = files.read_settled(path)
    if raw is None:
        return None, None
    return raw, catalog.parse(files.decode(raw, path), path)


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


Hits = dict[str, tuple[str, str]]  # msgid → (reviewed msgstr, the catalog it is from)


def _memory_hits(
    config: Config, merged: dict[tuple[str, str], polib.POFile], loaded: dict[Path, polib.POFile]
) -> dict[tuple[str, str], Hits]:
    """Reviewed translations of the same sentence in another post, per catalog to fill."""
    memory = _memory(config, (locale for _, locale in merged), loaded)
    found = {}
    for (slug, locale), po in merged.items():
        own = relative(config, po_path(config, locale, slug))
        found[(slug, locale)] = {
            msgid: memory[locale][msgid]
            for msgid in catalog.needs_machine(po)
            if msgid in memory[locale] and memory[locale][msgid][1] != own
        }
    return found


@dataclass
class _Fill:
    """What a run adds to one catalog, so it can be added again to a version saved meanwhile."""

    pot: polib.POFile
    locale: str
    real_engine: bool  # pseudo previews are cleared for it to replace
    memory: Hits
    machine: dict[str, MachineTranslation]

    def merge(self, existing: polib.POFile | None) -> polib.POFile:
        po = catalog.merge(self.pot, existing, self.locale)
        if self.real_engine:
            catalog.clear_pseudo(po)
        catalog.fill_from_memory(po, self.memory)
        catalog.fill(po, self.machine)
        return po


def _write_merged(
    config: Config, path: Path, seen: bytes | None, first: polib.POFile, fill: _Fill
) -> tuple[bool, str | None]:
    """Compare-and-swap: a reviewer's save made during the run is merged again, never lost.

    Returns whether the file changed, and a warning when a save made during the
    run does not parse (it is left exactly as saved).
    """
    problem: list[str] = []

    def render(current: bytes | None) -> bytes:
        if current == seen:
            return catalog.dump(first, config.wrap_width).encode("utf-8")
        try:
            theirs = None if current is None else catalog.parse(files.decode(current, path), path)
        except PostlingoError as exc:
            problem[:] = [f"{exc} (saved during the run; left as saved)"]
            assert current is not None
            return current
        problem.clear()
        return catalog.dump(fill.merge(theirs), config.wrap_width).encode("utf-8")

    changed = files.compare_and_swap(path, seen, render)
    return changed, problem[0] if problem else None


def translate(
    config: Config,
    docs: Sequence[Document],
    *,
    only: Sequence[str] = (),
    engine: str | None = None,
    cluster: str | None = None,
    progress: Callable[[int], Callable[[int], None]] | None = None,
) -> TranslateResult:
    """Extract, merge every catalog with its template, fill empty entries.

    Memory first, then one engine call per language pair over all posts, so the
    engine can batch and never sees the same sentence twice. Catalogs are read
    at the start and written at the end; a save made in between is merged again.
    `progress(total)` gives the function told how many texts are done, as they are.
    """
    check_targets(config, only)
    result = TranslateResult()
    pots = templates(config, docs)
    lang_of = {doc.slug: doc.lang for doc in docs}
    keys = [(doc.slug, loc) for doc in docs for loc in targets_for(doc, config, only)]
    read = {key: _read_catalog(po_path(config, key[1], key[0])) for key in keys}
    loaded = {
        po_path(config, loc, slug): po for (slug, loc), (_, po) in read.items() if po is not None
    }
    merged = {
        (slug, loc): catalog.merge(pots[slug], read[(slug, loc)][1], loc) for slug, loc in keys
    }
    pairs = {(lang_of[slug], locale) for slug, locale in merged}
    engines, result.warnings = choose_engines(config, engine or config.engine, pairs, cluster)
    result.engines = {pair: e.name for pair, e in engines.items()}
    real = {key: result.engines[(lang_of[key[0]], key[1])] != "pseudo" for key in merged}
    for key, po in merged.items():
        if real[key]:
            result.replaced_pseudo += catalog.clear_pseudo(po)  # a real model arrived
    hits = _memory_hits(config, merged, loaded)
    for key, po in merged.items():
        result.memory += catalog.fill_from_memory(po, hits[key])
    wanted: dict[Pair, dict[str, None]] = defaultdict(dict)
    for (slug, locale), po in merged.items():
        for msgid in catalog.needs_machine(po):
            wanted[(lang_of[slug], locale)][msgid] = None
    translations: dict[Pair, dict[str, MachineTranslation]] = {}
    advance = progress(sum(map(len, wanted.values()))) if progress and wanted else None
    try:
        for pair in sorted(wanted):
            texts = list(wanted[pair])
            done = engines[pair].translate(texts, *pair, progress=advance)
            translations[pair] = dict(zip(texts, done, strict=True))
    finally:
        for used in {id(e): e for e in engines.values()}.values():
            used.close()
    for (slug, locale), po in merged.items():
        pair = (lang_of[slug], locale)
        result.machine[pair] = result.machine.get(pair, 0) + catalog.fill(
            po, translations.get(pair, {})
        )
    files.ensure_folders({config.locales_path} | {config.locales_path / loc for _, loc in keys})
    for slug, pot in pots.items():
        if write_catalog(config, pot_path(config, slug), pot):
            result.written.append(pot_path(config, slug))
    for (slug, locale), po in merged.items():
        path = po_path(config, locale, slug)
        pair = (lang_of[slug], locale)
        fill = _Fill(
            pots[slug],
            locale,
            real[(slug, locale)],
            hits[(slug, locale)],
            translations.get(pair, {}),
        )
        changed, warning = _write_merged(config, path, read[(slug, locale)][0], po, fill)
        if changed:
            result.written.append(path)
        if warning:
            result.warnings.append(warning)
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
        if target in outputs:
            raise PostlingoError(f"an image here would overwrite the site's {target}", origin)
        if source.is_file():
            outputs[target] = files.read_bytes(source)
        else:
            result.warnings.append(f"{origin}: image not found; the page links to it anyway")
    if not config.base_url:
        result.warnings.append(
            "base_url is not set: canonical, hreflang and sitemap URLs are relative, "
            "and search engines want them absolute"
        )
    site = config.site_path
    files.ensure_folders({site} | {(site / rel).parent for rel in outputs})
    for rel, content in sorted(outputs.items()):
        if files.write_atomic(site / rel, content):
            result.written.append(site / rel)
    if prune:
        manifest = site / SITE_MANIFEST
        before = files.read_text(manifest).split() if manifest.is_file() else []
        for rel in sorted(set(before) - set(outputs)):
            stale = site / rel
            if ".." not in Path(rel).parts and stale.is_file():
                files.remove(stale)
                result.removed.append(stale)
        files.write_atomic(manifest, "".join(f"{rel}\n" for rel in sorted(outputs)))
    return result
