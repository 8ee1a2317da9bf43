"""The Argos Translate engine: Argos packages, run by CTranslate2 directly.

argostranslate.translate sends one paragraph per CTranslate2 call and imports
torch; here every segment of a language pair goes in one pass: deduplicated,
looked up in the MT cache, shielded, tokenized with the package's own
tokenizer, sorted by length and cut into token-budget sub-batches that the
translator's replicas decode in parallel. ctranslate2 is imported only when a
model is really needed, so `--help` and pseudo runs stay fast.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline import models, state
from pipeline.config import Config
from pipeline.engines import MachineTranslation
from pipeline.errors import PostlingoError
from pipeline.glossary import Glossary
from pipeline.glossary import load as load_glossary
from pipeline.memory import ModelKey, MTCache
from pipeline.shield import Shielded, has_words, restore, shield

NAME = "argos"
MAX_DECODING = 256  # Argos's own cap, and the ceiling of the bound below
COPIED = "copied: no words to translate"  # provenance of URL-, number- or term-only text
LENGTH_PENALTY = 0.2  # as argostranslate decodes: same package, same output


def available_pairs(config: Config) -> set[tuple[str, str]]:
    """Argos code pairs reachable directly or through English; cheap (no model loaded)."""
    packages, _ = models.installed(models.packages_dir(config))
    direct = {(p.source, p.target) for p in packages}
    pivots = {(a, c) for a, b in direct for b2, c in direct if b == b2 == models.PIVOT and a != c}
    return direct | pivots


def decoding_bound(source_tokens: int) -> int:
    """Room for a translation a good deal longer than its source, but no word salad.

    Depends only on the segment's own length bucket (16, 32, 64, 128 tokens):
    a segment gets the same bound, and output, batched or alone, and few
    buckets keep the batches large.
    """
    bucket = 16
    while bucket < source_tokens:
        bucket *= 2
    return min(MAX_DECODING, 2 * bucket + 16)


def thread_counts(inter: int, intra: int, cores: int | None = None) -> tuple[int, int]:
    """Replicas × threads each. Measured on 2 cores: 2 × 1 beats 1 × 2 by far."""
    if not cores:
        affinity = getattr(os, "sched_getaffinity", None)
        cores = len(affinity(0)) if affinity else os.cpu_count() or 1
    if inter <= 0 and intra <= 0:
        inter = min(cores, 4)
    if inter <= 0:
        inter = max(1, cores // intra)
    if intra <= 0:
        intra = max(1, cores // inter)
    return inter, intra


def device(config: Config) -> str:
    """The config wins over ARGOS_DEVICE_TYPE, so one project behaves alike on every machine."""
    return config.mt.device or os.environ.get("ARGOS_DEVICE_TYPE") or "cpu"


def usable_device(config: Config, cuda_devices: Callable[[], int]) -> str:
    """The configured device, if this machine has it: no GPU stops the run, or falls back."""
    where = device(config)
    if where != "cuda" or cuda_devices() > 0:
        return where
    if config.mt.cpu_fallback:
        return "cpu"
    raise PostlingoError(
        '[mt] device = "cuda", but CTranslate2 finds no CUDA GPU here '
        '(it needs an NVIDIA driver and CUDA 12; set device = "cpu", or cpu_fallback = true)'
    )


class Runner(Protocol):
    """Where a package's model runs: here (PackageModel) or on a cluster (engines/cluster.py)."""

    on_shard: Callable[[int], None] | None

    def run(
        self, package: models.ArgosPackage, texts: Sequence[str], stats: Stats
    ) -> list[str]: ...

    def close(self) -> None: ...


@dataclass
class Stats:
    """What the models did in this run: tests assert cache hits, the bench reports speed."""

    model_calls: int = 0  # CTranslate2 translate_batch calls
    segments: int = 0  # texts sent through a model
    cached: int = 0  # texts answered from the MT cache
    source_tokens: int = 0
    target_tokens: int = 0
    seconds: float = 0.0
    loaded: list[str] = field(default_factory=list)  # packages whose model was loaded


