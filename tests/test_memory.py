from __future__ import annotations

import threading
from pathlib import Path

import pytest

from pipeline.errors import PostlingoError
from pipeline.memory import ModelKey, MTCache

KEY = ModelKey("translate-en_ko", "1.0", 4)


def test_round_trip_keyed_by_package_version_and_beam(tmp_path: Path):
    cache = MTCache(tmp_path / "cache" / "mt.sqlite")
    cache.put_many(KEY, {"Hello": "안녕", "Bye": "잘 가"})
    assert cache.get_many(KEY, ["Hello", "Bye", "Other"]) == {"Hello": "안녕", "Bye": "잘 가"}
    assert cache.get_many(ModelKey("translate-en_ko", "1.1", 4), ["Hello"]) == {}
    assert cache.get_many(ModelKey("translate-en_ko", "1.0", 1), ["Hello"]) == {}
    assert MTCache(tmp_path / "cache" / "mt.sqlite").get_many(KEY, ["Hello"]) == {"Hello": "안녕"}


def test_no_file_until_used(tmp_path: Path):
    MTCache(tmp_path / "mt.sqlite")
    assert not (tmp_path / "mt.sqlite").exists()


def test_many_texts_are_chunked(tmp_path: Path):
    cache = MTCache(tmp_path / "mt.sqlite")
    texts = {f"sentence {i}": f"문장 {i}" for i in range(2000)}
    cache.put_many(KEY, texts)
    assert cache.get_many(KEY, list(texts)) == texts


def test_concurrent_writers(tmp_path: Path):
    path = tmp_path / "mt.sqlite"

    def write(n: int) -> None:
        cache = MTCache(path)
        for i in range(30):
            cache.put_many(KEY, {f"{n}-{i}": "x"})
        cache.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert MTCache(path).count() == 120


def test_corrupt_file_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "mt.sqlite"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(PostlingoError) as info:
        MTCache(path).get_many(KEY, ["x"])
    assert info.value.path == str(path)
