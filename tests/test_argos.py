"""The argos engine through the real path: installed packages, tokenizer, CTranslate2.

The test packages' models copy their input exactly, so outputs can be asserted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import config as config_module
from pipeline import models
from pipeline.engines.argos import ArgosEngine, available_pairs, decoding_bound, thread_counts
from pipeline.errors import PostlingoError
from pipeline.glossary import parse
from pipeline.memory import MTCache

GLOSSARY = parse("SMAS,*,\nmini facelift,ko,미니 안면거상\n")


def _engine(root: Path, cache: bool = True) -> ArgosEngine:
    config = config_module.load(root)
    mt_cache = MTCache(root / ".postlingo" / "mt.sqlite") if cache else None
    return ArgosEngine(config, mt_cache, GLOSSARY)


def test_copies_through_the_real_path_with_provenance(argos_project: Path):
    engine = _engine(argos_project)
    texts = ["Hello, world.", "The clinic opens at 9:00 on Monday."]
    out = engine.translate(texts, "en", "ko")
    assert [t.text for t in out] == texts
    assert {t.origin for t in out} == {"argos translate-en_ko 1.0 (beam 4)"}
    assert all(t.notes == () for t in out)


def test_placeholders_urls_underscores_and_glossary_survive(argos_project: Path):
    text = (
        "A <1>mini facelift</1> lifts the SMAS<2/>; see https://example.com/a_b "
        "or write to dr_kim@example.com about {name} and %1$s in my_file.txt."
    )
    [result] = _engine(argos_project).translate([text], "en", "ko")
    assert result.text == text.replace("mini facelift", "미니 안면거상")


def test_pivot_through_english_names_both_packages(argos_project: Path):
    [result] = _engine(argos_project).translate(["미니 실리프팅은 <1>SMAS</1> 층을"], "ko", "ja")
    assert result.text == "미니 실리프팅은 <1>SMAS</1> 층을"
    assert result.origin == "argos translate-ko_en 1.0 + translate-en_ja 1.0 (beam 4)"


def test_duplicates_and_blanks(argos_project: Path):
    engine = _engine(argos_project)
    out = engine.translate(["Same.", "", "Same."], "en", "ko")
    assert [t.text for t in out] == ["Same.", "", "Same."]
    assert engine.stats.segments == 1


def test_rerun_makes_zero_model_calls(argos_project: Path):
    texts = [f"Sentence number {i} of the post." for i in range(20)]
    first = _engine(argos_project)
    assert first.translate(texts, "en", "ko")
    assert first.model_calls >= 1 and first.stats.segments == 20
    again = _engine(argos_project)
    assert [t.text for t in again.translate(texts, "en", "ko")] == texts
    assert again.model_calls == 0 and again.stats.cached == 20 and again.stats.loaded == []


def test_pivot_reuses_the_cache_of_each_hop(argos_project: Path):
    engine = _engine(argos_project)
    engine.translate(["하나", "둘"], "ko", "en")
    engine.translate(["하나", "둘"], "ko", "ja")
    assert engine.stats.cached == 2  # the ko→en hop came from the cache


def test_supports_and_missing_pair(argos_project: Path):
    engine = _engine(argos_project)
    assert engine.supports("en", "ko") and engine.supports("ko", "ja")
    assert not engine.supports("ko", "ar")
    with pytest.raises(PostlingoError) as info:
        engine.translate(["x"], "ko", "ar")
    assert info.value.exit_code == 2
    assert "no Argos package for ko→ar" in info.value.message
    assert "postlingo models install ko ar" in info.value.message


def test_available_pairs(argos_project: Path):
    pairs = available_pairs(config_module.load(argos_project))
    assert {("en", "ko"), ("ko", "en"), ("en", "ja"), ("ko", "ja")} <= pairs
    assert ("ja", "ko") not in pairs


def test_model_that_fails_to_load_names_its_path(argos_project: Path):
    model = argos_project / "models" / "translate-en_ko-1_0" / "model"
    (model / "model.bin").write_bytes(b"garbage")
    with pytest.raises(PostlingoError) as info:
        _engine(argos_project).translate(["Hello"], "en", "ko")
    assert info.value.path == str(model)


def test_target_prefix_is_passed_and_stripped(tmp_path: Path):
    from tests.argos_models import build_package

    # The copy model answers a forced first token with the source from position 1:
    # "▁Hello" is forced, so the output loses nothing but that token, then is stripped.
    archive = build_package(tmp_path, "en", "ko", target_prefix="▁Hello")
    models.install_archive(archive, tmp_path / "models")
    config = config_module.Config(root=tmp_path, models_dir="models")
    [result] = ArgosEngine(config, None, GLOSSARY).translate(["Hello world"], "en", "ko")
    assert result.text == "world"


@pytest.fixture(scope="module")
def noisy_engine(tmp_path_factory: pytest.TempPathFactory) -> ArgosEngine:
    """A model with random weights: arbitrary output that never ends by itself."""
    from tests.argos_models import build_package

    root = tmp_path_factory.mktemp("noisy")
    archive = build_package(root, "en", "ko", noise_scale=0.5)
    models.install_archive(archive, root / "models")
    config = config_module.Config(root=root, models_dir="models")
    return ArgosEngine(config, None, GLOSSARY)


@pytest.fixture(scope="module")
def copy_engine(tmp_path_factory: pytest.TempPathFactory) -> ArgosEngine:
    from tests.argos_models import build_package

    root = tmp_path_factory.mktemp("copy")
    models.install_archive(build_package(root, "en", "ko"), root / "models")
    mt = config_module.MTConfig(batch_tokens=64)  # many sub-batches even for small inputs
    return ArgosEngine(config_module.Config(root=root, models_dir="models", mt=mt), None)


_SENTENCES = st.lists(
    st.text(alphabet="abcdefghij klmno.,가나다라", min_size=1, max_size=80).map(
        lambda t: " ".join(t.split())
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=25, deadline=None)
@given(_SENTENCES)
def test_batched_equals_per_segment(copy_engine: ArgosEngine, texts: list[str]):
    # Bit-for-bit equality needs a confident model: with random weights every step
    # is a near-tie, and padding changes CTranslate2's rounding (seen in float32 too).
    batched = [t.text for t in copy_engine.translate(texts, "en", "ko")]
    single = [copy_engine.translate([t], "en", "ko")[0].text for t in texts]
    assert batched == single == texts


def test_decoding_is_bounded_relative_to_the_input(noisy_engine: ArgosEngine):
    before = noisy_engine.stats.target_tokens
    noisy_engine.translate(["a b"], "en", "ko")
    assert noisy_engine.stats.target_tokens - before <= decoding_bound(4)
    assert decoding_bound(3) == decoding_bound(16) < decoding_bound(30) <= 256
    assert decoding_bound(1000) == 256


def test_thread_counts():
    assert thread_counts(0, 0, cores=2) == (2, 1)
    assert thread_counts(0, 0, cores=8) == (4, 2)
    assert thread_counts(1, 0, cores=4) == (1, 4)
    assert thread_counts(0, 2, cores=4) == (2, 2)


def test_importing_the_engine_loads_no_model_library():
    code = (
        "import sys, pipeline.engines.argos, pipeline.models_cli;"
        "bad = [m for m in ('ctranslate2', 'argostranslate.translate', 'torch') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- end to end through the CLI ----------------------------------------------

POST = """---
title: "Mini facelift"
lang: en
---

