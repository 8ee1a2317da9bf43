"""Build Argos packages for tests and the benchmark: real format, hand-set weights.

The model copies its input token by token, so end-to-end tests can assert
exact output through the real install, tokenizer and CTranslate2 path.

How the copy works (pre-norm Transformer, every vector kept zero-mean and of
constant norm so that LayerNorm is only a fixed scale):
- The residual stream has three subspaces: P (positions: sin/cos at hand-picked
  frequencies), T (the input token's embedding) and C (the copied token).
  Each feature is stored twice, as +v and -v, which makes every vector's mean 0.
- Encoder layers do nothing (near-zero weights); the encoder adds </s> to the
  source (config add_source_eos), so position n holds </s>.
- In the first decoder layer, cross-attention matches the decoder position t
  against encoder positions: q·k = Σ cos(w·(t-s)) peaks sharply at s = t. Its
  values read T and write C, so decoder step t holds source token t.
- The output projection reads C only: the logit of token v is β·u_v·u_src.
Output is therefore as long as the input: steady, realistic lengths for the
benchmark too (random weights emit anything from 1 to 256 tokens).
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# A few lines in each language so SentencePiece sees every script; byte
# fallback covers any other character, so the copy is exact for any input.
TRAINING_LINES = (
    "Mini thread lifting is a short procedure with little downtime.",
    "A mini facelift tightens the SMAS layer under the skin.",
    "Ask our clinic at info@example.com or visit https://example.com/clinic today.",
    "Results last for one to two years, depending on the skin.",
    "미니 실리프팅은 회복 기간이 짧은 시술입니다.",
    "미니 안면거상은 피부 아래 SMAS 층을 당겨 줍니다.",
    "효과는 피부 상태에 따라 1~2년 정도 지속됩니다.",
    "ミニ糸リフトはダウンタイムが短い施術です。",
    "<1>Book now</1> and save 10% <2/> QX1 QX2 QX3 QX4 QX5 QX6 QX7 QX8 QX9 QX10",
    "The quick brown fox jumps over the lazy dog 0123456789 ,.;:!?()[]{}%$#@&*_-+=/\\\"'",
)


@dataclass(frozen=True)
class Dims:
    """Model size: tiny for tests, Transformer-base for the benchmark."""

    encoder_layers: int = 1
    decoder_layers: int = 1
    heads: int = 4
    freqs: int = 16  # sinusoid frequencies in P; 2*freqs must fit in one head
    token_dims: int = 48  # dimensions of a token's embedding in T and in C
    ffn: int = 64
    vocab: int = 0  # pad the vocabulary to this size with unused pieces (0: no padding)
    positions: int = 1024

    @property
    def model(self) -> int:
        return 4 * self.freqs + 4 * self.token_dims


TINY = Dims()
BASE = Dims(6, 6, 8, 32, 96, 2048, 32000, 1024)  # d_model 512, like Transformer-base


def train_sentencepiece(lines: Iterable[str], path: Path, vocab_size: int = 400) -> None:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)),
        model_writer=model,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        byte_fallback=True,
        character_coverage=1.0,
        model_type="unigram",
        minloglevel=2,
    )
    path.write_bytes(model.getvalue())


def vocabulary(sp_model: Path, size: int = 0) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    pieces += [f"▁unused{i}" for i in range(max(0, size - len(pieces)))]
    return pieces


def _frequencies(freqs: int) -> np.ndarray:
    return np.geomspace(1.0, 2 * np.pi / 2048, freqs)


def _layout(dims: Dims) -> dict[str, slice]:
    f, t = dims.freqs, dims.token_dims
    return {
        "P+": slice(0, 2 * f),
        "P-": slice(2 * f, 4 * f),
        "T+": slice(4 * f, 4 * f + t),
        "T-": slice(4 * f + t, 4 * f + 2 * t),
        "C+": slice(4 * f + 2 * t, 4 * f + 3 * t),
        "C-": slice(4 * f + 3 * t, 4 * f + 4 * t),
    }


def copy_model_spec(
    vocab: Sequence[str], dims: Dims = TINY, seed: int = 0, noise_scale: float = 1e-4
) -> Any:
    """A ctranslate2 TransformerSpec whose weights copy the source to the target.

    A large noise_scale drowns the copy: a model that emits arbitrary tokens.
    """
    from ctranslate2.specs import TransformerSpec

    rng = np.random.default_rng(seed)
    d, hd = dims.model, dims.model // dims.heads
    assert 2 * dims.freqs <= hd, "the position code must fit in one attention head"
    lay = _layout(dims)

    def noise(*shape: int) -> np.ndarray:
        # near zero but never exactly zero: int8 quantization divides by a row's max
        return (rng.standard_normal(shape) * noise_scale).astype(np.float32)

    # token embeddings: random unit vectors, doubled as +u, -u
    units = rng.standard_normal((len(vocab), dims.token_dims))
    units /= np.linalg.norm(units, axis=1, keepdims=True)
    tokens = np.zeros((len(vocab), d), np.float32)
    tokens[:, lay["T+"]], tokens[:, lay["T-"]] = units, -units

    w = _frequencies(dims.freqs)
    angles = np.outer(np.arange(dims.positions), w)
    code = np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
    positions = np.zeros((dims.positions, d), np.float32)
    positions[:, lay["P+"]], positions[:, lay["P-"]] = code, -code

    # LayerNorm of a zero-mean vector x is x·sqrt(d)/|x|; |x|² is 2·freqs + 2.
    scale = np.sqrt(d / (2 * dims.freqs + 2))
    margin = dims.freqs - np.cos(np.outer(np.arange(1, dims.positions), w)).sum(1).max()
    alpha = 40.0 * np.sqrt(hd) / (scale * scale * margin)  # ≥ 40 logits between s=t and s≠t
    beta = 12.0 / scale**2  # with unit vectors ~0.5 apart: ≥ 6 logits, usually far more

    spec = TransformerSpec.from_config((dims.encoder_layers, dims.decoder_layers), dims.heads)
    spec.config.add_source_eos = True
    for stack in (spec.encoder, spec.decoder):
        stack.scale_embeddings = False
        stack.position_encodings.encodings = positions
        stack.layer_norm.gamma = np.ones(d, np.float32)
        stack.layer_norm.beta = np.zeros(d, np.float32)
        for layer in stack.layer:
            parts = [layer.self_attention, layer.ffn]
            if hasattr(layer, "attention"):
                parts.append(layer.attention)
            for part in parts:
                part.layer_norm.gamma = np.ones(d, np.float32)
                part.layer_norm.beta = np.zeros(d, np.float32)
            attn = layer.self_attention
            attn.linear[0].weight, attn.linear[0].bias = noise(3 * d, d), noise(3 * d)
            attn.linear[1].weight, attn.linear[1].bias = noise(d, d), noise(d)
            layer.ffn.linear_0.weight, layer.ffn.linear_0.bias = noise(dims.ffn, d), noise(dims.ffn)
            layer.ffn.linear_1.weight, layer.ffn.linear_1.bias = noise(d, dims.ffn), noise(d)
            if hasattr(layer, "attention"):
                cross = layer.attention
                cross.linear[0].weight, cross.linear[0].bias = noise(d, d), noise(d)
                cross.linear[1].weight, cross.linear[1].bias = noise(2 * d, d), noise(2 * d)
                cross.linear[2].weight, cross.linear[2].bias = noise(d, d), noise(d)
    spec.encoder.embeddings[0].weight = tokens
    spec.decoder.embeddings.weight = tokens

    copier = spec.decoder.layer[0].attention
    q, kv, out = copier.linear[0].weight, copier.linear[1].weight, copier.linear[2].weight
    p = lay["P+"]
    for head in range(dims.heads):
        rows = slice(head * hd, head * hd + 2 * dims.freqs)
        q[rows, p] = alpha * np.eye(2 * dims.freqs)
        kv[rows, p] = np.eye(2 * dims.freqs)  # keys: first d rows of the fused KV
    t = dims.token_dims
    kv[d : d + t, lay["T+"]] = np.eye(t)  # values: last d rows
    out[lay["C+"], 0:t] = np.eye(t)
    out[lay["C-"], 0:t] = -np.eye(t)

    projection = np.zeros((len(vocab), d), np.float32)
    projection[:, lay["C+"]] = beta * units
    spec.decoder.projection.weight = projection
    spec.decoder.projection.bias = np.zeros(len(vocab), np.float32)

    spec.register_source_vocabulary(list(vocab))
    spec.register_target_vocabulary(list(vocab))
    return spec


def build_package(
    out_dir: Path,
    source: str,
    target: str,
    version: str = "1.0",
    *,
    dims: Dims = TINY,
    quantization: str | None = None,
    target_prefix: str = "",
    noise_scale: float = 1e-4,
    lines: Sequence[str] = TRAINING_LINES,
    sp_vocab: int = 400,
    name: str | None = None,
) -> Path:
    """Write translate-<src>_<tgt>-<version>.argosmodel into out_dir and return its path."""
    stem = name or f"translate-{source}_{target}-{version.replace('.', '_')}"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / stem
        (root / "model").mkdir(parents=True)
        sp_model = root / "sentencepiece.model"
        train_sentencepiece(lines, sp_model, sp_vocab)
        spec = copy_model_spec(vocabulary(sp_model, dims.vocab), dims, noise_scale=noise_scale)
        spec.validate()
        spec.optimize(quantization=quantization)
        spec.save(str(root / "model"))
        metadata = {
            "package_version": version,
            "argos_version": "1.0",
            "from_code": source,
            "from_name": source,
            "to_code": target,
            "to_name": target,
            "type": "translate",
        }
        if target_prefix:
            metadata["target_prefix"] = target_prefix
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        out_dir.mkdir(parents=True, exist_ok=True)
        archive = out_dir / f"{stem}.argosmodel"
        zip_folder(root, archive)
    return archive


def base_package(out_dir: Path, lines: Sequence[str]) -> Path:
    """The benchmarks' en→ko package: Transformer-base, int8, 32k vocabulary, copy weights.

    SentencePiece learns from `lines` (with the usual training lines), so the
    benchmark's segments get realistic token counts.
    """
    return build_package(
        out_dir,
        "en",
        "ko",
        dims=BASE,
        quantization="int8",
        lines=[*TRAINING_LINES, *lines],
        sp_vocab=8000,
    )


def zip_folder(folder: Path, archive: Path) -> None:
    """Zip a folder as the one top-level entry of an archive, as Argos packages are."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, Path(folder.name) / path.relative_to(folder))


def rezip(archive: Path, out: Path, *, drop: str = "", metadata: dict | None = None) -> Path:
    """A copy of a package with one member dropped or metadata.json replaced (bad input)."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if drop and drop in item.filename:
                continue
            data = src.read(item)
            if metadata is not None and item.filename.endswith("/metadata.json"):
                data = json.dumps(metadata).encode()
            dst.writestr(item, data)
    return out


def unpack(archive: Path, into: Path) -> Path:
    shutil.unpack_archive(archive, into, "zip")
    return next(p for p in into.iterdir() if p.is_dir())
