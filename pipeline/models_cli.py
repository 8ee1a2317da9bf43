"""`postlingo models`: list, install and remove Argos Translate packages.

Registered by the main CLI; the Config arrives as ctx.obj.config_or_defaults().
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pipeline.errors import PostlingoError

INDEX_TIMEOUT = 10.0  # seconds: offline must fail fast, not hang


def _directory(ctx: click.Context) -> Path:
    """The packages folder; the config comes from the main CLI, defaults outside a project."""
    from pipeline import models

    obj: Any = ctx.obj
    if obj is not None and hasattr(obj, "config_or_defaults"):
        config = obj.config_or_defaults()
    else:  # run on its own, e.g. in tests
        from pipeline.config import load

        config = load(Path("."))
    return models.packages_dir(config)


@click.group(epilog="\b\nExamples:\n  postlingo models list\n  postlingo models install en ko")
def models() -> None:
    """Argos Translate packages (offline machine-translation models)."""


@models.command("list", epilog="\b\nExample:\n  postlingo models list")
@click.pass_context
def list_packages(ctx: click.Context) -> None:
    """Installed pairs, their versions and folders."""
    from pipeline import models as m

    directory = _directory(ctx)
    packages, skipped = m.installed(directory)
    if not packages:
        click.echo(f"no Argos packages in {directory}")
    for p in packages:
        click.echo(f"{p.source}→{p.target}  {p.name}  {p.version}  {p.path}")
    for problem in skipped:
        click.echo(f"warning: skipped {problem}", err=True)


@models.command(
    epilog="\b\nExamples:\n  postlingo models install translate-en_ko-1_1.argosmodel\n"
    "  postlingo models install en ko"
)
@click.argument("what", nargs=-1, required=True, metavar="PATH.argosmodel | SRC TGT")
@click.option(
    "--index", "index", metavar="URL", help="Package index (default: ARGOS_PACKAGE_INDEX)."
)
@click.option(
    "--timeout",
    type=float,
    default=INDEX_TIMEOUT,
    show_default=True,
    help="Seconds to wait for the package index.",
)
@click.pass_context
def install(ctx: click.Context, what: tuple[str, ...], index: str | None, timeout: float) -> None:
    """Install a package from a file, or download one for a language pair."""
    from pipeline import models as m

    directory = _directory(ctx)
    if len(what) == 1:
        package = m.install_archive(Path(what[0]), directory)
    elif len(what) == 2:
        source, target = (m.argos_code(code) for code in what)
        for code in (source, target):
            if not m.known_language(code):
                raise PostlingoError(f"unknown language {code!r}")
        url = m.index_url(index)
        click.echo(f"downloading {source}→{target} from {url}", err=True)
        package = m.install_from_index(directory, source, target, url, timeout)
    else:
        raise PostlingoError("give a PATH.argosmodel, or a source and a target language")
    click.echo(f"installed {package.label} in {package.path}")


@models.command(epilog="\b\nExample:\n  postlingo models remove en ko")
@click.argument("source", metavar="SRC")
@click.argument("target", metavar="TGT")
@click.pass_context
def remove(ctx: click.Context, source: str, target: str) -> None:
    """Remove the package for a language pair."""
    from pipeline import models as m

    for package in m.remove(_directory(ctx), m.argos_code(source), m.argos_code(target)):
        click.echo(f"removed {package.label} from {package.path.parent}")
