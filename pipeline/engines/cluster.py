"""Machine translation on a Ray cluster: the Argos engine's model runs, spread over workers.

Only the expensive part moves: each Ray actor loads one Argos package's
tokenizer and CTranslate2 translator once, and decodes the shards of segments
sent to it with the same code as the local engine (PackageModel.run), so the
output is the same for the same package, beam and bounds. Deduplication, the
MT cache, shielding and every catalog write stay on the driver.

Packages reach the workers through Ray's object store: the driver packs the
installed folder once (deterministically, so its hash names it), and each node
unpacks it into a local cache folder keyed by that hash. No shared file system
is needed, and a node that has the package already unpacks nothing.

ray is imported only here, and this module only when `[mt] cluster = "ray"`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import os
import tarfile
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pipeline import models
from pipeline.config import Config
from pipeline.engines.argos import PackageModel, Stats
from pipeline.errors import PostlingoError

ATTEMPTS = 2  # a shard is tried twice (Ray's max_task_retries = 1), then the run fails
LOOPBACK_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"  # "0": Ray's single-machine, loopback mode
CACHE_ENV = "POSTLINGO_WORKER_CACHE"  # where workers unpack packages (default ~/.cache/postlingo)


def plan_shards(lengths: Sequence[int], budget: int) -> list[list[int]]:
    """Segment indices, longest first, cut into shards of at most `budget` tokens.

    Longest first, as the local engine orders its buckets, so no worker is left
    with a long shard while the others idle; a segment longer than the budget
    is a shard of its own.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    shards: list[list[int]] = []
    used = 0
    for i in order:
        if not shards or used + lengths[i] > budget:
            shards.append([])
            used = 0
        shards[-1].append(i)
        used += lengths[i]
    return shards


def shard_budget(total_tokens: int, workers: int, ceiling: int) -> int:
    """Tokens per shard: at most `ceiling`, and small enough that every worker gets several."""
    per_worker = math.ceil(total_tokens / max(1, 4 * workers))
    return max(1, min(ceiling, per_worker))


@dataclasses.dataclass(frozen=True)
class Payload:
    """An installed package as bytes for the object store, named by their hash."""

    package: models.ArgosPackage
    digest: str
    archive: bytes


def pack(package: models.ArgosPackage) -> Payload:
    """The package folder as a deterministic tar (sorted, no times or owners)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(p for p in package.path.rglob("*") if p.is_file()):
            info = tarfile.TarInfo(path.relative_to(package.path).as_posix())
            info.size = path.stat().st_size
            info.mode = 0o644
            with path.open("rb") as handle:
                tar.addfile(info, handle)
    archive = buffer.getvalue()
    return Payload(package, hashlib.sha256(archive).hexdigest(), archive)


def unpack(payload: Payload, cache: Path) -> models.ArgosPackage:
    """The package in this node's cache, unpacked once per hash (atomically: rename)."""
    target = cache / payload.digest
    if not (target / "metadata.json").is_file():
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{payload.digest[:12]}.", dir=cache))
        with tarfile.open(fileobj=io.BytesIO(payload.archive)) as tar:
            tar.extractall(staging, filter="data")
        try:
            staging.rename(target)
        except OSError:  # another worker on this node was first: use its copy
            for path in sorted(staging.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink()
            staging.rmdir()
    return dataclasses.replace(payload.package, path=target)


def worker_config(config: Config, device: str) -> Config:
    """One replica per worker: its threads are the worker's CPUs."""
    mt = dataclasses.replace(
        config.mt, inter_threads=1, intra_threads=max(1, config.mt.intra_threads), device=device
    )
    return dataclasses.replace(config, mt=mt)


class PackageWorker:
    """A Ray actor's body: one package's model, loaded once, decoding shard after shard."""

    def __init__(self, payload: Payload, config: Config) -> None:
        cache = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "postlingo" / "ray")
        self.model = PackageModel(unpack(payload, cache), config)
        self.model.translator()  # load now: a bad model fails at start, not mid-shard

    def run(self, texts: list[str]) -> tuple[list[str], Stats]:
        stats = Stats()
        return self.model.run(texts, stats), stats

    def pid(self) -> int:
        return os.getpid()


def _one_line(exc: BaseException) -> str:
    cause = getattr(exc, "cause", None)
    if isinstance(cause, PostlingoError):
        return str(cause)
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__


