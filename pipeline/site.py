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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from babel.core import get_global, parse_locale
from babel.dates import format_date
from markupsafe import Markup

from pipeline import locales
from pipeline.article import Article, bcp47, images, localize
from pipeline.config import Config
from pipeline.document import Document
from pipeline.errors import PostlingoError

if TYPE_CHECKING:
    import jinja2

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


def _check(ref: PageRef) -> None:
    if not _LOCALE_RE.fullmatch(ref.locale):
        raise PostlingoError(f"locale {ref.locale!r} cannot name a folder of the site", ref.where)
    locales.validate(ref.locale)
    problem = slug_problem(ref.slug)
    if problem:
        raise PostlingoError(problem, ref.where)


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


def asset_path(where: str, src: str, source_dir: str) -> str | None:
    """Where a post's relative image belongs in the site: its path under source_dir.

    None for what is not a file beside the sources: URLs with a scheme or host,
    root-relative paths (left as written), and paths that leave source_dir.
    """
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path or src.startswith(("/", "#")):
        return None
    base = posixpath.normpath(source_dir.replace("\\", "/").strip("/") or ".")
    folder = posixpath.dirname(posixpath.normpath(where)) or "."
    inside = posixpath.relpath(folder, base) if base != "." else folder
    path = posixpath.normpath(posixpath.join(inside, unquote(parts.path)))
    if path in (".", "..") or path.startswith("../") or path.startswith("/"):
        return None
    return path


def assets(docs: Sequence[Document], config: Config) -> dict[str, str]:
    """Site-relative path → project-relative source path of every image to copy.

    Images inside a sentence count too: their markup is rebased like a figure's.
    """
    return assets_of(((doc.path, images(doc)) for doc in docs), config)


def assets_of(posts: Iterable[tuple[str, Iterable[str]]], config: Config) -> dict[str, str]:
    """`assets` from each post's path and image sources (as the state keeps them)."""
    found: dict[str, str] = {}
    for where, sources in posts:
        for src in sources:
            path = asset_path(where, src, config.source_dir)
            if path is not None:
                found[path] = posixpath.join(config.source_dir.strip("/") or ".", path)
    return dict(sorted(found.items()))


def image_url(doc: Document, src: str, source_dir: str) -> str:
    """A relative image, as seen from a page one folder below the site root."""
    path = asset_path(doc.path, src, source_dir)
    if path is None:
        return src
    parts = urlsplit(src)
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"../{_url_path(path)}{query}{fragment}"


def article(
    edition: Edition, config: Config, link: Callable[[str], tuple[str, str | None]]
) -> Article:
    """The edition's text as its page shows it: images rebased for the page's folder,
    links to other posts through `link` (Site.post_link)."""
    doc = edition.doc
    return localize(
        doc,
        edition.locale,
        edition.translations,
        functools.partial(image_url, doc, source_dir=config.source_dir),
        link,
    )


def post_names(refs: Iterable[PageRef], source_dir: str) -> dict[str, str]:
    """How a post may link to another, as a path under source_dir → the target's slug.

    The target's source file (guide.md), its page (guide.html, slug.html) or its bare name.
    """
    names: dict[str, str] = {}
    for where, slug in dict.fromkeys((ref.where, ref.slug) for ref in refs):  # once per post
        own = asset_path(where, posixpath.basename(where), source_dir)
        if own is None:
            continue
        folder = posixpath.dirname(own)
        stem = posixpath.splitext(own)[0]
        for name in (own, stem, f"{stem}.html", posixpath.join(folder, f"{slug}.html")):
            names.setdefault(name, slug)
    return names


def linked_posts(
    where: str, hrefs: Iterable[str], names: Mapping[str, str], source_dir: str
) -> set[str]:
    """The slugs of the posts a post's links point to (its page depends on where they are)."""
    found = set()
    for href in hrefs:
        path = asset_path(where, href, source_dir)
        if path is not None and path in names:
            found.add(names[path])
    return found


def _url_path(path: str) -> str:
    return quote(path, safe="/")


# --- templates -----------------------------------------------------------------


def environment(config: Config) -> jinja2.Environment:
    """Project templates first (any one may be overridden), then the package's."""
    import jinja2

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
    import jinja2

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
    by_key = {(e.locale, e.doc.slug): e for e in editions}
    refs = [
        PageRef(e.doc.slug, e.locale, e.doc.lang, e.doc.path, e.pseudo, post_date(e.doc))
        for e in editions
    ]
    return Site(
        refs, config, lambda ref, link: article(by_key[(ref.locale, ref.slug)], config, link)
    ).render()


