"""The `postlingo` command: parse options, call the stages, print. No logic of its own.

Heavy modules are imported inside commands so `postlingo --help` stays instant.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from pipeline.config import CLUSTERS, SITE_FORMATS
from pipeline.engines import ENGINES
from pipeline.errors import EXIT_INTERNAL, EXIT_PROBLEMS, EXIT_USAGE, PostlingoError
from pipeline.models_cli import models

if TYPE_CHECKING:
    from pipeline.config import Config
    from pipeline.document import Document
    from pipeline.posts import Post
    from pipeline.project import TranslateResult
    from pipeline.state import State

T = TypeVar("T")


class Context:
    """Shared by every command: where the project is and its (lazily read) config."""

    def __init__(self) -> None:
        self.directory = Path(".")
        self.config_file: Path | None = None
        self.debug = False
        self._root: Path | None = None
        self._config: Config | None = None
        self.reported: set[str] = set()  # unreadable catalogs already listed by this run
        self._state: State | None = None

    @property
    def root(self) -> Path:
        """The folder of the nearest config, from DIR upwards (absolute, as git finds .git).

        With --config FILE, DIR itself.
        """
        if self._root is None:
            from pipeline import config

            start = self.directory.absolute()
            found = start if self.config_file is not None else config.find_root(start)
            if found is None:
                raise config.not_a_project(start)
            self._root = found
        return self._root

    @property
    def config(self) -> Config:
        if self._config is None:
            from pipeline import config

            self._config = config.load(self.root, self.config_file)
        return self._config

    def config_or_defaults(self) -> Config:
        """The project's config, or the defaults outside any project (for `models`)."""
        from pipeline import config

        if self.config_file is None and config.find_root(self.directory) is None:
            return config.Config(root=self.directory.absolute())
        return self.config

    def lock(self, *more: Path) -> Config:
        """Hold the project lock until the command ends, then clear what killed runs left."""
        from pipeline.files import sweep_temp
        from pipeline.lock import project_lock

        say = functools.partial(click.echo, err=True)
        click.get_current_context().with_resource(project_lock(self.root, say))
        config = self.config
        swept = [p for d in (config.locales_path, config.site_path, *more) for p in sweep_temp(d)]
        if swept:
            say(f"removed {len(swept)} temporary files an interrupted run left behind")
        return config

    @property
    def state(self) -> State:
        """What earlier runs made from what (.postlingo/state.json); read under the lock."""
        if self._state is None:
            from pipeline.state import State

            self._state = State.load(self.root)
        return self._state

    def save_state(self, whole: bool = False) -> None:
        """Keep what this run made, once it all succeeded (a failed run only costs time).

        A whole run (`run` over every locale) also forgets what no longer exists.
        """
        from pipeline import parsed

        if self._state is not None:
            self._state.save(prune=whole)
        parsed.flush()

    def shown(self, path: Path) -> str:
        """A path as messages show it: from the project root when it is inside."""
        known = self._root or self.directory.absolute()
        for root in (known, known.resolve()):
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix() or "."
        return str(path)


def _documents(config: Config, posts: Sequence[str] = ()) -> list[Document]:
    """The selected posts, read; what their readers noticed goes to stderr, once per post."""
    from pipeline import project

    docs = project.load_documents(config, posts)
    for doc in docs:
        for warning in doc.warnings:
            click.echo(f"warning: {warning}", err=True)
    return docs


def _posts(ctx: Context, posts: Sequence[str] = ()) -> list[Post]:
    """The selected posts, facts from the state; what their readers noticed goes to stderr."""
    from pipeline.posts import load

    found = load(ctx.config, posts, ctx.state)
    for post in found:
        for warning in post.warnings:
            click.echo(f"warning: {warning}", err=True)
    return found


def _locales(value: tuple[str, ...]) -> list[str]:
    """--to codes, spelled as the config spells them (EN → en)."""
    from pipeline.locales import canonical

    return [canonical(code) for item in value for code in item.split(",") if code.strip()]


