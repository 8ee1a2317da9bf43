"""Every internal link and resource of a built site, and the ones that lead nowhere."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_URL_ATTRS = {"href", "src"}


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in _URL_ATTRS and value:
                self.urls.append(value)


def internal_urls(page: Path) -> list[str]:
    """href and src values that point into the site (no scheme, no host, not data:)."""
    parser = _Urls()
    parser.feed(page.read_text(encoding="utf-8"))
    found = []
    for url in parser.urls:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            continue  # other sites, data: URLs, mailto:, same-page fragments
        found.append(url)
    return found


def broken_links(site: Path) -> list[str]:
    """`page: url` for each internal URL of each page whose file does not exist."""
    assert (site / "index.html").is_file(), f"no site at {site}"
    root = site.resolve()
    broken = []
    for page in sorted(site.rglob("*.html")):
        for url in internal_urls(page):
            path = unquote(urlsplit(url).path)
            target = (root / path.lstrip("/")) if path.startswith("/") else page.parent / path
            target = target.resolve()
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_relative_to(root) or not target.is_file():
                broken.append(f"{page.relative_to(site)}: {url}")
    return broken
