"""The posts of a run: what every stage needs to know of each, and its tree only when needed.

Reading a post (parse, segment) is most of the cost of a run that changes
little, so a Post carries the facts later stages ask for (slug, language,
warnings, images) from the state when its source bytes are unchanged, and
parses the source only when a template, catalog or page must be made again.
Posts that must be parsed are parsed in a process pool when there are enough
of them to pay for it; the results come back in the posts' order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pipeline import parsed, sources
from pipeline.config import Config
from pipeline.document import Document
from pipeline.errors import PostlingoError
from pipeline.files import read_bytes
from pipeline.site import post_date, slug_problem
from pipeline.state import Record, State, code_identity, digest

# Fewer posts than this are read in the parent: below it, starting the workers
# costs about what they save (`python -m tests.bench_pipeline --pool` on 2 cores:
# even at 8 posts, the pool ahead from 16).
POOL_THRESHOLD = 16
T = TypeVar("T")


@dataclass
class Post:
    """One source post; `document` parses it on first use."""

    path: Path
    where: str  # project-relative, as messages show it
    source: str  # digest of its bytes and of the settings it is read with
    slug: str
    lang: str
    warnings: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    date: str = ""  # ISO, from the front matter (site.post_date)
    _doc: Document | None = field(default=None, repr=False)

    @classmethod
    def of(cls, doc: Document, source: str = "") -> Post:
        from pipeline.article import images, links

        return cls(
            Path(doc.path),
            doc.path,
            source or digest(repr(doc)),
            doc.slug,
            doc.lang,
            tuple(str(w) for w in doc.warnings),
            tuple(images(doc)),
            tuple(links(doc)),
            post_date(doc),
            doc,
        )

    @property
    def document(self) -> Document:
        if self._doc is None:
            raise RuntimeError(f"{self.where} was not parsed")  # parse() runs before any use
        return self._doc

    def record(self) -> dict[str, object]:
        return {
            "inputs": self.source,
            "slug": self.slug,
            "lang": self.lang,
            "warnings": list(self.warnings),
            "images": list(self.images),
            "links": list(self.links),
            "date": self.date,
        }


def as_posts(items: Sequence[Post] | Sequence[Document]) -> list[Post]:
    return [item if isinstance(item, Post) else Post.of(item) for item in items]


def workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_ordered(
    function: Callable[..., T], items: Sequence[Any], *same: Any, least: int = 0
) -> list[T]:
    """function(item, *same) for each item, in order; in a process pool of the machine's
    cores when there are `least` items or more, POOL_THRESHOLD by default (items that are
    shares of work already pay for the pool in fewer). The results come back in order."""
    count = workers()
    if len(items) < (least or POOL_THRESHOLD) or count < 2:
        return [function(item, *same) for item in items]
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(items) // (count * 4))
    with ProcessPoolExecutor(count) as pool:
        rest = [[value] * len(items) for value in same]
        return list(pool.map(function, items, *rest, chunksize=chunk))


def _read(path: Path, config: Config) -> Document:
    from pipeline import segment  # imported only by a run that reads a post

    return segment.segment_document(sources.read(path, config.root, config.ignore, config.raw_html))


def _read_many(config: Config, paths: Sequence[Path], parallel: bool) -> list[Document]:
    """Read posts in order; in a process pool when there are enough of them."""
    if not parallel:
        return [_read(p, config) for p in paths]
    if len(paths) >= POOL_THRESHOLD:  # imported once, before the workers fork
        from pipeline import segment  # noqa: F401

        for suffix in {p.suffix.lower() for p in paths}:
            sources.reader(suffix)
    return map_ordered(_read, paths, config)


def parse(config: Config, posts: Sequence[Post], parallel: bool = True) -> None:
    """Give every post its tree (those not parsed yet, all at once so a pool can share them).

    A tree kept by an earlier run for the same bytes (parsed.py) is taken as it is.
    """
    unread = []
    for post in posts:
        if post._doc is None:
            kept = parsed.load(config.root, post.where, post.source)
            if kept is None:
                unread.append(post)
            else:
                _adopt(post, kept)
    read = _read_many(config, [p.path for p in unread], parallel)
    for post, doc in zip(unread, read, strict=True):
        _adopt(post, doc)
        parsed.store(config.root, post.where, post.source, doc)


def _adopt(post: Post, doc: Document) -> None:
    fresh = Post.of(doc, post.source)
    fresh.path, fresh.where = post.path, post.where
    post.__dict__.update(fresh.__dict__)


def _source_digest(path: Path, where: str, config: Config) -> str:
    return digest(code_identity(), where, repr((config.ignore, config.raw_html)), read_bytes(path))


def _from_record(path: Path, where: str, source: str, record: Record | None) -> Post | None:
    """The post's facts as recorded, if made from these bytes (and the record is sound)."""
    if record is None or record.get("inputs") != source:
        return None
    try:
        texts = [record[k] for k in ("slug", "lang", "date")]
        lists = [record[k] for k in ("warnings", "images", "links")]
    except KeyError:
        return None
    if not all(isinstance(t, str) for t in texts) or not all(
        isinstance(v, list) and all(isinstance(i, str) for i in v) for v in lists
    ):
        return None
    slug, lang, date = texts
    warnings, images, links = (tuple(v) for v in lists)
    return Post(path, where, source, slug, lang, warnings, images, links, date)


def load(config: Config, selection: Sequence[str], state: State) -> list[Post]:
    """The selected posts (by slug, file name or path; all by default), facts from the state.

    A post whose bytes and read settings match its record is not parsed here.
    """
    from pipeline.project import relative

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
    posts: list[Post] = []
    unread: list[Post] = []
    for path in paths:
        where = relative(config, path)
        source = _source_digest(path, where, config)
        recorded = _from_record(path, where, source, state.get(f"post:{where}"))
        if recorded is not None:
            posts.append(recorded)
            continue
        post = Post(path, where, source, "", "")
        posts.append(post)
        unread.append(post)
    parse(config, unread)
    seen: dict[str, str] = {}
    for post in posts:
        state.put(f"post:{post.where}", post.record())
        problem = slug_problem(post.slug)
        if problem:
            raise PostlingoError(problem, post.where)
        if post.slug in seen:
            raise PostlingoError(
                f"slug {post.slug!r} is also used by {seen[post.slug]}", post.where
            )
        seen[post.slug] = post.where
    return posts