def _progress(label: str) -> Callable[[int], Callable[[int], None]]:
    """A bar over `total` texts, with texts per second, on a terminal; silent in CI logs."""

    def start(total: int) -> Callable[[int], None]:
        if not sys.stderr.isatty():
            return lambda done: None
        started = time.monotonic()
        done = [0]

        def rate(_: object) -> str:
            return f"{done[0] / max(time.monotonic() - started, 1e-3):.1f} segments/s"

        bar = click.progressbar(
            length=total, label=label, file=sys.stderr, show_pos=True, item_show_func=rate
        )
        bar.render_progress()

        def advance(count: int) -> None:
            done[0] += count
            bar.update(count, None)
            if done[0] >= total:
                bar.render_finish()

        return advance

    return start


def _report_skipped(ctx: Context, skipped: Iterable[PostlingoError], done: set[str]) -> int:
    """The end-of-run summary of catalogs left out because they do not parse: exit code 1.

    `done` holds the ones a previous stage of this run already listed.
    """
    fresh = [e for e in skipped if str(e) not in done]
    done.update(str(e) for e in fresh)
    if fresh:
        click.echo(
            f"skipped {len(fresh)} catalog{'s' if len(fresh) > 1 else ''} that do not parse "
            "(left as they are; fix them and run again):",
            err=True,
        )
    for error in fresh:
        if error.path is not None:
            error.path = ctx.shown(Path(error.path))
        click.echo(f"  {error}", err=True)
    return EXIT_PROBLEMS if done else 0


pass_ctx = click.make_pass_decorator(Context)


def _say(line: str) -> None:
    """A line on stdout at once, so a terminal or a test reading the pipe sees it now."""
    click.echo(line)
    sys.stdout.flush()


to_option = click.option(
    "--to", "to", multiple=True, metavar="LOCALE,...", help="Only these target locales."
)
posts_argument = click.argument("posts", nargs=-1, metavar="[POST]...")
engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="Machine translation: auto (Argos where installed, else pseudo), argos or pseudo "
    "(default: the config's engine).",
)


def _examples(*commands: str) -> str:
    """A command's help epilog: how it is typed, kept as written by click's \\b."""
    lines = "\n".join(f"  postlingo {command}" for command in commands)
    return f"\b\nExamples:\n{lines}"


