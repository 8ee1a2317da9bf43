"""The stages of a run over a content project: read, extract, translate (build: building.py).

Each stage reads what it needs, works on in-memory objects, and writes its
results only once everything succeeded, so a failure half-way leaves every
existing file as it was. What is unchanged since the last run, by the state's
records (state.py) and the files' own bytes, is not made again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline import catalog, files, locales, posts
from pipeline.config import Config
from pipeline.document import Document
from pipeline.engines import Engine, MachineTranslation
from pipeline.engines.pseudo import PseudoEngine
from pipeline.errors import PostlingoError
from pipeline.posts import Post, as_posts
from pipeline.state import STATE_FILE, Record, State, content_digest, digest, file_digest

Pair = tuple[str, str]


# --- reading -----------------------------------------------------------------


def load_documents(config: Config, selection: Sequence[str] = ()) -> list[Document]:
    """Read and segment the selected posts (by slug, file name or path); all by default."""
    chosen = posts.load(config, selection, State(config.root / STATE_FILE))
    return [post.document for post in chosen]


def relative(config: Config, path: Path) -> str:
    """The path as users see it in messages and comments: from the project root."""
    try:
        return path.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def targets_for(doc: Document | Post, config: Config, only: Sequence[str] = ()) -> list[str]:
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


def no_state(config: Config) -> State:
    """An empty state, never saved: everything is made again (library callers, tests)."""
    return State(config.root / STATE_FILE)


def _pot_inputs(config: Config, post: Post) -> str:
    return digest(post.source, config.project, str(config.wrap_width))


@dataclass
class _Templates:
    """The templates a run makes: those not fresh on disk, and those a catalog needs."""

    made: dict[str, polib.POFile]
    posts: list[Post]  # whose template was made, in order
    entries: int  # over every post, made or fresh


def _make_templates(
    config: Config, chosen: Sequence[Post], state: State, need: set[str]
) -> _Templates:
    """Each post's template unless it is fresh; posts in `need` get theirs made regardless."""
    stale: list[Post] = []
    entries = 0
    for post in chosen:
        path = pot_path(config, post.slug)
        record = state.fresh(f"pot:{post.slug}", _pot_inputs(config, post), file_digest(path))
        counted = record.get("entries") if record is not None else None
        if not isinstance(counted, int) or post.slug in need:
            stale.append(post)
        else:
            entries += counted
    posts.parse(config, stale)
    made = templates(config, (post.document for post in stale))
    return _Templates(made, stale, entries + sum(len(pot) for pot in made.values()))


def dumped(config: Config, catalogs: Sequence[polib.POFile]) -> list[str]:
    """Each catalog's text as its file holds it; in a process pool when there are enough.

    Writing PO text is most of the cost of a first translate, and each catalog's
    is independent; the parent writes them, in order.
    """
    return posts.map_ordered(catalog.dump, catalogs, config.wrap_width)


def _write_templates(
    config: Config, state: State, made: _Templates, texts: Sequence[str] | None = None
) -> list[Path]:
    """Write the templates made (unchanged bytes are left alone); the files changed.

    `texts`, when given, are the templates' texts (`dumped`), in `made.posts` order.
    """
    changed = []
    if made.posts:
        files.ensure_folders({config.locales_path})
    if texts is None:
        texts = dumped(config, [made.made[post.slug] for post in made.posts])
    for post, text in zip(made.posts, texts, strict=True):
        pot, path = made.made[post.slug], pot_path(config, post.slug)
        if files.write_atomic(path, text):
            changed.append(path)
        # Read back, under the lock: templates are ours alone, nobody saves them.
        record = {"inputs": _pot_inputs(config, post), "output": file_digest(path)}
        state.put(f"pot:{post.slug}", {**record, "entries": len(pot)})
    return changed


def extract(
    config: Config, items: Sequence[Post] | Sequence[Document], state: State | None = None
) -> tuple[int, list[Path]]:
    """Write locales/<slug>.pot for each post: (sentences extracted, files changed)."""
    state = state or no_state(config)
    made = _make_templates(config, as_posts(items), state, set())
    return made.entries, _write_templates(config, state, made)


# --- translate ---------------------------------------------------------------