@dataclass(frozen=True)
class PageRef:
    """A published edition as the site's links see it: which post, in which locale."""

    slug: str
    locale: str
    lang: str  # the post's own language
    where: str  # the post's source path, for messages
    pseudo: bool = False
    date: str = ""  # the post's date, ISO (post_date), "" when it has none


# What an index lists of each post; kept by the state so an index is made
# again without reading every post (body_html, which no built-in index uses,
# is read on demand).
LISTED = ("title", "title_html", "title_label", "description", "description_html",
          "description_label")  # fmt: skip
_HTML_FIELDS = frozenset({"title_html", "title_label", "description_html",
                          "description_label", "body_html"})  # fmt: skip


class Listing(Mapping[str, object]):
    """One post of an index: its href and listed fields, the rest of its article on demand."""

    def __init__(
        self,
        href: str,
        locale: str,
        date: str,
        fields: Mapping[str, str],
        more: Callable[[], Article],
    ) -> None:
        self._fields: dict[str, object] = {"href": href, "locale": locale, **_dated(date, locale)}
        self._fields.update((k, Markup(v) if k in _HTML_FIELDS else v) for k, v in fields.items())
        self._more = more

    def __getitem__(self, key: str) -> object:
        if key not in self._fields:
            self._fields.update(markup(self._more()))
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(["href", "date", "date_shown", *markup_keys()])

    def __len__(self) -> int:
        return 3 + len(markup_keys())


def listed(article: Article) -> dict[str, str]:
    """The fields an index lists, as plain strings for the state."""
    found = markup(article)
    return {k: str(found[k]) for k in LISTED}


