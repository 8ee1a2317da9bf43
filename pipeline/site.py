"""Assemble the localized site: one page per published edition, indexes, sitemap.

The caller decides what is published; this module only renders what it is
given, as a mapping of site-relative paths to content, so that the result can
be compared, tested and written atomically elsewhere. Output is byte-stable:
no timestamps, every list sorted.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import jinja2
from babel.core import get_global, parse_locale
from babel.dates import format_date
from markupsafe import Markup

from pipeline import locales
from pipeline.article import Article, bcp47, images, localize
from pipeline.config import Config
from pipeline.document import Document
from pipeline.errors import PostlingoError

PACKAGE = Path(__file__).parent
_LOCALE_RE = re.compile(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*")
_BAD_SLUG = re.compile(r"[/\\\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Edition:
    doc: Document
    locale: str  # the page's locale; equals doc.lang for the source-language page
    translations: Mapping[str, str]  # msgid → msgstr that may be published
    pseudo: bool = False  # built from pseudo-localized text → visible banner


@dataclass(frozen=True)
class Link:
    """One version of a page, as the switcher, hreflang tags and sitemap name it."""

    locale: str
    href: str
    hreflang: str
    name: str = ""
    dir: str = "ltr"
    current: bool = False


@dataclass(frozen=True)
class Page:
    """Everything base.html needs for <head> and the page chrome."""

    lang: str
    dir: str
    title: str
    description: str
    canonical: str
    stylesheet: str
    home: str
    site_name: str
    og_type: str = "website"
    og_locale: str = ""
    og_alternates: tuple[str, ...] = ()
    alternates: tuple[Link, ...] = ()  # hreflang links, x-default last
    versions: tuple[Link, ...] = ()  # the language switcher
    pseudo: bool = False
    models_command: str = ""


# --- locale facts ----------------------------------------------------------------


def og_locale(locale: str) -> str:
    """Open Graph's language_TERRITORY form: ko → ko_KR, zh-Hans → zh_CN, ar → ar_EG."""
    loc = locales.babel_locale(locale)
    if loc.territory:
        return f"{loc.language}_{loc.territory}"
    likely = get_global("likely_subtags")
    keys = [f"{loc.language}_{loc.script}", f"und_{loc.script}"] if loc.script else []
    for key in (*keys, loc.language):
        if key in likely:
            language, territory, *_ = parse_locale(likely[key])
            if language == loc.language and territory:
                return f"{language}_{territory}"
    return loc.language


# Pages the site writes itself, beside each locale's posts (<locale>/index.html) or
# at its root; a post of the same name would overwrite one or be overwritten.
# Compared case-insensitively: on macOS and Windows Index.html is index.html.
GENERATED_NAMES = ("index", "sitemap", "style", "_review", "_preview")


def slug_problem(slug: str) -> str | None:
    """Why a post of this slug cannot have a page, or None."""
    if not slug or slug.startswith(".") or _BAD_SLUG.search(slug):
        return f"post name {slug!r} cannot be used as a file name"
    if slug.casefold() in GENERATED_NAMES:
        return (
            f"post name {slug!r} is taken by a page the site generates "
            f"({', '.join(GENERATED_NAMES)}); rename the file or set slug in its front matter"
        )
    return None


def _check(edition: Edition) -> None:
    doc, locale = edition.doc, edition.locale
    if not _LOCALE_RE.fullmatch(locale):
        raise PostlingoError(f"locale {locale!r} cannot name a folder of the site", doc.path)
    locales.validate(locale)
    problem = slug_problem(doc.slug)
    if problem:
        raise PostlingoError(problem, doc.path)


# --- URLs ----------------------------------------------------------------------