@dataclass
class TranslateResult:
    written: list[Path] = field(default_factory=list)
    machine: dict[Pair, int] = field(default_factory=dict)  # entries filled by engine
    memory: int = 0  # entries filled from another post's reviewed translation
    replaced_pseudo: int = 0  # pseudo previews emptied for a real engine to fill
    refreshed: int = 0  # unreviewed machine output emptied by --refresh, to translate again
    engines: dict[Pair, str] = field(default_factory=dict)  # pair → engine name
    warnings: list[str] = field(default_factory=list)
    skipped: list[PostlingoError] = field(default_factory=list)  # catalogs that do not parse

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


class Unreadable(Exception):
    """A catalog that does not parse: reported, left as it is, and the run goes on without it."""

    def __init__(self, error: PostlingoError) -> None:
        super().__init__(str(error))
        self.error = error


def existing(config: Config, locale: str, slug: str) -> polib.POFile | None:
    """The catalog, None if there is none yet; Unreadable if it does not parse."""
    path = po_path(config, locale, slug)
    if not path.exists():
        return None
    try:
        return _parse(path, files.read_bytes(path))
    except Unreadable as bad:
        raise Unreadable(shown(config, bad.error)) from None


def _parse(path: Path, raw: bytes) -> polib.POFile:
    """Unreadable for text that is not a catalog; a file that cannot be read stays an error."""
    try:
        return catalog.parse(files.decode(raw, path), path)
    except PostlingoError as exc:
        raise Unreadable(exc) from None


def shown(config: Config, error: PostlingoError) -> PostlingoError:
    """The error with its path as users see it, for the end-of-run summary."""
    if error.path is not None:
        error.path = relative(config, Path(error.path))
    return error


def _read_catalog(path: Path) -> tuple[bytes | None, polib.POFile | None]:
    """The bytes as read (for compare-and-swap) and the catalog they hold."""
    raw = files.read_settled(path)
    if raw is None:
        return None, None
    return raw, _parse(path, raw)


def _memory(
    config: Config,
    locales_wanted: Iterable[str],
    loaded: dict[Path, polib.POFile],
    unreviewed: set[Path],
    skipped: dict[Path, PostlingoError],
) -> dict[str, dict[str, tuple[str, str]]]:
    """locale → msgid → (reviewed msgstr, where it came from), over every catalog on disk.

    Catalogs in `unreviewed` are known (by the state and their digest) to hold
    no reviewed entry, so they are not read. A catalog that does not parse
    lends nothing and joins `skipped`.
    """
    found: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for locale in sorted(set(locales_wanted)):
        for path in sorted((config.locales_path / locale).glob("*.po")):
            if path in skipped or (path in unreviewed and path not in loaded):
                continue
            try:
                po = loaded[path] if path in loaded else _parse(path, files.read_bytes(path))
            except Unreadable as bad:
                skipped[path] = shown(config, bad.error)
                continue
            where = relative(config, path)
            for entry in po:
                if entry.msgstr and not entry.fuzzy and not entry.obsolete:
                    found[locale].setdefault(entry.msgid, (entry.msgstr, where))
    return found


Hits = dict[str, tuple[str, str]]  # msgid → (reviewed msgstr, the catalog it is from)


def _memory_hits(
    config: Config,
    merged: dict[tuple[str, str], polib.POFile],
    loaded: dict[Path, polib.POFile],
    unreviewed: set[Path],
    skipped: dict[Path, PostlingoError],
) -> dict[tuple[str, str], Hits]:
    """Reviewed translations of the same sentence in another post, per catalog to fill."""
    if not any(catalog.needs_machine(po) for po in merged.values()):
        return {key: {} for key in merged}
    memory = _memory(config, (locale for _, locale in merged), loaded, unreviewed, skipped)
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
    cutoff: float
    refresh: bool  # unreviewed machine output is translated again

    def merge(self, existing: polib.POFile | None) -> polib.POFile:
        po = catalog.merge(self.pot, existing, self.locale, self.cutoff)
        if self.refresh:
            catalog.clear_machine(po)
        if self.real_engine:
            catalog.clear_pseudo(po)
        catalog.fill_from_memory(po, self.memory)
        catalog.fill(po, self.machine)
        return po