A <strong>mini facelift</strong> lifts the SMAS layer itself.
Read more at https://example.com/mini_facelift today.
"""


def _postlingo(root: Path, *args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from pipeline.cli import cli

    result = CliRunner().invoke(cli, ["-C", str(root), *args], standalone_mode=False)
    if isinstance(result.exception, PostlingoError):
        return result.exception.exit_code, str(result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code or 0, result.output


def _post_project(root: Path, targets: str) -> None:
    """The sample post, with models to come in models/."""
    (root / "source").mkdir()
    (root / "source" / "mini-facelift.md").write_text(POST, encoding="utf-8")
    (root / "postlingo.toml").write_text(
        f'targets = [{targets}]\nmodels_dir = "models"\n', encoding="utf-8"
    )


def test_install_then_translate_fills_catalogs(
    tmp_path: Path, argos_archives: dict[tuple[str, str], Path]
):
    _post_project(tmp_path, '"ko", "ja"')
    (tmp_path / "glossary.csv").write_text(
        "SMAS,*,\nmini facelift,ko,미니 안면거상\n", encoding="utf-8"
    )
    code, _ = _postlingo(tmp_path, "translate", "--engine", "argos")
    assert code == 2 and not (tmp_path / "locales" / "ko").exists()  # nothing installed yet
    for archive in argos_archives.values():
        assert _postlingo(tmp_path, "models", "install", str(archive))[0] == 0
    code, out = _postlingo(tmp_path, "translate", "--engine", "argos")
    assert code == 0, out
    import polib

    ko = {e.msgid: e for e in polib.pofile(str(tmp_path / "locales" / "ko" / "mini-facelift.po"))}
    entry = ko["A <1>mini facelift</1> lifts the SMAS layer itself."]
    assert entry.msgstr == "A <1>미니 안면거상</1> lifts the SMAS layer itself."
    assert entry.fuzzy and "machine: argos translate-en_ko 1.0 (beam 4)" in entry.tcomment
    ja = polib.pofile(str(tmp_path / "locales" / "ja" / "mini-facelift.po"))
    url = next(e for e in ja if "example.com" in e.msgid)
    assert url.msgstr == url.msgid and "argos translate-en_ja 1.0" in url.tcomment


def test_a_real_model_replaces_pseudo_previews_but_never_reviewed_work(
    tmp_path: Path, argos_archives: dict[tuple[str, str], Path]
):
    import polib

    _post_project(tmp_path, '"ko"')
    assert _postlingo(tmp_path, "translate")[0] == 0  # no model yet: pseudo previews
    path = tmp_path / "locales" / "ko" / "mini-facelift.po"
    po = polib.pofile(str(path))
    reviewed = po[0]
    reviewed.msgstr, reviewed.flags = "⟦검토된 번역⟧", []  # reviewed, however it looks
    po.save(str(path))
    assert _postlingo(tmp_path, "models", "install", str(argos_archives[("en", "ko")]))[0] == 0
    assert _postlingo(tmp_path, "translate")[0] == 0
    after = polib.pofile(str(path))
    assert after[0].msgstr == "⟦검토된 번역⟧" and not after[0].fuzzy
    machine = [e for e in after if e.fuzzy]
    assert machine and all(
        "machine: argos translate-en_ko" in e.tcomment and "pseudo" not in e.tcomment
        for e in machine
    )


def test_text_without_words_is_copied_without_a_model_call(copy_engine: ArgosEngine):
    calls = copy_engine.model_calls
    texts = ["https://example.com/mini_facelift", "2~3", "<1/> 10:30"]
    results = copy_engine.translate(texts, "en", "ko")
    assert copy_engine.model_calls == calls
    assert [r.text for r in results] == texts
    assert all(r.origin == "copied: no words to translate" for r in results)
