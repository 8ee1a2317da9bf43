"""Machine translation on a real Ray cluster, started inside the test, on 127.0.0.1.

The tiny copy-weight Argos packages the suite builds run on Ray actors; what
comes back must be byte-identical to the local engine's output, even when a
worker is killed mid-run, and a re-run must be answered by the driver's cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import config as config_module
from pipeline import models
from pipeline.engines.argos import ArgosEngine
from pipeline.engines.cluster import (
    LOOPBACK_ENV,
    PackageWorker,
    RayRunner,
    pack,
    plan_shards,
    unpack,
)
from pipeline.errors import PostlingoError
from pipeline.glossary import Glossary
from pipeline.memory import MTCache

os.environ.setdefault(LOOPBACK_ENV, "0")  # before ray is imported: every service on 127.0.0.1
ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[ray]')")
REPO = Path(__file__).resolve().parent.parent
GLOSSARY = Glossary(())
TEXTS = [
    f"Sentence {n} about the {word} and its {n * 7} effects on recovery."
    for n, word in enumerate(["lift", "thread", "laser", "filler", "toning", "peel"] * 8)
] + ["Short one.", "A much longer sentence " + "with many more words " * 6 + "at its end."]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One local Ray instance for the module: 2 CPUs, loopback only, no dashboard."""
    cache = tmp_path_factory.mktemp("worker-cache")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"POSTLINGO_WORKER_CACHE": str(cache)}},
    )
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory, argos_archives) -> Path:
    root = tmp_path_factory.mktemp("ray-models")
    for archive in argos_archives.values():
        models.install_archive(archive, root / "models")
    return root


def configured(root: Path, **mt: object) -> config_module.Config:
    settings_ = {"batch_tokens": 64, "shard_tokens": 40, "workers": 2, "cluster": "ray", **mt}
    return config_module.Config(
        root=root,
        models_dir="models",
        mt=config_module.MTConfig(**settings_),  # type: ignore[arg-type]
    )


def local(root: Path, texts: list[str], source: str = "en", target: str = "ko") -> list[str]:
    engine = ArgosEngine(configured(root, cluster=""), None, GLOSSARY)
    return [t.text for t in engine.translate(texts, source, target)]


# --- pure parts ----------------------------------------------------------------


@given(st.lists(st.integers(1, 60), max_size=60), st.integers(1, 100))
@settings(max_examples=200, deadline=None)
def test_shards_cover_every_segment_once_longest_first_within_the_budget(lengths, budget):
    shards = plan_shards(lengths, budget)
    assert sorted(i for shard in shards for i in shard) == list(range(len(lengths)))
    for shard in shards:
        assert len(shard) == 1 or sum(lengths[i] for i in shard) <= budget
    order = [lengths[i] for shard in shards for i in shard]
    assert order == sorted(order, reverse=True)


def test_a_package_packs_deterministically_and_unpacks_once_per_hash(packages, tmp_path):
    [package] = [p for p in models.installed(packages / "models")[0] if p.target == "ko"]
    first, second = pack(package), pack(package)
    assert first.digest == second.digest and first.archive == second.archive
    placed = unpack(first, tmp_path)
    assert placed.path == tmp_path / first.digest
    assert sorted(p.name for p in placed.path.rglob("*")) == sorted(
        p.name for p in package.path.rglob("*")
    )
    stamp = (placed.path / "metadata.json").stat().st_mtime_ns
    assert unpack(second, tmp_path).path == placed.path
    assert (placed.path / "metadata.json").stat().st_mtime_ns == stamp  # not unpacked again


def test_cluster_keys_are_validated(tmp_path):
    for text, message in (
        ('[mt]\ncluster = "spark"\n', "mt.cluster must be one of local, ray"),
        ("[mt]\nworkers = -1\n", "mt.workers must not be negative"),
        ("[mt]\ngpus_per_worker = -1\n", "mt.gpus_per_worker must not be negative"),
    ):
        (tmp_path / "postlingo.toml").write_text(text, encoding="utf-8")
        with pytest.raises(PostlingoError, match=message) as caught:
            config_module.load(tmp_path)
        assert caught.value.line == 2
    (tmp_path / "postlingo.toml").write_text("[mt]\ngpus_per_worker = 1\n", encoding="utf-8")
    assert config_module.load(tmp_path).mt.gpus_per_worker == 1.0


def test_help_and_pseudo_runs_never_import_ray(tmp_path):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "p.md").write_text("---\nlang: en\n---\nHello there.\n")
    (tmp_path / "postlingo.toml").write_text('targets = ["ko"]\n[mt]\ncluster = "ray"\n')
    probe = (
        "import sys; from pipeline.cli import cli; from click.testing import CliRunner;"
        "r = CliRunner().invoke(cli, ['--help']);"
        "r = CliRunner().invoke(cli, ['-C', sys.argv[1], 'run', '--engine', 'pseudo']);"
        "assert r.exit_code == 0, r.output;"
        "print('ray' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, cwd=REPO
    )
    assert out.stdout.strip() == "False", out.stderr


# --- on a real cluster ---------------------------------------------------------


def test_ray_output_is_byte_identical_to_the_local_engine(cluster, packages):
    runner = RayRunner(configured(packages))
    engine = ArgosEngine(configured(packages), None, GLOSSARY, runner=runner)
    done: list[int] = []
    remote = [t.text for t in engine.translate(TEXTS, "en", "ko", progress=done.append)]
    assert remote == local(packages, TEXTS)
    assert runner.remote_calls > 2  # really sharded over both workers
    assert sum(done) == len(set(TEXTS))  # one progress bar: every segment counted once
    assert engine.stats.segments == len(set(TEXTS))


