"""Posts' trees kept between runs (.postlingo/parsed/), so translate and build do not
parse again a post that extract just read.

One file per post holds its tree and the digest of the bytes and settings it was
read from (posts.py's source digest, which includes postlingo's own code). Trees
are pickled, and loading a pickle can run code, while a project may come from
anyone: so every file is signed (HMAC-SHA256) with a key that lives in this
user's cache folder, never in the project. A file the key did not sign, or
anything unexpected, is a miss: the post is parsed again, never trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import zlib
from functools import cache
from pathlib import Path
from urllib.parse import quote

from pipeline import files
from pipeline.document import Document

FOLDER = Path(".postlingo") / "parsed"
_MAC = 32  # bytes of an HMAC-SHA256


@cache
def _key() -> bytes | None:
    """This user's signing key, made on first use; None where none can be kept."""
    path = files.user_cache() / "parsed.key"
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        return _read_key(path)
    except OSError:  # another process made it first, or nowhere to keep one
        try:
            return _read_key(path)
        except OSError:
            return None


def _read_key(path: Path) -> bytes | None:
    key = path.read_bytes()
    return key if len(key) == 32 else None


def _path(root: Path, where: str) -> Path:
    return root / FOLDER / f"{quote(where, safe='')}.pickle"


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()


def load(root: Path, where: str, source: str) -> Document | None:
    """The post's tree if a file signed by this user's key holds it for exactly `source`."""
    key = _key()
    if key is None:
        return None
    try:
        blob = _path(root, where).read_bytes()
    except OSError:
        return None
    mac, body = blob[:_MAC], blob[_MAC:]
    if not hmac.compare_digest(mac, _mac(key, body)):
        return None
    try:
        kept_source, doc = pickle.loads(zlib.decompress(body))
    except Exception:  # signed by us, so only a damaged file or another code version
        return None
    if kept_source != source or not isinstance(doc, Document):
        return None
    return doc


_pending: dict[Path, bytes] = {}  # what this run parsed, written by `flush`


def store(root: Path, where: str, source: str, doc: Document) -> None:
    """Keep the post's tree for the next run, once this one succeeds (`flush`)."""
    key = _key()
    if key is None:
        return
    body = zlib.compress(pickle.dumps((source, doc), protocol=pickle.HIGHEST_PROTOCOL), 1)
    _pending[_path(root, where)] = _mac(key, body) + body


def start() -> None:
    """A command begins with nothing to keep (in-process callers run several)."""
    _pending.clear()


def flush() -> None:
    """Write the trees kept by `store`: at the end of a command that succeeded, as the
    state is, so a failed run leaves .postlingo/ as it was."""
    for path, blob in sorted(_pending.items()):
        try:
            files.ensure_folders([path.parent])
            files.write_atomic(path, blob)
        except OSError:
            break  # a cache: not keeping it only costs time
    _pending.clear()


def prune(root: Path, kept: set[str]) -> None:
    """Forget the trees of posts that no longer exist (a whole run knows every post)."""
    folder = root / FOLDER
    names = {_path(root, where).name for where in kept}
    try:
        stale = [p for p in folder.iterdir() if p.name not in names and p.suffix == ".pickle"]
    except OSError:
        return
    for path in stale:
        files.remove(path)
