"""The one error type users see: a message tied to a file and, where known, a line."""

from __future__ import annotations

from pathlib import Path

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70  # sysexits.h EX_SOFTWARE: a bug in postlingo, not in the input


class PostlingoError(Exception):
    """Bad input or configuration; the CLI prints `path:line: message` and exits."""

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        exit_code: int = EXIT_USAGE,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.exit_code = exit_code

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"
