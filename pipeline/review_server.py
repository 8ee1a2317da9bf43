"""The local review editor, `postlingo review --serve`: the review pages, editable in a browser.

It listens on 127.0.0.1 only. Pages are read fresh from the catalogs on every
load; saves go through review_editor.save (checks, project lock,
compare-and-swap). Another web page the reviewer has open must not be able to
write through it: every write needs the per-session token embedded in the
editor's pages, sent in a header (which a cross-site form cannot set and a
cross-site fetch cannot send without a preflight this server never allows),
and the Host and Origin headers must name this server (against DNS rebinding).
Catalog text is untrusted: Jinja escapes it, the script only sets textContent.
"""

from __future__ import annotations

import hmac
import re
import secrets
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

from pipeline import checks, project, review, review_editor, site
from pipeline.config import Config
from pipeline.document import TAG_RE, Document
from pipeline.errors import PostlingoError

HOST = "127.0.0.1"
DEFAULT_PORT = 8765
TOKEN_HEADER = "X-Postlingo-Token"
PAGE = "editor.html"
INDEX = "editor_index.html"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
_DESCRIBED = re.compile(r"<(\d+)/?>(?:…</\d+>)?\s+(.*)")


@dataclass
class Session:
    """One run of the editor: its project, token, port, and the catalogs its pages showed."""

    config: Config
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    port: int = DEFAULT_PORT
    locales: tuple[str, ...] = ()  # --to: only these
    posts: tuple[str, ...] = ()  # POST arguments: only these
    shown: set[tuple[str, str]] = field(default_factory=set)  # (locale, slug) a page offered
    say: Callable[[str], None] = lambda _: None

    @property
    def hosts(self) -> set[str]:
        return {f"{HOST}:{self.port}", f"localhost:{self.port}"}

    @property
    def origins(self) -> set[str]:
        return {f"http://{host}" for host in self.hosts}

    @property
    def targets(self) -> list[str]:
        return [t for t in self.config.targets if not self.locales or t in self.locales]


def pieces(text: str) -> list[tuple[bool, str]]:
    """The text cut into (is a tag, piece): tags become chips, the rest stays text."""
    out: list[tuple[bool, str]] = []
    at = 0
    for m in TAG_RE.finditer(text):
        if m.group(1) and m.group(3):
            continue  # "</1/>" is not a tag (as tags.tags says)
        if m.start() > at:
            out.append((False, text[at : m.start()]))
        out.append((True, m.group(0)))
        at = m.end()
    if at < len(text):
        out.append((False, text[at:]))
    return out


def labels(item: review.Item) -> dict[str, str]:
    """Tag number → what it stands for, from the entry's `#.` placeholder lines."""
    found = {}
    for line in item.placeholders:
        m = _DESCRIBED.match(line)
        if m:
            found[m.group(1)] = m.group(2)
    return found


def tag_number(tag: str) -> str:
    m = TAG_RE.fullmatch(tag)
    return m.group(2) if m else ""


def _finding(f: checks.Finding) -> dict[str, Any]:
    return {"check": f.check, "severity": f.severity, "message": f.message, "line": f.line}


def _answer(status: int, error: str, message: str, **more: Any) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message, **more}), status