def test_a_pivot_through_english_runs_both_packages_on_the_cluster(cluster, packages):
    texts = ["번역할 문장입니다.", "두 번째 문장."]
    runner = RayRunner(configured(packages))
    engine = ArgosEngine(configured(packages), None, GLOSSARY, runner=runner)
    remote = [t.text for t in engine.translate(texts, "ko", "ja")]
    local_engine = ArgosEngine(configured(packages, cluster=""), None, GLOSSARY)
    assert remote == [t.text for t in local_engine.translate(texts, "ko", "ja")]


def test_a_worker_killed_mid_run_is_replaced_and_its_shard_retried(cluster, packages):
    runner = RayRunner(configured(packages))
    engine = ArgosEngine(configured(packages), None, GLOSSARY, runner=runner)
    killed: list[str] = []

    def kill_one(_: int) -> None:
        if not killed and len(runner.actors) == 2:  # the other worker is mid-shard
            ray.kill(runner.actors[1], no_restart=False)
            killed.append("yes")

    remote = [t.text for t in engine.translate(TEXTS, "en", "ko", progress=kill_one)]
    assert killed
    assert remote == local(packages, TEXTS)


class CrashingWorker(PackageWorker):
    """A worker whose process dies on every shard: a machine that keeps failing."""

    def run(self, texts: list[str]) -> tuple[list[str], object]:
        os._exit(1)


def test_a_shard_that_fails_twice_fails_the_run_in_one_line(cluster, packages):
    runner = RayRunner(configured(packages, workers=1), worker=CrashingWorker)
    engine = ArgosEngine(configured(packages, workers=1), None, GLOSSARY, runner=runner)
    with pytest.raises(PostlingoError) as caught:
        engine.translate(TEXTS[:3], "en", "ko")
    message = str(caught.value)
    assert "\n" not in message
    assert "failed 2 times" in message and "translate-en_ko" in message, message
    assert "nothing was written" in message


def test_the_cache_is_filled_on_the_driver_and_a_rerun_makes_no_remote_call(
    cluster, packages, tmp_path
):
    cache = tmp_path / "mt-cache.sqlite"
    first = RayRunner(configured(packages))
    ArgosEngine(configured(packages), MTCache(cache), GLOSSARY, runner=first).translate(
        TEXTS, "en", "ko"
    )
    assert first.remote_calls > 0 and cache.is_file()
    again = RayRunner(configured(packages))
    engine = ArgosEngine(configured(packages), MTCache(cache), GLOSSARY, runner=again)
    repeated = [t.text for t in engine.translate(TEXTS, "en", "ko")]
    assert again.remote_calls == 0
    assert engine.stats.cached == len(set(TEXTS))
    assert repeated == local(packages, TEXTS)


def test_gpus_asked_of_a_cluster_without_any_stop_the_run_in_one_line(cluster, packages):
    runner = RayRunner(configured(packages, gpus_per_worker=1.0))
    engine = ArgosEngine(configured(packages, gpus_per_worker=1.0), None, GLOSSARY, runner=runner)
    with pytest.raises(PostlingoError, match="the Ray cluster has no GPU"):
        engine.translate(TEXTS[:2], "en", "ko")
    fallback = configured(packages, gpus_per_worker=1.0, cpu_fallback=True)
    engine = ArgosEngine(fallback, None, GLOSSARY, runner=RayRunner(fallback))
    assert [t.text for t in engine.translate(TEXTS[:2], "en", "ko")] == local(packages, TEXTS[:2])


def test_the_local_engine_on_cuda_without_a_gpu_says_so(packages):
    engine = ArgosEngine(configured(packages, cluster="", device="cuda"), None, GLOSSARY)
    with pytest.raises(PostlingoError, match="finds no CUDA GPU"):
        engine.translate(["Hello."], "en", "ko")
    fallback = configured(packages, cluster="", device="cuda", cpu_fallback=True)
    assert ArgosEngine(fallback, None, GLOSSARY).translate(["Hello."], "en", "ko")[0].text


# --- the CLI, end to end: a local cluster started for the run ---------------------


POST = "---\ntitle: Thread lifting\nlang: en\n---\n\n" + "\n\n".join(TEXTS[:12]) + "\n"


def test_translate_with_cluster_ray_writes_the_same_catalogs_as_a_local_run(
    packages, tmp_path, argos_archives
):
    roots = {}
    for name in ("local", "ray"):
        root = roots[name] = tmp_path / name / "clinic"  # one name: the catalogs' project
        (root / "source").mkdir(parents=True)
        (root / "source" / "lifting.md").write_text(POST, encoding="utf-8")
        shutil.copytree(packages / "models", root / "models")
        (root / "postlingo.toml").write_text(
            'targets = ["ko", "ja"]\nmodels_dir = "models"\n[mt]\nworkers = 2\nshard_tokens = 40\n',
            encoding="utf-8",
        )
        env = {**os.environ, "ARGOS_PACKAGES_DIR": "/nonexistent"}
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", "-C", str(root), "translate", "--cluster", name],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
        )
        assert done.returncode == 0, done.stderr
        assert "(argos)" in done.stdout
    for locale in ("ko", "ja"):
        ours = (roots["ray"] / "locales" / locale / "lifting.po").read_bytes()
        assert ours == (roots["local"] / "locales" / locale / "lifting.po").read_bytes()
