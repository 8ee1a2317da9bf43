"""The disk edge: atomic writes and reads that report the file on failure."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pipeline.errors import PostlingoError


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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PostlingoError(f"cannot write: {exc.strerror or exc}", path) from exc
    return True


def read_text(path: Path) -> str:
    """Read a UTF-8 file; anything else is the user's error, named by file and line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PostlingoError(f"cannot read: {exc.strerror or exc}", path) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise PostlingoError("not UTF-8 text", path, line) from exc
    return text.replace("\r\n", "\n")
