"""`postlingo serve`: the site on 127.0.0.1, rebuilt on every save, reloaded in the browser.

The server adds a small script to each HTML response (never to the built files)
that polls a version number; a rebuild that changed a file bumps it, and the
page reloads itself. Watching is watchfiles' (inotify, FSEvents, ReadDirectoryChangesW).
"""

from __future__ import annotations

import errno
import functools
import http.server
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import watchfiles

from pipeline.errors import PostlingoError
from pipeline.files import is_temp

VERSION_PATH = "/_postlingo/version"
RELOAD_SCRIPT = (
    "<script>(() => { let seen = null; const poll = async () => { try { "
    f"const text = await (await fetch('{VERSION_PATH}', {{cache: 'no-store'}})).text(); "
    "if (seen !== null && text !== seen) { location.reload(); return; } seen = text; "
    "} catch (e) {} setTimeout(poll, 300); }; poll(); })();</script>"
)
_BODY_END = re.compile(rb"</body\s*>", re.I)


def inject(page: bytes) -> bytes:
    """The page with the reload script before its last </body> (or at its end)."""
    script = RELOAD_SCRIPT.encode()
    ends = list(_BODY_END.finditer(page))
    if not ends:
        return page + script
    at = ends[-1].start()
    return page[:at] + script + page[at:]


class Version:
    """A counter the browser polls: it changes when a rebuild changed the site."""

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()

    def bump(self) -> None:
        with self._lock:
            self._value += 1

    def __str__(self) -> str:
        with self._lock:
            return str(self._value)


class _Handler(http.server.SimpleHTTPRequestHandler):
    version: Version

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a request log would bury the rebuild messages

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if self.path.split("?")[0] == VERSION_PATH:
            self._send(str(self.version).encode(), "text/plain; charset=utf-8")
            return
        target = Path(self.translate_path(self.path))
        if target.is_dir() and self.path.split("?")[0].endswith("/"):
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            self._send(inject(target.read_bytes()), "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serving(folder: Path, port: int, version: Version) -> Iterator[str]:
    """An HTTP server for folder on 127.0.0.1 only, for the block; yields its URL."""
    handler = type("Handler", (_Handler,), {"version": version})
    try:
        httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", port), functools.partial(handler, directory=str(folder))
        )
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PostlingoError(f"port {port} is in use: choose another with --port") from exc
        raise PostlingoError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}") from exc
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _wanted(change: watchfiles.Change, path: str) -> bool:
    """Saves that matter: not editors' swap files nor postlingo's own temporary files."""
    name = Path(path).name
    return watchfiles.DefaultFilter()(change, path) and not is_temp(name)


def watch(
    paths: Iterable[Path],
    rebuild: Callable[[list[Path]], None],
    ready: Callable[[], None],
    stop: threading.Event,
) -> None:
    """Call rebuild with the changed paths after each burst of saves, until stop is set.

    `ready` is called once the watcher is in place, so no save made after it is missed.
    """
    existing = [p for p in paths if p.exists()]
    announced = False
    for changes in watchfiles.watch(
        *existing,
        watch_filter=_wanted,
        stop_event=stop,
        raise_interrupt=True,
        rust_timeout=200,
        yield_on_timeout=True,
    ):
        if not announced:
            ready()
            announced = True
        if changes:
            rebuild(sorted({Path(path) for _, path in changes}))
