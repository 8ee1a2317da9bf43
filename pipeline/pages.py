"""Post pages, made in a process pool when there are enough: each depends on its post alone.

A post's pages need its tree, its catalogs and the site's links (which locales
each post is published in); nothing else, so the posts are shared out among
worker processes and the pages come back to the parent, which writes them in
a fixed order. The indexes, which list every post, are made by the parent.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from pipeline import posts, publish
from pipeline.article import Article
from pipeline.config import Config
from pipeline.posts import Post
from pipeline.project import Unreadable, existing
from pipeline.site import Edition, PageRef, Site, article, listed, post_path

Made = tuple[str, str, dict[str, str]]  # (site path, page, what an index lists of it)


Link = Callable[[str], tuple[str, str | None]]
Known = Mapping[tuple[str, str], dict[str, str]]  # (slug, locale): what its catalog publishes


def article_maker(
    config: Config,
    by_slug: Mapping[str, Post],
    pseudo: bool,
    known: Known,
) -> Callable[[PageRef, Link], Article]:
    """A page's text from its post and what its catalog publishes: `known` when the build
    judged it (always, for catalogs made in memory), else read from its file on first use."""

    def article_of(ref: PageRef, link: Link) -> Article:
        post = by_slug[ref.slug]
        posts.parse(config, [post])
        translations: dict[str, str] = {}
        if (ref.slug, ref.locale) in known:
            translations = known[(ref.slug, ref.locale)]
        elif ref.locale != ref.lang:
            try:
                po = existing(config, ref.locale, ref.slug)
            except Unreadable as bad:  # changed since its verdict: no page from it
                raise bad.error from None
            verdict = publish.judge(ref.slug, ref.locale, po, config, pseudo=pseudo)
            translations = verdict.translations or {}
        edition = Edition(post.document, ref.locale, translations, ref.pseudo)
        return article(edition, config, link)

    return article_of


def render_posts(
    config: Config,
    refs: Sequence[PageRef],
    chosen: Sequence[Post],
    wanted: Collection[str],
    pseudo: bool,
    known: Known,
) -> list[Made]:
    """The wanted pages of these posts (a worker's share), in site order."""
    posts.parse(config, chosen, parallel=False)
    by_slug = {post.slug: post for post in chosen}
    site = Site(refs, config, article_maker(config, by_slug, pseudo, known))
    made = []
    for ref in site.refs:
        path = post_path(ref.locale, ref.slug)
        if ref.slug in by_slug and path in wanted:
            made.append((path, site.post_page(ref), listed(site.article(ref))))
    return made


def render_all(
    config: Config,
    refs: Sequence[PageRef],
    chosen: Sequence[Post],
    wanted: Collection[str],
    pseudo: bool,
    known: Known,
    in_process: bool = False,
) -> list[Made]:
    """`render_posts` over every post with a wanted page; in a pool when there are enough,
    unless `in_process` (serve's previews: no worker is forked from its threads)."""
    slugs = {ref.slug for ref in refs if post_path(ref.locale, ref.slug) in wanted}
    todo = [post for post in chosen if post.slug in slugs]
    count = posts.workers()
    if len(todo) < posts.POOL_THRESHOLD or count < 2 or in_process:
        return render_posts(config, refs, todo, wanted, pseudo, known)
    # Shares of several posts: each worker lays out the site's links once per share,
    # and gets what the catalogs of its own posts publish.
    size = max(1, -(-len(todo) // (count * 4)))
    shares = []
    for i in range(0, len(todo), size):
        share = todo[i : i + size]
        mine = {post.slug for post in share}
        shares.append((share, {key: value for key, value in known.items() if key[0] in mine}))
    done = posts.map_ordered(
        _render_share, shares, config, refs, frozenset(wanted), pseudo, least=2
    )
    return [made for share in done for made in share]


def _render_share(
    share: tuple[Sequence[Post], Known],
    config: Config,
    refs: Sequence[PageRef],
    wanted: Collection[str],
    pseudo: bool,
) -> list[Made]:
    return render_posts(config, refs, share[0], wanted, pseudo, share[1])