cluster_option = click.option(
    "--cluster",
    type=click.Choice(CLUSTERS),
    default=None,
    help="Where the Argos models run: local, or ray (a Ray cluster; overrides [mt] cluster).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    metavar="DIR",
    help="Run as if started in DIR (the project is the nearest folder upwards with a config).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default: postlingo.toml, or [tool.postlingo] in pyproject.toml).",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@click.version_option(package_name="postlingo")
@click.pass_context
def cli(ctx: click.Context, directory: Path, config_file: Path | None, debug: bool) -> None:
    """Translate blog posts through gettext catalogs into localized HTML."""
    from pipeline import parsed

    parsed.start()
    state = ctx.ensure_object(Context)
    state.directory, state.config_file, state.debug = directory, config_file, debug


@cli.command(epilog=_examples("init", "init my-blog"))
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@pass_ctx
def init(ctx: Context, directory: Path | None) -> None:
    """Create postlingo.toml, source/ and locales/ (never overwrites)."""
    from pipeline.scaffold import init_project

    for line in init_project(directory or ctx.directory):
        click.echo(line)


@cli.command(epilog=_examples("extract", "extract mini-thread-lifting"))
@posts_argument
@pass_ctx
def extract(ctx: Context, posts: tuple[str, ...]) -> None:
    """Segment the posts and write locales/<slug>.pot."""
    from pipeline import project

    config = ctx.lock()
    chosen = _posts(ctx, posts)
    segments, changed = project.extract(config, chosen, ctx.state)
    ctx.save_state()
    click.echo(
        f"extracted {segments} sentences from {len(chosen)} posts; {len(changed)} files changed"
    )


def _translate(
    ctx: Context,
    posts: tuple[str, ...],
    to: tuple[str, ...],
    engine: str | None,
    cluster: str | None,
    refresh: bool = False,
) -> tuple[list[Post], TranslateResult]:
    from pipeline import project

    config = ctx.config
    chosen = _posts(ctx, posts)
    result = project.translate(
        config,
        chosen,
        only=_locales(to),
        engine=engine,
        cluster=cluster,
        refresh=refresh,
        progress=_progress("translating"),
        state=ctx.state,
    )
    if result.refreshed:
        click.echo(f"{result.refreshed} unreviewed machine translations made again (--refresh)")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for (source, target), count in sorted(result.machine.items()):
        name = result.engines.get((source, target), "none needed")
        click.echo(f"{source}→{target}: {count} entries machine-translated ({name})")
    if result.memory:
        click.echo(f"{result.memory} entries reused from translation memory")
    if result.replaced_pseudo:
        click.echo(f"{result.replaced_pseudo} pseudo-localized previews replaced by the model")
    click.echo(f"{len(result.written)} catalog files changed")
    _report_skipped(ctx, result.skipped, ctx.reported)
    return chosen, result


@cli.command(epilog=_examples("translate", "translate --to ko,ja --engine argos"))
@to_option
@engine_option
@cluster_option
@click.option(
    "--refresh",
    is_flag=True,
    help="Translate every unreviewed machine entry again (reviewed ones are never touched).",
)
@posts_argument
@pass_ctx
def translate(
    ctx: Context,
    to: tuple[str, ...],
    engine: str | None,
    cluster: str | None,
    refresh: bool,
    posts: tuple[str, ...],
) -> None:
    """Extract, merge the catalogs, and machine-translate empty entries."""
    ctx.lock()
    _translate(ctx, posts, to, engine, cluster, refresh)
    ctx.save_state()
    sys.exit(EXIT_PROBLEMS if ctx.reported else 0)


PREVIEW_DIR = "_preview"  # under site_dir: pseudo previews, never mixed into the site


def _output(config: Config, out: Path | None, pseudo: bool) -> Config:
    """The config with the folder this build writes: --out, else the preview or the site."""
    from dataclasses import replace

    if out is None and pseudo:
        out = Path(config.site_dir) / PREVIEW_DIR
    return config if out is None else replace(config, site_dir=str(out))


def _build(
    ctx: Context,
    chosen: Sequence[Post],
    to: tuple[str, ...],
    pseudo: bool,
    out: Path | None,
    everything: bool = True,
    table: bool = True,
    said: frozenset[str] = frozenset(),
    fmt: str | None = None,
) -> tuple[int, list[str]]:
    from dataclasses import replace

    from pipeline import building, gate

    config = _output(ctx.config, out, pseudo)
    if fmt is not None:
        config = replace(config, site=replace(config.site, format=fmt))
    result = building.build(
        config,
        chosen,
        only=_locales(to),
        pseudo=pseudo,
        prune=everything and not to,
        state=ctx.state,
    )
    ctx.save_state()
    if table:
        for line in gate.table(result.decisions):
            click.echo(line)
    for warning in result.warnings:
        if warning not in said:
            click.echo(f"warning: {warning}", err=True)
    for stale in result.removed:
        click.echo(f"removed {ctx.shown(stale)} (no longer published)")
    if config.site.format == "html":
        index = ctx.shown(config.site_path / "index.html")
        what = "pseudo-localized previews" if pseudo else "pages"
        click.echo(f"built {result.pages} {what} ({len(result.written)} files changed): {index}")
    else:
        where = ctx.shown(config.site_path)
        changed = len(result.written)
        click.echo(f"wrote {config.site.format} Markdown ({changed} files changed): {where}")
    if pseudo:
        click.echo(
            f"{ctx.shown(config.site_path)}/ shows pseudo-localized text, not translations; "
            "for real ones install Argos models (postlingo models install SRC TGT) and run again"
        )
    else:
        preview = ctx.config.site_path / PREVIEW_DIR / "index.html"
        if result.held_back and out is None and preview.is_file():
            click.echo(f"pseudo previews of every locale stay in {ctx.shown(preview)}")
    skipped = _report_skipped(ctx, result.skipped, ctx.reported)
    code = EXIT_PROBLEMS if (result.held_back and not pseudo) or skipped else 0
    return code, result.warnings


@cli.command(epilog=_examples("build", "build --to ko,ja --strict", "build --pseudo"))
@to_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: site_dir; with --pseudo, site_dir/_preview).",
)
@click.option(
    "--pseudo",
    is_flag=True,
    help="Pseudo-localized previews of every locale, into site/_preview/ (not the site).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(SITE_FORMATS),
    default=None,
    help="html pages, or translated Markdown for hugo, jekyll or plain markdown "
    "(default: [site] format, else html).",
)
@click.option(
    "--strict", is_flag=True, help="Run the checks first; exit 1 if an error-level check fails."
)
@posts_argument
@pass_ctx
def build(
    ctx: Context,
    to: tuple[str, ...],
    out: Path | None,
    pseudo: bool,
    fmt: str | None,
    strict: bool,
    posts: tuple[str, ...],
) -> None:
    """Render the localized site: every post and each translation its locale's policy allows.

    HTML pages, or with --format translated Markdown for a static-site generator.
    """

    ctx.lock(_output(ctx.config, out, pseudo).site_path)
    chosen = _posts(ctx, posts)
    if strict:
        sys.exit(_strict_build(ctx, chosen, to, pseudo, out, everything=not posts, fmt=fmt))
    sys.exit(_build(ctx, chosen, to, pseudo, out, everything=not posts, fmt=fmt)[0])