class PackageModel:
    """One package's tokenizer and translator, loaded once per run."""

    def __init__(self, package: models.ArgosPackage, config: Config) -> None:
        self.package = package
        self.config = config
        self._translator: Any = None
        self._tokenizer: Any = None

    @property
    def uses_bpe(self) -> bool:
        return self.package.tokenizer == "bpe.model"

    def tokenizer(self) -> Any:
        """The package's own tokenizer (SentencePiece or BPE), loaded on first use."""
        if self._tokenizer is None:
            path = self.package.path / self.package.tokenizer
            if self.uses_bpe:
                from argostranslate.tokenizer import BPETokenizer

                self._tokenizer = BPETokenizer(path, self.package.source, self.package.target)
            else:
                import sentencepiece as spm

                try:
                    self._tokenizer = spm.SentencePieceProcessor(model_file=str(path))
                except (OSError, RuntimeError) as exc:
                    raise PostlingoError(f"cannot load the tokenizer: {exc}", path) from exc
        return self._tokenizer

    def encode(self, text: str) -> list[str]:
        if self.uses_bpe:
            return list(self.tokenizer().encode(text))
        return list(self.tokenizer().encode(text, out_type=str))

    def decode(self, tokens: list[str]) -> str:
        # Not argostranslate's decode: it turns every "_" into a space.
        if self.uses_bpe:
            return str(self.tokenizer().decode(tokens))
        return str(self.tokenizer().decode_pieces(tokens))

    def translator(self) -> Any:
        if self._translator is None:
            import ctranslate2

            where = usable_device(self.config, ctranslate2.get_cuda_device_count)
            wanted = self.config.mt.compute_type
            try:
                supported = ctranslate2.get_supported_compute_types(where)
            except (RuntimeError, ValueError) as exc:
                raise PostlingoError(f"cannot use device {where!r}: {exc}") from exc
            inter, intra = thread_counts(self.config.mt.inter_threads, self.config.mt.intra_threads)
            path = self.package.path / "model"
            try:
                self._translator = ctranslate2.Translator(
                    str(path),
                    device=where,
                    compute_type=wanted if wanted in supported else "default",
                    inter_threads=inter,
                    intra_threads=intra,
                )
            except (RuntimeError, ValueError, OSError) as exc:
                raise PostlingoError(f"cannot load the model: {exc}", path) from exc
        return self._translator

    def run(self, texts: Sequence[str], stats: Stats) -> list[str]:
        """Translate texts by length bucket in token-budget sub-batches, decoded in parallel."""
        started = time.perf_counter()
        tokens = [self.encode(t) for t in texts]
        # One call per length bucket; CTranslate2 sorts each by length and cuts it
        # into token-budget sub-batches spread over its replicas (measured fastest).
        buckets: dict[int, list[int]] = {}
        for i in sorted(range(len(texts)), key=lambda i: len(tokens[i])):
            buckets.setdefault(decoding_bound(len(tokens[i])), []).append(i)
        # Longest bucket first, so no replica sits idle while another ends a long one.
        batches = sorted(buckets.items(), reverse=True)
        prefix = self.encode_prefix()
        translator = self.translator()
        outputs: list[str] = [""] * len(texts)
        try:
            pending = []
            for bound, batch in batches:
                pending.append(
                    translator.translate_batch(
                        [tokens[i] for i in batch],
                        target_prefix=[prefix] * len(batch) if prefix else None,
                        beam_size=self.config.mt.beam_size,
                        length_penalty=LENGTH_PENALTY,
                        replace_unknowns=True,
                        max_batch_size=max(1, self.config.mt.batch_tokens),
                        batch_type="tokens",
                        max_decoding_length=bound,
                        asynchronous=True,
                    )
                )
                stats.model_calls += 1
            for (_, batch), results in zip(batches, pending, strict=True):
                for i, result in zip(batch, results, strict=True):
                    hypothesis = list(result.result().hypotheses[0])
                    if prefix and hypothesis[: len(prefix)] == prefix:
                        hypothesis = hypothesis[len(prefix) :]
                    stats.target_tokens += len(hypothesis)
                    outputs[i] = self.decode(hypothesis)
        except (RuntimeError, ValueError) as exc:
            raise PostlingoError(f"translation failed: {exc}", self.package.path) from exc
        stats.segments += len(texts)
        stats.source_tokens += sum(len(t) for t in tokens)
        stats.seconds += time.perf_counter() - started
        return outputs

    def encode_prefix(self) -> list[str]:
        """The forced first target tokens of a multilingual package.

        A "__ko__"-style language token is one vocabulary entry, which the tokenizer would split.
        """
        prefix = self.package.target_prefix
        if not prefix:
            return []
        return [prefix] if prefix.startswith("__") else self.encode(prefix)