@dataclass
class _Written:
    changed: bool
    warning: str | None  # a save made during the run that does not parse (left as saved)
    payload: bytes = b""  # what the file holds now, when it is ours
    po: polib.POFile | None = None  # the catalog of that payload


def _write_merged(
    config: Config,
    path: Path,
    seen: bytes | None,
    first: polib.POFile,
    fill: _Fill,
    text: str,
) -> _Written:
    """Compare-and-swap: a reviewer's save made during the run is merged again, never lost.

    `text` is `first` as written (`dumped`): what the file gets if nobody saved meanwhile.
    """
    problem: list[str] = []
    last: list[tuple[bytes, polib.POFile | None]] = []

    def render(current: bytes | None) -> bytes:
        if current == seen:
            payload = text.encode("utf-8")
            last[:] = [(payload, first)]
            return payload
        try:
            theirs = None if current is None else catalog.parse(files.decode(current, path), path)
        except PostlingoError as exc:
            problem[:] = [f"{exc} (saved during the run; left as saved)"]
            assert current is not None
            last[:] = [(current, None)]
            return current
        problem.clear()
        po = fill.merge(theirs)
        payload = catalog.dump(po, config.wrap_width).encode("utf-8")
        last[:] = [(payload, po)]
        return payload

    changed = files.compare_and_swap(path, seen, render)
    payload, po = last[0]
    return _Written(changed, problem[0] if problem else None, payload, po)


def _locale_digests(
    config: Config, wanted: Iterable[str], on_disk: dict[Path, str | None]
) -> dict[str, str]:
    """locale → digest of every catalog in its folder: the memory a catalog may draw on."""
    found = {}
    for locale in sorted(set(wanted)):
        parts = []
        for path in sorted((config.locales_path / locale).glob("*.po")):
            known = on_disk[path] if path in on_disk else file_digest(path)
            parts.append(f"{path.name} {known}")
        found[locale] = digest(*parts)
    return found


def _catalog_record(
    state: State, key: tuple[str, str], inputs: str, on_disk: str | None, memory: str
) -> Record | None:
    """The catalog's record if nothing it was made from changed (memory only counts if
    it had entries left to fill)."""
    slug, locale = key
    record = state.fresh(f"po:{locale}/{slug}", inputs, on_disk)
    if record is None or not (record.get("complete") or record.get("memory") == memory):
        return None
    return record


