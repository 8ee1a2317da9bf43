"""Every command says how it is used: help on each option, an example on each command."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import click

from pipeline.cli import cli


def commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        yield " ".join((*path, name)), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def test_every_option_has_help_and_every_command_an_example():
    missing = []
    for name, command in [("", cli), *commands(cli)]:
        for param in command.params:
            if isinstance(param, click.Option) and not param.help and param.name != "help":
                missing.append(f"postlingo {name} {param.opts[0]}: no help")
        if command is not cli and "postlingo " + name not in (command.epilog or ""):
            missing.append(f"postlingo {name}: no example")
        if command is not cli and not command.help:
            missing.append(f"postlingo {name}: no description")
    assert missing == []


def test_the_language_pair_is_named_the_same_in_install_and_remove():
    def usage(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "pipeline", *args, "--help"], capture_output=True, text=True
        ).stdout.splitlines()[0]

    assert usage("models", "install").endswith("PATH.argosmodel | SRC TGT")
    assert usage("models", "remove").endswith("SRC TGT")


def test_help_shows_the_examples():
    out = subprocess.run(
        [sys.executable, "-m", "pipeline", "serve", "--help"], capture_output=True, text=True
    ).stdout
    assert "Examples:\n    postlingo serve\n    postlingo serve --port 8080" in out
    assert "--port INTEGER RANGE  Port on 127.0.0.1" in out
