"""langdetect's profiles from the user's cache: the same answers as langdetect's own load."""

from __future__ import annotations

from pathlib import Path

import pytest
from langdetect import DetectorFactory, detect_langs

from pipeline import files
from pipeline.sources import profiles
from pipeline.sources.language import detect

TEXTS = [
    "The clinic opens at nine. Bring your ID card along, and call the front desk first.",
    "Le lifting est une intervention chirurgicale. La récupération prend quelques jours.",
    "Die Behandlung dauert eine Stunde. Danach sollten Sie sich zwei Tage schonen.",
    "La recuperación tarda dos semanas. La hinchazón baja al cuarto día.",
    "미니 실리프팅은 처진 피부를 당겨 줍니다. 회복에는 2~3일이 걸립니다.",
    "施術は一時間ほどで終わります。腫れは数日で引きます。",
    "Month lifts clinic thread consultation support needle tissue neck cheek appointment.",
    "SMAS layer를 당기는 HIFU, Ulthera, Thermage 시술을 비교해 드립니다",
]


def _theirs(text: str) -> list[tuple[str, float]]:
    DetectorFactory.seed = 0
    return [(g.lang, g.prob) for g in detect_langs(text)]


def _ours(text: str) -> list[tuple[str, float]]:
    detector = profiles.factory().create()
    detector.append(text)
    return [(g.lang, g.prob) for g in detector.get_probabilities()]


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(files.CACHE_ENV, str(tmp_path / "cache"))
    profiles.factory.cache_clear()
    yield tmp_path / "cache"
    profiles.factory.cache_clear()


def test_the_kept_table_gives_langdetects_own_probabilities(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [_ours(t) for t in TEXTS]  # the first load builds the copy
    assert len(list(cache_home.glob("langdetect-*/profiles.bin"))) == 1
    profiles.factory.cache_clear()

    def refused(*_: object) -> None:
        raise AssertionError("the JSON profiles were parsed again")

    monkeypatch.setattr(DetectorFactory, "load_profile", refused)
    kept = [_ours(t) for t in TEXTS]
    monkeypatch.undo()
    assert made == kept == [_theirs(t) for t in TEXTS]


@pytest.mark.parametrize("damage", [b"", b"short", b"\x00" * 8 * 55])
def test_a_damaged_copy_is_made_again(cache_home: Path, damage: bytes) -> None:
    _ours(TEXTS[0])
    [table] = cache_home.glob("langdetect-*/profiles.bin")
    table.write_bytes(damage)
    profiles.factory.cache_clear()
    assert _ours(TEXTS[1]) == _theirs(TEXTS[1]) and detect(TEXTS[1]) == "fr"
    assert table.stat().st_size > 1_000_000


def test_detection_works_where_nothing_can_be_kept(cache_home: Path) -> None:
    cache_home.write_text("not a folder")
    assert _ours(TEXTS[2]) == _theirs(TEXTS[2])
    assert cache_home.read_text() == "not a folder"