class _Urls:
    """Absolute URLs under base_url, else links relative to the page's folder."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")

    def href(self, path: str, depth: int) -> str:
        return f"{self.base}/{path}" if self.base else "../" * depth + path

    def loc(self, path: str) -> str:
        return f"{self.base}/{path}" if self.base else path


def post_path(locale: str, slug: str) -> str:
    return f"{locale}/{slug}.html"


def asset_path(doc: Document, src: str, source_dir: str) -> str | None:
    """Where a post's relative image belongs in the site: its path under source_dir.

    None for what is not a file beside the sources: URLs with a scheme or host,
    root-relative paths (left as written), and paths that leave source_dir.
    """
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path or src.startswith(("/", "#")):
        return None
    base = posixpath.normpath(source_dir.replace("\\", "/").strip("/") or ".")
    folder = posixpath.dirname(posixpath.normpath(doc.path)) or "."
    inside = posixpath.relpath(folder, base) if base != "." else folder
    path = posixpath.normpath(posixpath.join(inside, unquote(parts.path)))
    if path in (".", "..") or path.startswith("../") or path.startswith("/"):
        return None
    return path


def assets(docs: Sequence[Document], config: Config) -> dict[str, str]:
    """Site-relative path → project-relative source path of every image to copy.

    Images inside a sentence count too: their markup is rebased like a figure's.
    """
    found: dict[str, str] = {}
    for doc in docs:
        for src in images(doc):
            path = asset_path(doc, src, config.source_dir)
            if path is not None:
                found[path] = posixpath.join(config.source_dir.strip("/") or ".", path)
    return dict(sorted(found.items()))


def _post_names(editions: Sequence[Edition], source_dir: str) -> dict[str, str]:
    """How a post may link to another, as a path under source_dir → the target's slug.

    The target's source file (guide.md), its page (guide.html, slug.html) or its bare name.
    """
    names: dict[str, str] = {}
    for edition in editions:
        doc = edition.doc
        own = asset_path(doc, posixpath.basename(doc.path), source_dir)
        if own is None:
            continue
        folder = posixpath.dirname(own)
        stem = posixpath.splitext(own)[0]
        for name in (own, stem, f"{stem}.html", posixpath.join(folder, f"{doc.slug}.html")):
            names.setdefault(name, doc.slug)
    return names


def _url_path(path: str) -> str:
    return quote(path, safe="/")


# --- templates -----------------------------------------------------------------


def environment(config: Config) -> jinja2.Environment:
    """Project templates first (any one may be overridden), then the package's."""
    loaders: list[jinja2.BaseLoader] = []
    project = config.root / config.templates_dir
    if project.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(project)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE / "templates")))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _render(env: jinja2.Environment, name: str, **context: object) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise PostlingoError(f"template error: {exc.message}", exc.filename, exc.lineno) from exc
    except jinja2.TemplateError as exc:  # e.g. an override using a name that doesn't exist
        try:
            template = env.loader.get_source(env, name)[1] if env.loader else None
        except jinja2.TemplateError:
            template = None
        raise PostlingoError(f"template {name}: {exc.message or exc}", template) from exc


def stylesheet() -> str:
    return (PACKAGE / "static" / "style.css").read_text(encoding="utf-8")


# --- the site ------------------------------------------------------------------


def render_site(editions: Sequence[Edition], config: Config) -> dict[str, str]:
    """Relative path (posix, under the site dir) → file content."""
    return _Site(editions, config).render()