def _strict_build(
    ctx: Context,
    chosen: Sequence[Post],
    to: tuple[str, ...],
    pseudo: bool,
    out: Path | None,
    everything: bool,
    fmt: str | None = None,
) -> int:
    """The CI gate: checks, then the site of what is ready; 1 if any check said error."""
    from pipeline import gate, posts

    posts.parse(ctx.config, chosen)  # the checks read every post
    docs = [post.document for post in chosen]
    found = gate.inspect(ctx.config, docs, _locales(to), everything)
    for finding in found.errors:
        click.echo(f"error: {finding}", err=True)
    click.echo(gate.summary(found))
    _build(ctx, chosen, to, pseudo, out, everything, fmt=fmt)  # held back is no failure here
    return EXIT_PROBLEMS if found.errors or ctx.reported else 0


@cli.command(epilog=_examples("run", "run --to ko --engine pseudo"))
@to_option
@engine_option
@cluster_option
@pass_ctx
def run(ctx: Context, to: tuple[str, ...], engine: str | None, cluster: str | None) -> None:
    """Extract, translate and build: the main job.

    Without a model, the site gets the source posts and what reviewers published, and
    site/_preview/ gets pseudo-localized previews of every locale.
    """
    from pipeline import parsed

    ctx.lock()
    chosen, result = _translate(ctx, (), to, engine, cluster)
    code, warned = _build(ctx, chosen, to, False, None, table=not result.used_pseudo)
    if result.used_pseudo:
        _build(ctx, chosen, to, True, None, said=frozenset(warned))
        # the previews are what this run could make: nothing to fix yet, unless a
        # catalog had to be skipped
        code = EXIT_PROBLEMS if ctx.reported else 0
    ctx.save_state(whole=not to)
    parsed.prune(ctx.root, {post.where for post in chosen})  # every post: run takes all
    sys.exit(code)


SERVE_DIR = ".postlingo/serve"  # what serve shows: never the site, never deployed