class Site:
    """Renders the pages asked for; the links (switchers, hreflang, sitemap) always whole.

    `article_of` gives a page's text; `listing_of`, when given, what an index
    lists of a post (the state's copy), so an unchanged post is not read again.
    """

    def __init__(
        self,
        refs: Sequence[PageRef],
        config: Config,
        article_of: Callable[[PageRef, Callable[[str], tuple[str, str | None]]], Article],
        listing_of: Callable[[PageRef], Mapping[str, str] | None] = lambda ref: None,
    ) -> None:
        seen: set[tuple[str, str]] = set()
        for ref in refs:
            _check(ref)
            key = (ref.locale, ref.slug)
            if key in seen:
                raise PostlingoError(f"two pages for {ref.slug} in {ref.locale}", ref.where)
            seen.add(key)
        self.refs = sorted(refs, key=lambda e: (e.slug, e.locale))
        self.config = config
        self.urls = _Urls(config.base_url)
        self.site_name = config.site.title or config.project or "Posts"
        self.by_slug: dict[str, list[PageRef]] = defaultdict(list)
        self.by_locale: dict[str, list[PageRef]] = defaultdict(list)
        for ref in self.refs:
            self.by_slug[ref.slug].append(ref)
            self.by_locale[ref.locale].append(ref)
        self.posts = post_names(self.refs, config.source_dir)
        self._article_of = article_of
        self._listing_of = listing_of
        self.articles: dict[tuple[str, str], Article] = {}
        self.sitemap: list[tuple[str, tuple[Link, ...]]] = []

    @functools.cached_property
    def env(self) -> jinja2.Environment:
        return environment(self.config)

    def article(self, ref: PageRef) -> Article:
        key = (ref.locale, ref.slug)
        if key not in self.articles:
            self.articles[key] = self._article_of(ref, functools.partial(self.post_link, ref))
        return self.articles[key]

    def post_link(self, ref: PageRef, href: str) -> tuple[str, str | None]:
        """A link to another post: its page in this locale if published, else the source's.

        The second value is the hreflang of a page in another language, else None.
        Links to anything that is not a post are left as written.
        """
        path = asset_path(ref.where, href, self.config.source_dir)
        slug = self.posts.get(path) if path is not None else None
        if slug is None:
            return href, None
        fragment = urlsplit(href).fragment
        anchor = f"#{fragment}" if fragment else ""
        name = _url_path(f"{slug}.html")
        if any(e.locale == ref.locale for e in self.by_slug[slug]):
            return name + anchor, None
        source = self.by_slug[slug][0].lang
        return f"../{_url_path(source)}/{name}{anchor}", bcp47(source)

    def render(self, wanted: Callable[[str], bool] = lambda path: True) -> dict[str, str]:
        """The wanted pages; the links between all pages are worked out whatever is wanted."""
        out: dict[str, str] = {}
        whole = wanted("sitemap.xml")  # it lists every page: every page's links are needed
        for ref in self.refs:
            path = post_path(ref.locale, ref.slug)
            if whole or wanted(path):
                paths = {e.locale: post_path(e.locale, ref.slug) for e in self.by_slug[ref.slug]}
                versions = self.versions(paths, ref.locale, paths.get(ref.lang))
            if wanted(path):
                out[path] = self.post(ref, versions)
        paths = {loc: f"{loc}/index.html" for loc in self.by_locale}
        for locale in sorted(self.by_locale):
            versions = self.versions(paths, locale, "index.html")
            if wanted(paths[locale]):
                out[paths[locale]] = self.locale_index(locale, versions)
        if wanted("index.html"):
            out["index.html"] = self.root_index()
        if wanted("style.css"):
            out["style.css"] = stylesheet()
        if wanted("sitemap.xml"):
            self.sitemap.append((self.urls.loc("index.html"), ()))
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

    def post_page(self, ref: PageRef) -> str:
        """One post page alone (a worker's share of the site)."""
        paths = {e.locale: post_path(e.locale, ref.slug) for e in self.by_slug[ref.slug]}
        return self.post(ref, self.versions(paths, ref.locale, paths.get(ref.lang)))

    def post(self, ref: PageRef, versions: tuple[tuple[Link, ...], tuple[Link, ...]]) -> str:
        locale = ref.locale
        article = self.article(ref)
        page = self.page(
            locale,
            post_path(locale, ref.slug),
            versions,
            title=article.title.plain,
            description=article.description.plain,
            og_type="article",
            home="index.html",
            pseudo=ref.pseudo,
            models_command=_models_command(ref),
        )
        return _render(
            self.env, "post.html", page=page, article=markup(article), **_dated(ref.date, locale)
        )

    def listing(self, ref: PageRef) -> Listing:
        href = quote(ref.slug, safe="") + ".html"
        kept = self._listing_of(ref)
        if kept is None:
            kept = listed(self.article(ref))
        return Listing(href, ref.locale, ref.date, kept, functools.partial(self.article, ref))

    def locale_index(self, locale: str, versions: tuple[tuple[Link, ...], tuple[Link, ...]]) -> str:
        """The locale's posts, newest first (undated last), dates as the locale writes them."""
        refs = sorted(
            self.by_locale[locale],
            key=lambda r: (-(_day(r.date) or dt.date.min).toordinal(), r.slug),
        )
        posts = [self.listing(ref) for ref in refs]
        pseudo = next((r for r in refs if r.pseudo), None)
        page = self.page(
            locale,
            f"{locale}/index.html",
            versions,
            title=self.site_name,
            description=self.config.site.description,
            home="../index.html",
            pseudo=pseudo is not None,
            models_command=_models_command(pseudo) if pseudo else "",
        )
        return _render(self.env, "index.html", page=page, posts=posts)

    def root_index(self) -> str:
        counts = Counter(ref.lang for ref in self.refs if ref.locale == ref.lang)
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
        return _render(self.env, "languages.html", page=page, languages=choices)


def post_date(doc: Document) -> str:
    """The front matter's date (YAML date, TOML datetime or ISO text) in ISO; "" if none."""
    raw = doc.meta.get("date", "").strip()
    if not raw:
        return ""
    try:
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return ""


def _day(iso: str) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def _dated(iso: str, locale: str) -> dict[str, str]:
    """The post's date for templates: ISO for <time datetime>, and as the locale writes it."""
    day = _day(iso)
    if day is None:
        return {"date": "", "date_shown": ""}
    return {
        "date": iso,
        "date_shown": format_date(day, "long", locales.babel_locale(locale)),
    }


def _models_command(ref: PageRef) -> str:
    source, target = locales.language(ref.lang), locales.language(ref.locale)
    return f"postlingo models install {source} {target}"


def markup_keys() -> tuple[str, ...]:
    return ("locale", *LISTED, "body_html")


def markup(article: Article) -> dict[str, object]:
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