def translate(
    config: Config,
    items: Sequence[Post] | Sequence[Document],
    *,
    only: Sequence[str] = (),
    engine: str | None = None,
    refresh: bool = False,
    cluster: str | None = None,
    progress: Callable[[int], Callable[[int], None]] | None = None,
    state: State | None = None,
) -> TranslateResult:
    """Extract, merge every catalog with its template, fill empty entries.

    Memory first, then one engine call per language pair over all posts, so the
    engine can batch and never sees the same sentence twice. Catalogs are read
    at the start and written at the end; a save made in between is merged again.
    `progress(total)` gives the function told how many texts are done, as they are.
    A catalog whose template, engine and bytes are as the state recorded is left alone
    (with `refresh`, every catalog is looked at). A catalog that does not parse is
    left as it is and reported in `skipped`.
    """
    check_targets(config, only)
    chosen = as_posts(items)
    state = state if state is not None else no_state(config)
    result = TranslateResult()
    lang_of = {post.slug: post.lang for post in chosen}
    by_slug = {post.slug: post for post in chosen}
    keys = [(post.slug, loc) for post in chosen for loc in targets_for(post, config, only)]
    pairs = {(lang_of[slug], locale) for slug, locale in keys}
    engines, result.warnings = choose_engines(config, engine or config.engine, pairs, cluster)
    result.engines = {pair: e.name for pair, e in engines.items()}
    identity = {pair: e.identity(*pair) for pair, e in engines.items()}
    paths = {key: po_path(config, key[1], key[0]) for key in keys}
    on_disk = {paths[key]: file_digest(paths[key]) for key in keys}
    memory_of = _locale_digests(config, (loc for _, loc in keys), on_disk)
    cutoff = config.merge.fuzzy_cutoff
    inputs = {
        (slug, loc): digest(
            _pot_inputs(config, by_slug[slug]), loc, identity[(lang_of[slug], loc)], str(cutoff)
        )
        for slug, loc in keys
    }
    records = {
        key: _catalog_record(state, key, inputs[key], on_disk[paths[key]], memory_of[key[1]])
        for key in keys
    }
    unreviewed = {
        paths[key] for key, record in records.items() if record and not record.get("reviewed")
    }
    todo = [key for key in keys if refresh or records[key] is None]
    made = _make_templates(config, chosen, state, need={slug for slug, _ in todo})
    pots = made.made
    read: dict[tuple[str, str], tuple[bytes | None, polib.POFile | None]] = {}
    skipped: dict[Path, PostlingoError] = {}
    for key in todo:
        try:
            read[key] = _read_catalog(paths[key])
        except Unreadable as bad:  # never merged, never written: left as the reviewer saved it
            skipped[paths[key]] = shown(config, bad.error)
    todo = [key for key in todo if key in read]
    loaded = {paths[key]: po for key, (_, po) in read.items() if po is not None}
    merged = {
        (slug, loc): catalog.merge(pots[slug], read[(slug, loc)][1], loc, cutoff)
        for slug, loc in todo
    }
    if refresh:
        result.refreshed = sum(catalog.clear_machine(po) for po in merged.values())
    real = {key: result.engines[(lang_of[key[0]], key[1])] != "pseudo" for key in merged}
    for key, po in merged.items():
        if real[key]:
            result.replaced_pseudo += catalog.clear_pseudo(po)  # a real model arrived
    hits = _memory_hits(config, merged, loaded, unreviewed, skipped)
    result.skipped = [skipped[path] for path in sorted(skipped)]
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
    files.ensure_folders({config.locales_path} | {config.locales_path / loc for _, loc in todo})
    texts = dumped(config, [*(made.made[post.slug] for post in made.posts), *merged.values()])
    result.written = _write_templates(config, state, made, texts[: len(made.posts)])
    for ((slug, locale), po), text in zip(merged.items(), texts[len(made.posts) :], strict=True):
        key, path = (slug, locale), paths[(slug, locale)]
        pair = (lang_of[slug], locale)
        fill = _Fill(
            pots[slug],
            locale,
            real[key],
            hits[key],
            translations.get(pair, {}),
            cutoff,
            refresh,
        )
        written = _write_merged(config, path, read[key][0], po, fill, text)
        if written.changed:
            result.written.append(path)
        if written.warning:
            result.warnings.append(written.warning)
        if written.po is None:
            state.drop(f"po:{locale}/{slug}")
            continue
        state.put(
            f"po:{locale}/{slug}",
            {
                "inputs": inputs[key],
                "output": content_digest(written.payload),
                "complete": not catalog.needs_machine(written.po),
                "memory": memory_of[locale],
                "reviewed": any(e.msgstr and not e.fuzzy and not e.obsolete for e in written.po),
            },
        )
    return result


# --- status ------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    post: str
    locale: str
    stats: catalog.Stats | None  # None: no catalog yet, or it does not parse
    min_translated: int
    unreadable: PostlingoError | None = None


def status(
    config: Config, items: Sequence[Post] | Sequence[Document], only: Sequence[str] = ()
) -> list[StatusRow]:
    check_targets(config, only)
    rows = []
    for post in as_posts(items):
        for locale in targets_for(post, config, only):
            threshold = config.for_locale(locale).min_translated
            try:
                po = existing(config, locale, post.slug)
            except Unreadable as bad:
                rows.append(StatusRow(post.slug, locale, None, threshold, bad.error))
                continue
            rows.append(
                StatusRow(
                    post.slug, locale, catalog.stats(po) if po is not None else None, threshold
                )
            )
    return rows


def missing_models(config: Config, items: Sequence[Post] | Sequence[Document]) -> list[Pair]:
    """The language pairs that no installed model translates (all of them for engine pseudo)."""
    pairs = {(post.lang, loc) for post in as_posts(items) for loc in targets_for(post, config)}
    name = "pseudo" if config.engine == "pseudo" else "auto"
    engines, _ = choose_engines(config, name, pairs)
    return sorted(pair for pair, engine in engines.items() if engine.name == "pseudo")
