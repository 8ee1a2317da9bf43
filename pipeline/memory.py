"""The machine-translation cache: no sentence goes through a model twice.

Keyed by package, package version, beam size and the exact text the model saw
(after shielding), so a re-run, another post or another locale reached through
the same package reuses earlier output. SQLite in WAL mode with a busy timeout
lets two runs share the file; every write is one short transaction.
(Reuse of reviewed translations across posts, the translation memory proper,
works on catalogs and lives with the orchestration.)
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PostlingoError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mt (
    package TEXT NOT NULL,
    version TEXT NOT NULL,
    beam INTEGER NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (package, version, beam, source)
) WITHOUT ROWID
"""
_CHUNK = 400  # stays under SQLite's limit on bound variables
_TIMEOUT = 30.0  # seconds another run may hold the write lock


def _set_up(db: sqlite3.Connection) -> None:
    """WAL mode and the table, retried while another run is creating the same file.

    Switching a new file to WAL needs an exclusive lock, and SQLite reports
    "database is locked" at once there instead of waiting out the busy timeout.
    """
    deadline = time.monotonic() + _TIMEOUT
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@dataclass(frozen=True)
class ModelKey:
    """What makes a model's output for a text reproducible."""

    package: str  # e.g. translate-en_ko
    version: str
    beam: int


class MTCache:
    """Opened on first use: a run that needs no MT creates no file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            db: sqlite3.Connection | None = None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=_TIMEOUT, isolation_level=None)
                _set_up(db)
            except (sqlite3.Error, OSError) as exc:
                if db is not None:
                    db.close()
                raise PostlingoError(f"cannot open the MT cache: {exc}", self.path) from exc
            self._db = db
        return self._db

    def get_many(self, key: ModelKey, texts: Iterable[str]) -> dict[str, str]:
        """Cached outputs for those texts that have one."""
        wanted = list(dict.fromkeys(texts))
        found: dict[str, str] = {}
        try:
            db = self._connect()
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    "SELECT source, target FROM mt WHERE package=? AND version=? AND beam=? "
                    f"AND source IN ({marks})",
                    (key.package, key.version, key.beam, *chunk),
                )
                found.update(rows.fetchall())
        except sqlite3.Error as exc:
            raise PostlingoError(f"cannot read the MT cache: {exc}", self.path) from exc
        return found

    def put_many(self, key: ModelKey, outputs: Mapping[str, str]) -> None:
        """One transaction: a run killed halfway leaves the cache as it was or complete."""
        if not outputs:
            return
        rows = [(key.package, key.version, key.beam, s, t) for s, t in outputs.items()]
        try:
            db = self._connect()
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR REPLACE INTO mt VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            raise PostlingoError(f"cannot write the MT cache: {exc}", self.path) from exc

    def count(self) -> int:
        """How many outputs are cached, over every package and version."""
        try:
            return int(self._connect().execute("SELECT count(*) FROM mt").fetchone()[0])
        except sqlite3.Error as exc:
            raise PostlingoError(f"cannot read the MT cache: {exc}", self.path) from exc

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
