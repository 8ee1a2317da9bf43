"""langdetect's language profiles, read in milliseconds instead of a third of a second.

At every start langdetect parses 55 JSON profiles into one table of ~88,000
n-grams by 55 languages, which costs each process (and each pool worker) about
0.3 s before it can judge a single post. That table, as langdetect itself built
it, is kept in the user's cache folder: the n-grams and languages as JSON, the
probabilities as raw doubles, mapped so only the rows a post's n-grams need are
read (no pickle: nothing in either can run). Detection gives the same floats.
A missing, damaged or stale copy is made again; where none can be kept,
langdetect loads its profiles as it always did.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import sys
from array import array
from functools import cache
from pathlib import Path
from typing import Any

from pipeline import files
from pipeline.errors import PostlingoError

FORMAT = 2


class _Rows(dict[str, int]):
    """n-gram → its row; looked up as langdetect's dict of n-gram → probabilities."""

    def __init__(self, words: list[str], table: memoryview[float], width: int) -> None:
        super().__init__(zip(words, range(len(words)), strict=True))
        self.table, self.width = table, width

    def __getitem__(self, word: str) -> list[float]:  # type: ignore[override]
        row = dict.__getitem__(self, word) * self.width
        return self.table[row : row + self.width].tolist()  # type: ignore[return-value]


def _profiles_stamp(folder: str) -> str:
    """langdetect's profiles and code, so an upgrade is never read stale."""
    from langdetect import detector_factory

    h = hashlib.blake2b(f"{FORMAT} {sys.byteorder}".encode(), digest_size=8)
    for path in [detector_factory.__file__, *sorted(os.listdir(folder))]:
        st = os.stat(os.path.join(folder, path))
        h.update(f"{path} {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _kept(where: Path) -> tuple[list[str], _Rows] | None:
    """The copy in the cache folder, or None when it is missing or not one."""
    try:
        meta = json.loads((where / "profiles.json").read_bytes())
        with open(where / "profiles.bin", "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # an empty file cannot be mapped either
        return None
    langs, words = (meta.get("langs"), meta.get("words")) if isinstance(meta, dict) else (0, 0)
    if not (isinstance(langs, list) and isinstance(words, list)):
        return None
    if len(mapped) != len(words) * len(langs) * 8:
        return None
    return [str(lang) for lang in langs], _Rows(words, memoryview(mapped).cast("d"), len(langs))


def _keep(where: Path, langs: list[str], table: dict[str, list[float]]) -> None:
    """Write the copy, each file whole or not at all; not keeping it only costs time."""
    words = list(table)
    doubles = array("d")
    for word in words:
        doubles.extend(table[word])
    try:
        where.mkdir(parents=True, exist_ok=True)
        files.write_atomic(where / "profiles.bin", doubles.tobytes())
        files.write_atomic(where / "profiles.json", json.dumps({"langs": langs, "words": words}))
    except (OSError, PostlingoError):  # a cache that cannot be written is no error
        return


@cache
def factory() -> Any:
    """A langdetect DetectorFactory with every profile, seeded: the same post, the same answer."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    made = DetectorFactory()
    made.seed = 0
    where = files.user_cache() / f"langdetect-{_profiles_stamp(PROFILES_DIRECTORY)}"
    kept = _kept(where)
    if kept is not None:
        made.langlist, made.word_lang_prob_map = kept
        return made
    made.load_profile(PROFILES_DIRECTORY)
    _keep(where, made.langlist, made.word_lang_prob_map)
    return made