class _Site:
    def __init__(self, editions: Sequence[Edition], config: Config) -> None:
        seen: set[tuple[str, str]] = set()
        for edition in editions:
            _check(edition)
            key = (edition.locale, edition.doc.slug)
            if key in seen:
                raise PostlingoError(
                    f"two pages for {edition.doc.slug} in {edition.locale}", edition.doc.path
                )
            seen.add(key)
        self.editions = sorted(editions, key=lambda e: (e.doc.slug, e.locale))
        self.config = config
        self.urls = _Urls(config.base_url)
        self.env = environment(config)
        self.site_name = config.site.title or config.project or "Posts"
        self.by_slug: dict[str, list[Edition]] = defaultdict(list)
        self.by_locale: dict[str, list[Edition]] = defaultdict(list)
        for edition in self.editions:
            self.by_slug[edition.doc.slug].append(edition)
            self.by_locale[edition.locale].append(edition)
        self.posts = _post_names(self.editions, config.source_dir)
        self.articles = {
            (e.locale, e.doc.slug): localize(
                e.doc,
                e.locale,
                e.translations,
                functools.partial(self.image_url, e.doc),
                functools.partial(self.post_link, e),
            )
            for e in self.editions
        }
        self.sitemap: list[tuple[str, tuple[Link, ...]]] = []

    def image_url(self, doc: Document, src: str) -> str:
        """A relative image, as seen from a page one folder below the site root."""
        path = asset_path(doc, src, self.config.source_dir)
        if path is None:
            return src
        parts = urlsplit(src)
        query = f"?{parts.query}" if parts.query else ""
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return f"../{_url_path(path)}{query}{fragment}"

    def post_link(self, edition: Edition, href: str) -> tuple[str, str | None]:
        """A link to another post: its page in this locale if published, else the source's.

        The second value is the hreflang of a page in another language, else None.
        Links to anything that is not a post are left as written.
        """
        path = asset_path(edition.doc, href, self.config.source_dir)
        slug = self.posts.get(path) if path is not None else None
        if slug is None:
            return href, None
        fragment = urlsplit(href).fragment
        anchor = f"#{fragment}" if fragment else ""
        name = _url_path(f"{slug}.html")
        if any(e.locale == edition.locale for e in self.by_slug[slug]):
            return name + anchor, None
        source = self.by_slug[slug][0].doc.lang
        return f"../{_url_path(source)}/{name}{anchor}", bcp47(source)

    def render(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for edition in self.editions:
            out[post_path(edition.locale, edition.doc.slug)] = self.post(edition)
        for locale in sorted(self.by_locale):
            out[f"{locale}/index.html"] = self.locale_index(locale)
        out["index.html"] = self.root_index()
        out["style.css"] = stylesheet()
        entries = sorted(self.sitemap, key=lambda entry: entry[0])
        out["sitemap.xml"] = _render(self.env, "sitemap.xml", entries=entries)
        return dict(sorted(out.items()))

    def versions(
        self, paths: Mapping[str, str], current: str, x_default: str | None
    ) -> tuple[tuple[Link, ...], tuple[Link, ...]]:
        """(switcher links, hreflang alternates) of one page, given its versions' paths.

        Also records the page in the sitemap, with the same alternates.
        """
        depth = paths[current].count("/")
        targets = [(loc, bcp47(loc), paths[loc]) for loc in sorted(paths)]
        if x_default is not None:
            targets.append(("", "x-default", x_default))
        alternates = tuple(
            Link(loc, self.urls.href(_url_path(path), depth), hreflang)
            for loc, hreflang, path in targets
        )
        switcher = tuple(  # relative even with base_url, so a local preview stays local
            Link(
                link.locale,
                "../" * depth + _url_path(paths[link.locale]),
                link.hreflang,
                locales.native_name(link.locale),
                locales.direction(link.locale),
                link.locale == current,
            )
            for link in alternates
            if link.locale
        )
        in_sitemap = tuple(
            Link(loc, self.urls.loc(_url_path(path)), hreflang) for loc, hreflang, path in targets
        )
        self.sitemap.append((self.urls.loc(_url_path(paths[current])), in_sitemap))
        return switcher, alternates

    def page(
        self,
        locale: str,
        path: str,
        versions: tuple[tuple[Link, ...], tuple[Link, ...]],
        **kw: object,
    ) -> Page:
        switcher, alternates = versions
        og_own = og_locale(locale)
        og_others = sorted({og_locale(v.locale) for v in switcher} - {og_own})
        depth = path.count("/")
        return Page(
            lang=bcp47(locale),
            dir=locales.direction(locale),
            canonical=self.urls.href(_url_path(path), depth),
            stylesheet="../" * depth + "style.css",
            site_name=self.site_name,
            og_locale=og_own,
            og_alternates=tuple(og_others),
            alternates=alternates,
            versions=switcher if len(switcher) > 1 else (),
            **kw,  # type: ignore[arg-type]
        )

    def post(self, edition: Edition) -> str:
        doc, locale = edition.doc, edition.locale
        article = self.articles[(locale, doc.slug)]
        paths = {e.locale: post_path(e.locale, doc.slug) for e in self.by_slug[doc.slug]}
        x_default = paths.get(doc.lang)
        path = paths[locale]
        page = self.page(
            locale,
            path,
            self.versions(paths, locale, x_default),
            title=article.title.plain,
            description=article.description.plain,
            og_type="article",
            home="index.html",
            pseudo=edition.pseudo,
            models_command=_models_command(edition),
        )
        return _render(
            self.env, "post.html", page=page, article=_markup(article), **_dated(doc, locale)
        )

    def locale_index(self, locale: str) -> str:
        """The locale's posts, newest first (undated last), dates as the locale writes them."""
        paths = {loc: f"{loc}/index.html" for loc in self.by_locale}
        editions = sorted(
            self.by_locale[locale],
            key=lambda e: (-(post_date(e.doc) or dt.date.min).toordinal(), e.doc.slug),
        )
        pseudo = next((e for e in editions if e.pseudo), None)
        page = self.page(
            locale,
            paths[locale],
            self.versions(paths, locale, "index.html"),
            title=self.site_name,
            description=self.config.site.description,
            home="../index.html",
            pseudo=pseudo is not None,
            models_command=_models_command(pseudo) if pseudo else "",
        )
        listing = [
            {
                "href": quote(e.doc.slug, safe="") + ".html",
                **_dated(e.doc, locale),
                **_markup(self.articles[(locale, e.doc.slug)]),
            }
            for e in editions
        ]
        return _render(self.env, "index.html", page=page, posts=listing)

    def root_index(self) -> str:
        counts = Counter(e.doc.lang for e in self.editions if e.locale == e.doc.lang)
        lang = min(counts, key=lambda loc: (-counts[loc], loc)) if counts else "en"
        choices = tuple(
            Link(
                loc,
                _url_path(f"{loc}/index.html"),
                bcp47(loc),
                locales.native_name(loc),
                locales.direction(loc),
            )
            for loc in sorted(self.by_locale)
        )
        page = Page(
            lang=bcp47(lang),
            dir=locales.direction(lang),
            title=self.site_name,
            description=self.config.site.description,
            canonical=self.urls.href("index.html", 0),
            stylesheet="style.css",
            home="index.html",
            site_name=self.site_name,
            og_locale=og_locale(lang),
        )
        self.sitemap.append((self.urls.loc("index.html"), ()))
        return _render(self.env, "languages.html", page=page, languages=choices)


def post_date(doc: Document) -> dt.date | None:
    """The front matter's date (YAML date, TOML datetime or ISO text); None if it has none."""
    raw = doc.meta.get("date", "").strip()
    if not raw:
        return None
    try:
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _dated(doc: Document, locale: str) -> dict[str, str]:
    """The post's date for templates: ISO for <time datetime>, and as the locale writes it."""
    day = post_date(doc)
    if day is None:
        return {"date": "", "date_shown": ""}
    return {
        "date": day.isoformat(),
        "date_shown": format_date(day, "long", locales.babel_locale(locale)),
    }


def _models_command(edition: Edition) -> str:
    source, target = locales.language(edition.doc.lang), locales.language(edition.locale)
    return f"postlingo models install {source} {target}"


def _markup(article: Article) -> dict[str, object]:
    """The article's parts for templates; the HTML parts are already escaped."""
    return {
        "locale": article.locale,
        "title": article.title.plain,
        "title_html": Markup(article.title.html),
        "title_label": Markup(article.title.label),
        "description": article.description.plain,
        "description_html": Markup(article.description.html),
        "description_label": Markup(article.description.label),
        "body_html": Markup(article.body_html),
    }