class ArgosEngine:
    """Engine protocol implementation; one instance per run keeps models loaded."""

    name = NAME

    def __init__(
        self,
        config: Config,
        cache: MTCache | None = None,
        glossary: Glossary | None = None,
        runner: Runner | None = None,
    ) -> None:
        self.config = config
        self.cache = cache
        self._glossary = glossary
        self.runner = runner  # None: the models run in this process
        self._packages: list[models.ArgosPackage] | None = None
        self._models: dict[Path, PackageModel] = {}
        self.stats = Stats()

    @property
    def model_calls(self) -> int:
        """CTranslate2 calls so far: zero on a re-run that the cache answers in full."""
        return self.stats.model_calls

    @property
    def packages(self) -> list[models.ArgosPackage]:
        if self._packages is None:
            self._packages, _ = models.installed(models.packages_dir(self.config))
        return self._packages

    @property
    def glossary(self) -> Glossary:
        if self._glossary is None:
            self._glossary = load_glossary(self.config.resolve(self.config.glossary))
        return self._glossary

    def route(self, source: str, target: str) -> list[models.ArgosPackage] | None:
        """Locales as configured; Argos names some differently (zh-Hant → zt)."""
        return models.route(self.packages, models.argos_code(source), models.argos_code(target))

    def supports(self, source: str, target: str) -> bool:
        return self.route(source, target) is not None

    def require(self, source: str, target: str) -> list[models.ArgosPackage]:
        """The route, or the error that tells the user which packages to install."""
        chain = self.route(source, target)
        if chain is None:
            src, tgt = models.argos_code(source), models.argos_code(target)
            raise PostlingoError(models.missing_hint(self.packages, src, tgt))
        return chain

    def identity(self, source: str, target: str) -> str:
        """The packages (metadata, model file size and time), beam, settings and glossary."""
        parts = [repr(self.config.mt), self.glossary_digest]
        for package in self.require(source, target):
            parts.append(str(package.path))
            parts.append(state.file_digest(package.path / "metadata.json") or "")
            model = (package.path / "model" / "model.bin").stat()
            parts.append(f"{model.st_size} {model.st_mtime_ns}")
        return state.digest(*parts)

    @property
    def glossary_digest(self) -> str:
        return state.file_digest(self.config.resolve(self.config.glossary)) or "no glossary"

    def origin(self, chain: Sequence[models.ArgosPackage]) -> str:
        names = " + ".join(p.label for p in chain)
        return f"{NAME} {names} (beam {self.config.mt.beam_size})"

    def translate(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        progress: Callable[[int], None] | None = None,
    ) -> list[MachineTranslation]:
        """All texts of a pair in one pass, so each distinct text meets each model once.

        `progress` is told how many distinct texts are done, as they are done.
        """
        chain = self.require(source, target)
        unique = list(dict.fromkeys(texts))
        terms = self.glossary.for_locale(target)
        shielded: dict[str, Shielded] = {t: shield(t, terms) for t in unique}
        current = {t: s.text for t, s in shielded.items() if has_words(s)}
        if progress is not None:
            progress(len(unique) - len(current))  # no words: copied, not translated
        for n, package in enumerate(chain, 1):
            last = progress if n == len(chain) else None
            outputs = self._through(package, list(dict.fromkeys(current.values())), last)
            current = {t: outputs[text] for t, text in current.items()}
        if progress is not None:
            progress(len(current) - len(set(current.values())))  # the same text once shielded
        origin = self.origin(chain)
        done: dict[str, MachineTranslation] = {}
        for text in unique:
            if text not in current:  # no words: the protected pieces are copied
                restored, _ = restore(shielded[text].text, shielded[text])
                done[text] = MachineTranslation(restored, COPIED)
                continue
            restored, notes = restore(current[text], shielded[text])
            done[text] = MachineTranslation(restored, origin, notes)
        return [done[t] for t in texts]

    def _through(
        self,
        package: models.ArgosPackage,
        texts: list[str],
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, str]:
        """One package over unique texts: the cache first, the model (here or remote) for the rest."""
        key = ModelKey(package.name, package.version, self.config.mt.beam_size)
        found = self.cache.get_many(key, texts) if self.cache is not None else {}
        self.stats.cached += len(found)
        if progress is not None:
            progress(len(found))
        todo = [t for t in texts if t not in found]
        if todo:
            fresh = dict(zip(todo, self._run(package, todo, progress), strict=True))
            if self.cache is not None:
                self.cache.put_many(key, fresh)
            found.update(fresh)
        return found

    def _run(
        self,
        package: models.ArgosPackage,
        texts: list[str],
        progress: Callable[[int], None] | None,
    ) -> list[str]:
        if self.runner is not None:
            self.runner.on_shard = progress
            return self.runner.run(package, texts, self.stats)
        model = self._models.get(package.path)
        if model is None:
            model = self._models[package.path] = PackageModel(package, self.config)
            self.stats.loaded.append(package.label)
        outputs = model.run(texts, self.stats)
        if progress is not None:
            progress(len(texts))
        return outputs

    def close(self) -> None:
        """Let go of a cluster this run started."""
        if self.runner is not None:
            self.runner.close()
