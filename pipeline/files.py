"""The disk edge: atomic writes, compare-and-swap, temporary files and path errors.

Every write goes to a temporary file beside its target and is renamed over it,
so no reader sees half a file. Temporary files all end in TEMP_SUFFIX, so what
a killed run leaves behind is found and removed by the next one (under the
project lock, so never a file another run is still writing). Editors and git
take no lock of ours: a catalog is written by compare-and-swap, which re-reads
the file just before the rename and lets the caller merge again if it changed.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.errors import PostlingoError

TEMP_SUFFIX = ".postlingo-tmp"
# What versions before the suffix left behind: tempfile.mkstemp's `.<name>.<8 chars>.tmp`.
_OLD_TEMP = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
# A text editor saves by truncating, then writing: an empty file is most likely
# one caught in between, so it is read again for up to this long.
_SETTLE_SECONDS = 1.0
_SETTLE_STEP = 0.02
_SWAP_ATTEMPTS = 20  # merges in a row, each overtaken by another save, before giving up


CACHE_ENV = "POSTLINGO_CACHE_HOME"  # the user's cache folder (default ~/.cache/postlingo)


def user_cache() -> Path:
    """This user's folder for what postlingo keeps between projects (never in a project)."""
    home = os.environ.get(CACHE_ENV)
    return Path(home) if home else Path.home() / ".cache" / "postlingo"


def is_temp(name: str) -> bool:
    return name.endswith(TEMP_SUFFIX) or bool(_OLD_TEMP.fullmatch(name))


def sweep_temp(folder: Path) -> list[Path]:
    """Remove the temporary files a killed run left under `folder`; call it under the lock."""
    removed = []
    for top, _, names in os.walk(folder):  # a missing folder yields nothing
        for name in sorted(filter(is_temp, names)):
            path = Path(top) / name
            if path.is_file() and not path.is_symlink():
                remove(path)
                removed.append(path)
    return removed


def remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise PostlingoError(f"cannot remove: {_why(exc)}", path) from exc


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _blocking_ancestor(folder: Path) -> Path | None:
    """The nearest existing path on the way to `folder`, if it is not a folder."""
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            return None
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return None


def _not_a_folder(blocker: Path) -> PostlingoError:
    what = "a file" if blocker.is_file() else "something else"
    return PostlingoError(f"is {what}, not a folder", blocker)


def _cannot_read(exc: OSError, path: Path) -> PostlingoError:
    blocker = _blocking_ancestor(path.parent) if isinstance(exc, NotADirectoryError) else None
    if blocker is not None:
        return _not_a_folder(blocker)
    return PostlingoError(f"cannot read: {_why(exc)}", path)


def ensure_folders(folders: Iterable[Path]) -> None:
    """Create the folders a set of writes needs, failing before any file is written.

    A file where a folder should be is reported for all folders first, so a bad
    layout leaves everything as it was, not half a run's output.
    """
    wanted = sorted(set(folders))
    for folder in wanted:
        blocker = _blocking_ancestor(folder)
        if blocker is not None:
            raise _not_a_folder(blocker)
    for folder in wanted:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PostlingoError(f"cannot create the folder: {_why(exc)}", folder) from exc


def _write_temp(path: Path, payload: bytes) -> Path:
    """A fully written, synced temporary file beside `path`, with `path`'s permissions."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PostlingoError(f"cannot write: {_why(exc)}", path) from exc
    return tmp


def _rename(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PostlingoError(f"cannot write: {_why(exc)}", path) from exc


def write_atomic(path: Path, data: str | bytes) -> bool:
    """Write via a temporary file and rename, so no reader sees half a file.

    Returns False, touching nothing, when the file already holds exactly this
    content: unchanged input must leave every byte and mtime alone.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.is_file() and path.read_bytes() == payload:
            return False
    except OSError:
        pass
    ensure_folders([path.parent])
    _rename(_write_temp(path, payload), path)
    return True


def read_settled(path: Path) -> bytes | None:
    """The file's bytes as one save left them (None: there is no file).

    Read again while the file changes under the read, or while it is empty as
    a truncate-then-write save leaves it for a moment.
    """
    deadline = time.monotonic() + _SETTLE_SECONDS
    while True:
        try:
            with path.open("rb") as handle:
                before = os.fstat(handle.fileno())
                data = handle.read()
                after = os.fstat(handle.fileno())
            now = os.stat(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _cannot_read(exc, path) from exc
        steady = (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)
        steady = steady and now.st_ino == after.st_ino and len(data) == after.st_size
        if (steady and data) or time.monotonic() > deadline:
            return data
        time.sleep(_SETTLE_STEP)


def compare_and_swap(
    path: Path, seen: bytes | None, render: Callable[[bytes | None], bytes]
) -> bool:
    """Replace the file with `render(current)`, where current is what it holds at the rename.

    `seen` is what the caller read and worked from, and `render(seen)` should
    be its finished result. If someone saved the file since, `render` gets their
    version to merge from instead, and the check repeats. Returns whether the
    file changed. (What stays open is the instant between the last read and the
    rename; closing it would need the editor to take our lock.)
    """
    current = seen
    for _ in range(_SWAP_ATTEMPTS):
        payload = render(current)
        if payload == current:
            now = read_settled(path)
            if now == current:
                return False
            current = now
            continue
        ensure_folders([path.parent])
        tmp = _write_temp(path, payload)
        now = read_settled(path)
        if now != current:
            tmp.unlink(missing_ok=True)
            current = now
            continue
        _rename(tmp, path)
        return True
    raise PostlingoError("keeps changing while postlingo writes it; run again", path)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _cannot_read(exc, path) from exc


def read_text(path: Path) -> str:
    """Read a UTF-8 file; anything else is the user's error, named by file and line."""
    return decode(read_bytes(path), path)


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 (a BOM is dropped) with "\\n" line ends; a bad byte is named by its line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise PostlingoError("not UTF-8 text", path, line) from exc
    return text.replace("\r\n", "\n")