@cli.command(epilog=_examples("serve", "serve --port 8080"))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free one).",
)
@pass_ctx
def serve(ctx: Context, port: int) -> None:
    """Build and serve the site on 127.0.0.1; rebuild on every save; the page reloads itself.

    Watches the posts, the catalogs, the templates and the config. With no translation
    model installed, every locale is a pseudo-localized preview, made in memory
    (locales/ is not written). Ctrl+C stops.
    """
    import threading

    from pipeline import serve as server

    version = server.Version()
    shown: set[str] = set()

    def rebuild(changed: list[Path]) -> None:
        try:
            written, missing, warnings = _serve_build(ctx)
        except PostlingoError as exc:
            if not changed:
                raise
            if exc.path is not None:
                exc.path = ctx.shown(Path(exc.path))
            click.echo(f"postlingo: error: {exc} (still showing the last good build)", err=True)
            return
        for warning in warnings:
            if warning not in shown:
                click.echo(f"warning: {warning}", err=True)
        shown.update(warnings)
        if not changed:
            if missing:
                pairs = ", ".join(f"{s}→{t}" for s, t in missing)
                click.echo(
                    f"no translation model for {pairs}: showing pseudo-localized previews "
                    "(⟦…⟧, not translations); install models with postlingo models install "
                    "SRC TGT"
                )
            else:
                click.echo("showing what postlingo build publishes")
            return
        saved = [p for p in changed if p.exists()] or changed  # not editors' vanished temps
        names = ", ".join(ctx.shown(p) for p in saved[:3]) + (" …" if len(saved) > 3 else "")
        click.echo(f"rebuilt after changes to {names}: {written} files changed")
        if written:
            version.bump()

    rebuild([])
    config = ctx.config
    watched = [config.source_path, config.locales_path, config.resolve(config.templates_dir)]
    if config.path is not None:
        watched.append(config.path)
    with server.serving(ctx.root / SERVE_DIR, port, version) as url:
        listed = ", ".join(ctx.shown(p) for p in watched if p.exists())

        def ready() -> None:
            click.echo(f"serving {url} (127.0.0.1 only); watching {listed}; Ctrl+C stops")

        with contextlib.suppress(KeyboardInterrupt):
            server.watch(watched, rebuild, ready, threading.Event())
    click.echo("stopped")


def _serve_build(ctx: Context) -> tuple[int, list[tuple[str, str]], list[str]]:
    """One build into SERVE_DIR from the config and files as they are now."""
    from dataclasses import replace

    from pipeline import building, project
    from pipeline import config as configuration
    from pipeline.lock import project_lock

    config = configuration.load(ctx.root, ctx.config_file)
    with project_lock(ctx.root, functools.partial(click.echo, err=True)):
        docs = _documents(config)
        missing = project.missing_models(config, docs)
        served = replace(config, site_dir=SERVE_DIR, site=replace(config.site, format="html"))
        result = building.build(served, docs, preview=bool(missing))
    return len(result.written) + len(result.removed), missing, result.warnings


@cli.command(epilog=_examples("status", "status --to ko --json"))
@to_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@posts_argument
@pass_ctx
def status(ctx: Context, to: tuple[str, ...], as_json: bool, posts: tuple[str, ...]) -> None:
    """Per post and locale: entries, reviewed, machine (fuzzy), untranslated."""
    from pipeline import project

    config = ctx.config
    rows = project.status(config, _posts(ctx, posts), _locales(to))
    unreadable = [r.unreadable for r in rows if r.unreadable is not None]
    if as_json:
        data = [
            {
                "post": r.post,
                "locale": r.locale,
                "min_translated": r.min_translated,
                **(
                    {**asdict(r.stats), "percent_reviewed": r.stats.percent_reviewed}
                    if r.stats
                    else {"unreadable": str(r.unreadable)}
                    if r.unreadable
                    else {"missing": True}
                ),
            }
            for r in rows
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        sys.exit(_report_skipped(ctx, unreadable, ctx.reported))
    click.echo(
        f"{'post':<32} {'locale':<8} {'entries':>7} {'reviewed':>8} {'machine':>7} "
        f"{'empty':>5} {'words':>6} {'reviewed%':>9}"
    )
    for r in rows:
        if r.stats is None:
            why = "does not parse (see below)" if r.unreadable else "no catalog yet"
            click.echo(f"{r.post:<32} {r.locale:<8} {why:>7}")
            continue
        s = r.stats
        click.echo(
            f"{r.post:<32} {r.locale:<8} {s.entries:>7} {s.reviewed:>8} {s.machine:>7} "
            f"{s.untranslated:>5} {s.words:>6} {s.percent_reviewed:>8.1f}%"
        )
    sys.exit(_report_skipped(ctx, unreadable, ctx.reported))


@cli.command(epilog=_examples("check", "check --to ko --format json"))
@to_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: file:line: [check] message; json: a list of findings.",
)
@posts_argument
@pass_ctx
def check(ctx: Context, to: tuple[str, ...], fmt: str, posts: tuple[str, ...]) -> None:
    """Check every catalog against its source; exit 1 on any error-level finding."""
    from pipeline import checks

    config = ctx.config
    docs = _documents(config, posts)
    findings = checks.run(config, docs, _locales(to), everything=not posts)
    if fmt == "json":
        click.echo(checks.format_json(findings), nl=False)
    else:
        click.echo(checks.format_text(findings), nl=False)
    errors = sum(1 for f in findings if f.severity == checks.ERROR)
    click.echo(f"{errors} errors, {len(findings) - errors} warnings", err=True)
    skipped = _report_skipped(ctx, checks.unreadable(findings), ctx.reported)
    sys.exit(EXIT_PROBLEMS if checks.has_errors(findings) or skipped else 0)


