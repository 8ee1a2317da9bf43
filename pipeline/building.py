"""The build stage: the localized site from the posts and their catalogs.

A page is made again only when what it is made from changed (its post, its
catalog and the locale's policy, the templates, which locales the post is
published in) or its file is not as written; the indexes and the sitemap
likewise, from what they list. Post pages are made in a process pool when
there are enough of them (pages.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import polib

from pipeline import catalog, files, pages, posts, publish
from pipeline.config import Config
from pipeline.document import Document
from pipeline.engines.pseudo import PseudoEngine
from pipeline.errors import PostlingoError
from pipeline.posts import Post, as_posts
from pipeline.project import (
    Pair,
    Unreadable,
    check_targets,
    existing,
    no_state,
    po_path,
    relative,
    targets_for,
    templates,
)
from pipeline.site import (
    LISTED,
    Edition,
    PageRef,
    Site,
    assets_of,
    linked_posts,
    post_names,
    post_path,
)
from pipeline.state import Record, State, content_digest, digest, file_digest, tree_digest

# --- build -------------------------------------------------------------------


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    pages: int = 0
    decisions: list[publish.Decision] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # stale pages of an earlier build
    skipped: list[PostlingoError] = field(default_factory=list)  # catalogs that do not parse

    @property
    def held_back(self) -> list[publish.Decision]:
        return [d for d in self.decisions if not d.published]


MANIFESTS = Path(".postlingo") / "built"  # per output folder: what its last full build wrote
OLD_MANIFEST = ".postlingo-files"  # where earlier versions kept it: inside the site itself


def manifest_path(config: Config) -> Path:
    """The manifest of the output folder, outside it so it is never deployed."""
    name = quote(relative(config, config.site_path), safe="") or "site"
    return config.root / MANIFESTS / f"{name}.txt"


def _verdict_key(slug: str, locale: str, pseudo: bool) -> str:
    """One record per kind of build: `run` makes the site and the previews, both kept."""
    return f"verdict:{locale}/{slug}" + (" pseudo" if pseudo else "")


def _recorded_verdict(
    config: Config, state: State, key: Pair, on_disk: str | None, pseudo: bool
) -> tuple[publish.Decision, bool] | None:
    """The decision kept for the catalog as it is on disk, and whether its page is a pseudo
    preview; None when none holds. An unchanged catalog is not read to know if it is published.
    """
    slug, locale = key
    record = state.fresh(
        _verdict_key(slug, locale, pseudo), _verdict_inputs(config, locale, pseudo), on_disk
    )
    return _kept_verdict(slug, locale, record) if record is not None else None


def _record_verdict(
    config: Config,
    state: State,
    key: Pair,
    on_disk: str | None,
    pseudo: bool,
    verdict: publish.Verdict,
) -> None:
    if on_disk is None:
        return
    slug, locale = key
    d = verdict.decision
    state.put(
        _verdict_key(slug, locale, pseudo),
        {
            "inputs": _verdict_inputs(config, locale, pseudo),
            "output": on_disk,
            "published": d.published,
            "percent": d.percent,
            "reason": d.reason,
            "pseudo": verdict.pseudo,
        },
    )


def _verdict_inputs(config: Config, locale: str, pseudo: bool) -> str:
    return digest(repr(config.for_locale(locale)), str(pseudo))


def _read_verdict(key: Pair, config: Config, pseudo: bool) -> publish.Verdict | PostlingoError:
    """A catalog read and judged (in a pool worker when there are many); its error if it
    does not parse."""
    try:
        po = existing(config, key[1], key[0])
    except Unreadable as bad:
        return bad.error
    return publish.judge(key[0], key[1], po, config, pseudo=pseudo)


def _kept_verdict(slug: str, locale: str, record: Record) -> tuple[publish.Decision, bool] | None:
    """The recorded decision, None if the record is not one (a damaged state costs time)."""
    published, percent, reason, pseudo = (
        record.get(k) for k in ("published", "percent", "reason", "pseudo")
    )
    if not (
        isinstance(published, bool)
        and isinstance(percent, int | float)
        and isinstance(reason, str)
        and isinstance(pseudo, bool)
    ):
        return None
    return publish.Decision(slug, locale, published, float(percent), reason), pseudo


def build(
    config: Config,
    items: Sequence[Post] | Sequence[Document],
    *,
    only: Sequence[str] = (),
    pseudo: bool = False,
    prune: bool = True,
    preview: bool = False,
    state: State | None = None,
) -> BuildResult:
    """Render every source page and every translation its locale's policy allows.

    With `prune` (a full build), pages an earlier build wrote that are no longer
    published are removed, so a held-back locale or a pseudo preview never
    lingers in a deployed site. Only files listed in the manifest are touched.
    With `preview` (serve, no model installed), what the catalogs lack is shown as
    pseudo text made in memory: locales/ is never written, and nothing is kept.
    A page whose post, catalog, policy, templates and language versions are as
    the state recorded, and whose file is as written, is not rendered again.
    """
    check_targets(config, only)
    chosen = as_posts(items)
    state = state if state is not None and not preview else no_state(config)
    by_slug = {post.slug: post for post in chosen}
    keys = {post.slug: targets_for(post, config, only) for post in chosen}
    on_disk = {
        (slug, loc): file_digest(po_path(config, loc, slug)) for slug, locs in keys.items()
        for loc in locs
    }  # fmt: skip
    result = BuildResult()
    parsed: dict[Pair, polib.POFile | None] = {}
    unreadable: dict[Pair, PostlingoError] = {}
    shown_pseudo = pseudo or preview

    def catalog_of(key: Pair) -> polib.POFile | None:
        if key not in parsed:
            try:
                parsed[key] = existing(config, key[1], key[0])
            except Unreadable as bad:
                unreadable[key] = bad.error
                parsed[key] = None
            if preview:
                parsed[key] = _previewed(config, by_slug[key[0]], key[1], parsed[key])
        return parsed[key]

    # Each catalog whose verdict is not kept is read once, in a pool when there are many;
    # what it publishes goes to its page, which does not read it again.
    recorded = {
        key: held for key, digest_now in on_disk.items()
        if (held := _recorded_verdict(config, state, key, digest_now, shown_pseudo))
    }  # fmt: skip
    stale = [key for key in on_disk if key not in recorded]
    made: dict[Pair, publish.Verdict] = {}
    if preview:  # catalogs made in memory, in this process
        made = {k: publish.judge(*k, catalog_of(k), config, pseudo=shown_pseudo) for k in stale}
    else:
        read = posts.map_ordered(_read_verdict, stale, config, shown_pseudo)
        for key, verdict in zip(stale, read, strict=True):
            if isinstance(verdict, PostlingoError):
                unreadable[key] = verdict
            else:
                made[key] = verdict

    def judged(slug: str, locale: str) -> tuple[publish.Decision, bool]:
        key = (slug, locale)
        if key in unreadable:  # no verdict kept: it is looked at again next time
            state.drop(_verdict_key(slug, locale, shown_pseudo))
            why = "catalog does not parse (see below)"
            return publish.Decision(slug, locale, False, 0.0, why), False
        if key in recorded:
            return recorded[key]
        verdict = made[key]
        _record_verdict(config, state, key, on_disk[key], shown_pseudo, verdict)
        return verdict.decision, verdict.pseudo

    def translations_of(key: Pair) -> dict[str, str]:
        if key not in made:  # its verdict was kept: the catalog is read now
            made[key] = publish.judge(*key, catalog_of(key), config, pseudo=shown_pseudo)
        return made[key].translations or {}

    refs, result.decisions = publish.plan(chosen, keys, judged)
    result.skipped = [unreadable[key] for key in sorted(unreadable)]
    result.pages = len(refs)
    if config.site.format != "html":  # Markdown for a static-site generator: made whole
        markdown = _ssg_pages(config, chosen, refs, translations_of, result.warnings)
        _write_site(config, dict(markdown), set(), prune, result)
        return result

    site = config.site_path
    where = relative(config, site)
    common = digest(
        repr((config.project, config.base_url, config.source_dir, str(shown_pseudo))),
        repr(config.site),
        tree_digest([config.resolve(config.templates_dir)]),
    )
    versions: dict[str, list[str]] = defaultdict(list)
    for ref in refs:
        versions[ref.slug].append(ref.locale)
    names = post_names(refs, config.source_dir)
    links = {
        slug: sorted(
            linked_posts(by_slug[slug].where, by_slug[slug].links, names, config.source_dir)
        )
        for slug in versions
    }
    inputs: dict[str, str] = {}
    for ref in refs:
        own = ref.locale == ref.lang
        post = by_slug[ref.slug]
        linked = links[ref.slug]
        inputs[post_path(ref.locale, ref.slug)] = digest(
            common,
            post.source,
            ref.locale,
            "" if own else on_disk[(ref.slug, ref.locale)],
            "" if own else repr(config.for_locale(ref.locale)),
            str(ref.pseudo),
            " ".join(sorted(versions[ref.slug])),
            *(f"{slug} {by_slug[slug].lang} {' '.join(sorted(versions[slug]))}" for slug in linked),
        )
    every_locale = sorted({ref.locale for ref in refs})
    for locale in every_locale:
        listed_posts = sorted(
            f"{r.slug} {inputs[post_path(r.locale, r.slug)]}" for r in refs if r.locale == locale
        )
        inputs[f"{locale}/index.html"] = digest(common, " ".join(every_locale), *listed_posts)
    everyone = sorted((ref.slug, ref.locale, ref.lang) for ref in refs)
    inputs["index.html"] = digest(common, *(f"{loc} {lang}" for _, loc, lang in everyone))
    inputs["sitemap.xml"] = digest(common, *(" ".join(ref) for ref in everyone))
    inputs["style.css"] = common
    kept = {
        rel: record
        for rel, key in inputs.items()
        if (record := state.fresh(f"page:{where}/{rel}", key, file_digest(site / rel)))
    }
    wanted = {rel for rel in inputs if rel not in kept}
    # A preview judges every catalog here (it keeps no verdict): `known` holds them all.
    known = {key: verdict.translations for key, verdict in made.items() if verdict.translations}
    rendered = pages.render_all(config, refs, chosen, wanted, shown_pseudo, known, preview)
    listings = {path: listing for path, _, listing in rendered}
    outputs: dict[str, str | bytes] = {path: html for path, html, _ in rendered}

    def listing_of(ref: PageRef) -> dict[str, str] | None:
        path = post_path(ref.locale, ref.slug)
        record = kept.get(path)
        if record is None:
            return listings.get(path)
        listing = record.get("listing")
        if isinstance(listing, dict) and all(isinstance(listing.get(k), str) for k in LISTED):
            return listing
        return None  # a damaged record: the post is read again

    if wanted - set(outputs):
        article_of = pages.article_maker(config, by_slug, shown_pseudo, known)
        site_pages = Site(refs, config, article_of, listing_of)
        outputs.update(site_pages.render(lambda rel: rel in wanted and rel not in listings))
    for rel, content in outputs.items():
        record = {"inputs": inputs[rel], "output": content_digest(content)}
        if rel in listings:
            record["listing"] = listings[rel]
        state.put(f"page:{where}/{rel}", record)
    pages_made = set(outputs) | set(kept)
    for target, origin in assets_of(((p.where, p.images) for p in chosen), config).items():
        source = config.resolve(origin)
        if target in pages_made or target in inputs:
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
    _write_site(config, outputs, set(kept), prune, result)
    return result


def _previewed(config: Config, post: Post, locale: str, po: polib.POFile | None) -> polib.POFile:
    """The catalog merged with its post as it is now, the rest pseudo-localized, in memory."""
    posts.parse(config, [post])
    merged = catalog.merge(templates(config, [post.document])[post.slug], po, locale)
    empty = catalog.needs_machine(merged)
    shown = PseudoEngine().translate(empty, post.lang, locale)
    catalog.fill(merged, dict(zip(empty, shown, strict=True)))
    return merged


def _write_site(
    config: Config,
    outputs: dict[str, str | bytes],
    kept: set[str],
    prune: bool,
    result: BuildResult,
) -> None:
    """Write what was made; with `prune`, remove what an earlier build made and no longer is.

    `kept` are the files left as they were (unchanged inputs): neither written nor removed.
    """
    site = config.site_path
    files.ensure_folders({site} | {(site / rel).parent for rel in outputs})
    for rel, content in sorted(outputs.items()):
        if files.write_atomic(site / rel, content):
            result.written.append(site / rel)
    if prune:
        result.removed = _prune(config, set(outputs) | kept)


def _prune(config: Config, outputs: Iterable[str]) -> list[Path]:
    """Remove what the last full build wrote and this one did not, and folders left empty."""
    site, manifest, old = config.site_path, manifest_path(config), config.site_path / OLD_MANIFEST
    before = {
        rel for path in (manifest, old) if path.is_file() for rel in files.read_text(path).split()
    }
    removed = []
    for rel in sorted(before - set(outputs)):
        stale = site / rel
        if ".." not in Path(rel).parts and stale.is_file():
            files.remove(stale)
            removed.append(stale)
    for folder in sorted({p.parent for p in removed}, key=lambda p: -len(p.parts)):
        while folder != site and folder.is_relative_to(site) and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    files.ensure_folders([manifest.parent])
    files.write_atomic(manifest, "".join(f"{rel}\n" for rel in sorted(outputs)))
    files.remove(old)
    return removed


def _ssg_pages(
    config: Config,
    chosen: Sequence[Post],
    refs: Sequence[PageRef],
    translations_of: Callable[[Pair], dict[str, str]],
    warnings: list[str],
) -> dict[str, str]:
    """Markdown files for a static-site generator (pipeline/ssg.py), from the posts' sources."""
    from pipeline import ssg

    posts.parse(config, chosen)
    by_slug = {post.slug: post for post in chosen}
    editions = []
    for ref in refs:
        own = ref.locale == ref.lang
        translations = {} if own else translations_of((ref.slug, ref.locale))
        editions.append(Edition(by_slug[ref.slug].document, ref.locale, translations, ref.pseudo))
    sources = {e.doc.path: files.read_text(config.resolve(e.doc.path)) for e in editions}
    made, skipped = ssg.render(
        config.site.format, editions, sources, config.ignore, config.raw_html
    )
    warnings.extend(skipped)
    return made
