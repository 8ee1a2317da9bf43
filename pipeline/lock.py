"""One writing postlingo run at a time per project: a lock file in .postlingo/.

Two runs that both read the catalogs, translate and write back would each undo
the other's merge; with the lock the second waits, then reads what the first
wrote. The kernel drops an flock when its process ends, however it ends, so a
killed run never leaves a stale lock. Editors and git take no lock: the
compare-and-swap writes in files.py are what protect their saves.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import PostlingoError
from pipeline.files import ensure_folders

LOCK_FILE = Path(".postlingo") / "lock"
_POLL_SECONDS = 0.05


def _holder(fd: int) -> str:
    """Who holds the lock, as its holder wrote it: the pid, when it got that far."""
    try:
        pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        pid = ""
    return f"pid {pid}" if pid.isdigit() else "pid unknown"


def _wait(fd: int, path: Path, timeout: float) -> None:
    """Take the lock within `timeout` seconds, or say who holds it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise PostlingoError(
                    f"another postlingo run ({_holder(fd)}) is writing the catalogs; "
                    "try again when it is done",
                    path,
                ) from None
            time.sleep(_POLL_SECONDS)


@contextmanager
def project_lock(
    root: Path, say: Callable[[str], None], timeout: float | None = None
) -> Iterator[None]:
    """Hold the project's lock for the block, saying so once if another run has it.

    With a `timeout`, give up after that many seconds instead of waiting on: the
    review editor answers a save rather than hang while a long `translate` runs.
    """
    path = root / LOCK_FILE
    ensure_folders([path.parent])
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PostlingoError(f"cannot create the lock file: {exc.strerror or exc}", path) from exc
    try:
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if timeout is not None:
                    _wait(fd, path, timeout)
                else:
                    say(f"waiting for another postlingo run ({_holder(fd)}) to finish")
                    fcntl.flock(fd, fcntl.LOCK_EX)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        except OSError as exc:
            raise PostlingoError(f"cannot lock the project: {exc.strerror or exc}", path) from exc
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # so a no-op run leaves every byte as it was
    finally:
        os.close(fd)  # releases the lock