def create_app(session: Session) -> Flask:
    """The editor's routes; the Session says which project, token and port they serve."""
    app = Flask(__name__, static_folder=str(site.PACKAGE / "static"), static_url_path="/static")
    config = session.config

    def render(name: str, **context: Any) -> str:
        env = site.environment(config)
        return site._render(
            env,
            name,
            token=session.token,
            pieces=pieces,
            labels=labels,
            tag_number=tag_number,
            state=review_editor.item_state,
            **context,
        )

    @app.before_request
    def guard() -> tuple[Response, int] | None:
        if request.host not in session.hosts:  # DNS rebinding: a foreign name for 127.0.0.1
            return _answer(403, "forbidden", "this editor answers only to its own address")
        if request.method in ("GET", "HEAD"):
            return None
        origin = request.headers.get("Origin")
        if origin is not None and origin not in session.origins:
            return _answer(403, "forbidden", "a page from another site may not write here")
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            return _answer(403, "forbidden", "a page from another site may not write here")
        given = request.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode(), session.token.encode()):
            return _answer(
                403,
                "forbidden",
                "this page is not from the running editor (restarted?): reload it; "
                "your unsaved text is kept in this browser",
            )
        if not request.is_json:
            return _answer(415, "bad request", "saves are sent as JSON")
        return None

    @app.after_request
    def harden(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        return response

    def documents() -> list[Document]:
        return project.load_documents(config, session.posts)

    @app.get("/")
    def index() -> str:
        docs = documents()
        findings = checks.run(config, docs, session.targets, everything=False)
        pages = [review.locale_page(config, docs, findings, t) for t in session.targets]
        return render(INDEX, pages=pages, project=config.project)

    @app.get("/<locale>/")
    def locale_page(locale: str) -> tuple[str, int] | str:
        if locale not in session.targets:
            return render(INDEX, pages=[], project=config.project, missing=locale), 404
        docs = documents()
        findings = checks.run(config, docs, [locale], everything=False)
        page = review.locale_page(config, docs, findings, locale, everything=True)
        session.shown.update((locale, post.slug) for post in page.posts)
        return render(PAGE, page=page, project=config.project)

    @app.post("/api/save")
    def save() -> tuple[Response, int]:
        data = request.get_json(silent=True)
        edit = _edit(data)
        if edit is None:
            return _answer(
                400, "bad request", "a save names locale, slug, msgid, text, version, state"
            )
        if (edit.locale, edit.slug) not in session.shown:
            return _answer(404, "unknown", "no such catalog in this editor: reload the page")
        try:
            saved = review_editor.save(config, edit)
        except review_editor.Refused as exc:
            session.say(f"refused {exc}")
            return _answer(
                422, "refused", exc.message, findings=[_finding(f) for f in exc.findings]
            )
        except review_editor.Conflict as exc:
            session.say(f"conflict {exc}")
            return _answer(
                409,
                "conflict",
                exc.message,
                current=exc.current,
                version=exc.version,
                state=exc.state,
            )
        except PostlingoError as exc:  # the project is busy (another run), or a post is gone
            return _answer(503, "not saved", f"{exc}; your text is kept")
        where = project.relative(config, project.po_path(config, edit.locale, edit.slug))
        session.say(
            f"saved {where}: {edit.msgid[:60]!r}" + ("" if saved.changed else " (no change)")
        )
        body = {
            "version": saved.version,
            "state": saved.state,
            "changed": saved.changed,
            "path": where,
            "line": saved.line,
            "findings": [_finding(f) for f in saved.findings],
        }
        return jsonify(body), 200

    @app.errorhandler(PostlingoError)
    def failed(exc: PostlingoError) -> tuple[str, int]:
        return render(INDEX, pages=[], project=config.project, error=str(exc)), 500

    return app


def _edit(data: object) -> review_editor.Edit | None:
    """The save request as an Edit; None when a field is missing or of the wrong type."""
    if not isinstance(data, dict):
        return None
    names = ("locale", "slug", "msgid", "text", "version", "state")
    if not all(isinstance(data.get(n), str) for n in names):
        return None
    context = data.get("msgctxt")
    if context is not None and not isinstance(context, str):
        return None
    return review_editor.Edit(
        data["locale"],
        data["slug"],
        data["msgid"],
        data["text"].replace("\r\n", "\n"),
        data["version"],
        data["state"],
        context,
    )


class _Quiet(WSGIRequestHandler):
    """No line per request: the terminal shows what was saved, refused or in conflict."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def serve(
    config: Config,
    port: int,
    say: Callable[[str], None],
    locales: Sequence[str] = (),
    posts: Sequence[str] = (),
) -> None:
    """Run until Ctrl+C. Port 0 takes any free port; the URL printed says which."""
    project.check_targets(config, locales)
    session = Session(config, locales=tuple(locales), posts=tuple(posts), say=say)
    project.load_documents(config, session.posts)  # a bad post is an error now, not per page
    try:
        listener = socket.create_server((HOST, port))
    except OSError as exc:
        raise PostlingoError(
            f"cannot listen on {HOST}:{port}: {exc.strerror or exc} "
            "(choose another port with --port; 0 takes any free one)"
        ) from exc
    with listener:
        session.port = listener.getsockname()[1]
        server = make_server(
            HOST,
            session.port,
            create_app(session),
            threaded=True,
            request_handler=_Quiet,
            fd=listener.fileno(),
        )
        say(f"review editor: http://{HOST}:{session.port}/ (Ctrl+C stops it)")
        server.serve_forever()  # returns on Ctrl+C
    say("review editor stopped")