class RayRunner:
    """Runs PackageModel's work on Ray actors; one per engine, for the whole run."""

    def __init__(self, config: Config, worker: type | None = None) -> None:
        self.config = config
        self.worker = worker or PackageWorker
        self.actors: list[Any] = []  # the live actors of the package being run (tests kill one)
        self.remote_calls = 0
        self.on_shard: Callable[[int], None] | None = None  # segments done, per finished shard
        self._started_ray = False
        self._payloads: dict[Path, Any] = {}

    def _ray(self) -> Any:
        if not self.config.mt.address:
            # A cluster of this machine only: Ray then binds every service to 127.0.0.1
            # (read when ray is imported, and inherited by the processes it starts).
            os.environ.setdefault(LOOPBACK_ENV, "0")
        try:
            import ray
        except ImportError as exc:
            raise PostlingoError(
                "[mt] cluster = \"ray\" needs Ray: pip install 'postlingo[ray]'"
            ) from exc
        if not ray.is_initialized():
            address = self.config.mt.address or None
            options: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "configure_logging": False,
                "namespace": "postlingo",
            }
            try:
                ray.init(address=address, **options)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = address or "a local cluster"
                raise PostlingoError(f"cannot start Ray ({where}): {_one_line(exc)}") from exc
            self._started_ray = True
        return ray

    def workers(self, ray: Any) -> int:
        """[mt] workers, or as many as the cluster has room for."""
        if self.config.mt.workers > 0:
            return self.config.mt.workers
        if self.config.mt.gpus_per_worker > 0:
            room = ray.cluster_resources().get("GPU", 0) / self.config.mt.gpus_per_worker
        else:
            room = ray.cluster_resources().get("CPU", 1) / max(1, self.config.mt.intra_threads)
        return max(1, int(room))

    def device(self, ray: Any) -> str:
        """cuda when workers ask for GPUs the cluster has; otherwise a clear stop, or the CPU."""
        wanted = self.config.mt.gpus_per_worker
        if wanted <= 0:
            return "cpu"
        if ray.cluster_resources().get("GPU", 0) >= wanted:
            return "cuda"
        if self.config.mt.cpu_fallback:
            return "cpu"
        raise PostlingoError(
            f"[mt] gpus_per_worker = {wanted:g}, but the Ray cluster has no GPU "
            "(set gpus_per_worker = 0, or cpu_fallback = true to run on CPUs)"
        )

    def run(self, package: models.ArgosPackage, texts: Sequence[str], stats: Stats) -> list[str]:
        """Translate texts with this package on the cluster; same outputs as PackageModel.run."""
        ray = self._ray()
        device = self.device(ray)
        count = self.workers(ray)
        tokenizer = PackageModel(package, self.config)  # the tokenizer only: no model loaded
        lengths = [len(tokenizer.encode(t)) for t in texts]
        budget = shard_budget(sum(lengths), count, self.config.mt.shard_tokens)
        shards = plan_shards(lengths, budget)
        payload = self._payloads.get(package.path)
        if payload is None:
            payload = self._payloads[package.path] = ray.put(pack(package))
        gpus = self.config.mt.gpus_per_worker if device == "cuda" else 0
        actor_class = ray.remote(
            num_cpus=max(1, self.config.mt.intra_threads),
            num_gpus=gpus,
            max_restarts=-1,
            max_task_retries=ATTEMPTS - 1,
        )(self.worker)
        config = worker_config(self.config, device)
        self.actors = [actor_class.remote(payload, config) for _ in range(min(count, len(shards)))]
        outputs: list[str] = [""] * len(texts)
        try:
            self._dispatch(ray, texts, shards, outputs, stats, package)
        finally:
            for actor in self.actors:
                ray.kill(actor, no_restart=True)
            self.actors = []
        return outputs

    def _dispatch(
        self,
        ray: Any,
        texts: Sequence[str],
        shards: list[list[int]],
        outputs: list[str],
        stats: Stats,
        package: models.ArgosPackage,
    ) -> None:
        """Keep every actor busy with the next shard, longest first, until all are back."""
        queue = list(range(len(shards)))
        running: dict[Any, tuple[int, Any]] = {}
        idle = list(self.actors)
        while queue or running:
            while queue and idle:
                index, actor = queue.pop(0), idle.pop(0)
                ref = actor.run.remote([texts[i] for i in shards[index]])
                running[ref] = (index, actor)
                self.remote_calls += 1
            [ref], _ = ray.wait(list(running), num_returns=1)
            index, actor = running.pop(ref)
            try:
                done, shard_stats = ray.get(ref)
            except Exception as exc:  # Ray wraps worker deaths and errors in its own types
                raise PostlingoError(
                    f"Ray: shard {index + 1} of {len(shards)} for {package.label} failed "
                    f"{ATTEMPTS} times: {_one_line(exc)}; nothing was written"
                ) from exc
            for i, text in zip(shards[index], done, strict=True):
                outputs[i] = text
            _add(stats, shard_stats)
            idle.append(actor)
            if self.on_shard is not None:
                self.on_shard(len(shards[index]))

    def close(self) -> None:
        """Shut down the cluster this run started; one it joined is left running."""
        if self._started_ray:
            import ray

            ray.shutdown()
            self._started_ray = False
        self._payloads.clear()


def _add(total: Stats, part: Stats) -> None:
    for name in ("model_calls", "segments", "source_tokens", "target_tokens", "seconds"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