@cli.command(epilog=_examples("review", "review --to ja"))
@to_option
@click.option("--serve", is_flag=True, help="Edit in the browser: a local editor on 127.0.0.1.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="The editor's port (default 8765; 0: any free port).",
)
@posts_argument
@pass_ctx
def review(
    ctx: Context, to: tuple[str, ...], serve: bool, port: int | None, posts: tuple[str, ...]
) -> None:
    """Write site/_review/<locale>.html, or with --serve edit the catalogs in a browser."""
    from pipeline import checks, project, review
    from pipeline.files import write_atomic

    if serve:
        from pipeline import review_server

        # No lock held while serving: each save takes it, so `translate` can run meanwhile.
        chosen = review_server.DEFAULT_PORT if port is None else port
        review_server.serve(ctx.config, chosen, _say, _locales(to), posts)
        return
    if port is not None:
        raise click.UsageError("--port goes with --serve")
    config = ctx.lock()
    docs = _documents(config, posts)
    only = _locales(to)
    findings = checks.run(config, docs, only, everything=False)
    for path, html in review.pages(config, docs, findings, only).items():
        write_atomic(path, html)
        click.echo(f"{project.relative(config, path)}")
    sys.exit(_report_skipped(ctx, checks.unreadable(findings), ctx.reported))


cli.add_command(models)


@cli.group(epilog=_examples("tm export --to ko reviewed-ko.tmx", "tm import agency-ko.tmx"))
def tm() -> None:
    """Exchange reviewed translations with agencies and CAT tools as TMX 1.4b."""


tmx_file = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))


@tm.command("export", epilog=_examples("tm export reviewed.tmx", "tm export --to ja ja.tmx"))
@to_option
@tmx_file
@pass_ctx
def tm_export(ctx: Context, to: tuple[str, ...], file: Path) -> None:
    """Write every reviewed entry (not fuzzy) of the catalogs to FILE."""
    from pipeline import tm as memory

    config = ctx.config
    target = file if file.is_absolute() else ctx.root / file
    count = memory.export(config, _documents(config), _locales(to), target)
    click.echo(f"wrote {count} reviewed entries to {ctx.shown(target)}")


@tm.command("import", epilog=_examples("tm import agency-ko.tmx", "tm import --to ko a.tmx"))
@to_option
@tmx_file
@pass_ctx
def tm_import(ctx: Context, to: tuple[str, ...], file: Path) -> None:
    """Fill empty and machine-only entries from FILE, as fuzzy; reviewed ones stay."""
    from pipeline import tm as memory

    config = ctx.lock()
    source = file if file.is_absolute() else ctx.root / file
    result = memory.import_memory(config, _documents(config), _locales(to), source)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path in result.written:
        click.echo(f"filled {ctx.shown(path)}")
    click.echo(f"{result.filled} entries filled from {ctx.shown(source)}, marked fuzzy for review")


def main() -> None:
    """Every outcome is one line and an exit code; a traceback only under --debug."""
    state = Context()
    try:
        cli.main(standalone_mode=False, obj=state)
    except PostlingoError as exc:
        if exc.path is not None:
            exc.path = state.shown(Path(exc.path))
        click.echo(f"postlingo: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except Exception as exc:
        if state.debug:
            traceback.print_exc()
        hint = "" if state.debug else "; run again with --debug for the details"
        detail = " ".join(str(exc).split())
        click.echo(
            f"postlingo: internal error: {type(exc).__name__}: {detail} "
            f"(a bug in postlingo, please report it{hint})",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
