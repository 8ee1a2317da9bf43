"""What each output was made from: .postlingo/state.json, so a re-run redoes only what changed.

A record per output (a template, a catalog, a page) holds the digest of its
inputs and the digest of the bytes written. A stage skips an output only when
both still match: its inputs are the same AND the file on disk is exactly what
was written, so a reviewer's save or a `git pull` is always processed. The
state is never trusted over the files: a missing, unreadable, corrupt or
foreign-version file is an empty state, which only costs time. It is written
atomically, under the project lock, at the end of a command.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from pipeline import files

STATE_FILE = Path(".postlingo") / "state.json"
FORMAT = 1
Record = dict[str, Any]


def digest(*parts: bytes | str | None) -> str:
    """One digest of several parts; each is length-prefixed, so ("ab", "c") ≠ ("a", "bc")."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        if part is None:
            h.update(b"-")
            continue
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def content_digest(data: str | bytes) -> str:
    """The digest of what a file holds (or is about to)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


# A file's digest is known again from its stat, as git's index knows it: the same inode,
# size, modification and change times (ctime moves on every write and every utime, and no
# user can set it). Racily clean files, changed less than RACY_NS before they were
# hashed, are not remembered: an edit in the same clock tick would keep their times.
RACY_NS = 2_000_000_000
Stat = tuple[int, int, int, int]
_known: dict[str, tuple[Stat, str]] = {}  # absolute path: (stat, digest)
_looked_at: set[str] = set()


def file_digest(path: Path) -> str | None:
    """The digest of a file's bytes, None when there is no (readable) file."""
    name = os.fspath(path)
    name = name if os.path.isabs(name) else os.path.abspath(name)
    try:
        st = os.stat(name)
    except OSError:
        return None
    stat = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    _looked_at.add(name)
    known = _known.get(name)
    if known is not None and known[0] == stat:
        return known[1]
    try:
        with open(name, "rb") as handle:
            found = content_digest(handle.read())
    except OSError:
        return None
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
        _known[name] = (stat, found)
    else:
        _known.pop(name, None)
    return found


def _remembered(entries: object) -> None:
    """Digests a state file recorded; anything malformed is left out (it costs a read)."""
    if not isinstance(entries, dict):
        return
    for name, entry in entries.items():
        if (
            isinstance(entry, list) and len(entry) == 5
            and all(isinstance(n, int) for n in entry[:4]) and isinstance(entry[4], str)
        ):  # fmt: skip
            _known.setdefault(name, ((entry[0], entry[1], entry[2], entry[3]), entry[4]))


def _recorded(root: Path, kept: dict[str, Any], prune: bool) -> dict[str, list[int | str]]:
    """The digests of the project's files to keep: those this run looked at, and unless
    `prune` (a whole run) those the state file `kept`."""
    names = _looked_at if prune else _looked_at.union(kept)
    inside = os.path.join(os.path.abspath(root), "")
    return {
        name: [*_known[name][0], _known[name][1]] for name in sorted(names)
        if name in _known and name.startswith(inside)
    }  # fmt: skip


def tree_digest(folders: Iterable[Path]) -> str:
    """Every file under the folders, by relative name and bytes (templates, static files)."""
    parts: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            parts.append(f"{folder}: none")
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            parts.append(f"{path.relative_to(folder).as_posix()} {file_digest(path)}")
    return digest(*parts)


@cache
def code_identity() -> str:
    """postlingo's version and its code: outputs made by other code are made again.

    The code is identified by each module's size and modification time, so an
    edited checkout (no new version number) never reuses what the old code made.
    """
    from pipeline import __version__

    package = Path(__file__).parent
    stamps = []
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html", ".xml", ".css") and path.is_file():
            st = path.stat()
            stamps.append(f"{path.relative_to(package).as_posix()} {st.st_size} {st.st_mtime_ns}")
    return digest(__version__, *stamps)


class State:
    """The records of the last runs; `put` what this run made, `save` once at the end."""

    def __init__(self, path: Path, records: dict[str, Record] | None = None) -> None:
        self.path = path
        self.records: dict[str, Record] = records or {}
        self._changed = False
        self._files: dict[str, list[int | str]] = {}  # the file digests the state file holds
        self._used: set[str] = set()  # keys this run asked for or made

    @classmethod
    def load(cls, root: Path) -> State:
        """The project's state; anything unexpected is an empty state, never an error."""
        path = root / STATE_FILE
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return cls(path)
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or data.get("code") != code_identity()
            or not isinstance(data.get("records"), dict)
        ):
            return cls(path)
        state = cls(path, {k: v for k, v in data["records"].items() if isinstance(v, dict)})
        _remembered(data.get("files"))
        state._files = data["files"] if isinstance(data.get("files"), dict) else {}
        return state

    def get(self, key: str) -> Record | None:
        self._used.add(key)
        return self.records.get(key)

    def put(self, key: str, record: Record) -> None:
        self._used.add(key)
        if self.records.get(key) != record:
            self.records[key] = record
            self._changed = True

    def drop(self, key: str) -> None:
        if self.records.pop(key, None) is not None:
            self._changed = True

    def fresh(self, key: str, inputs: str, output: str | None) -> Record | None:
        """The record, if it was made from `inputs` and the file still holds what was written."""
        record = self.get(key)
        if record is None or output is None:
            return None
        if record.get("inputs") != inputs or record.get("output") != output:
            return None
        return record

    def save(self, prune: bool = False) -> None:
        """Write the records; with `prune` (a whole run), only those this run used."""
        if prune and not self._used.issuperset(self.records):
            self.records = {k: v for k, v in self.records.items() if k in self._used}
            self._changed = True
        known = _recorded(self.path.parent.parent, self._files, prune)
        if not self._changed and known == self._files:
            return
        payload = {
            "format": FORMAT, "code": code_identity(), "records": self.records, "files": known
        }  # fmt: skip
        files.write_atomic(self.path, json.dumps(payload, sort_keys=True, ensure_ascii=False))
        self._changed, self._files = False, known
