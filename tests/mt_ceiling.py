"""One whole Python process that translates with CTranslate2 alone: bench.py's rows (a) and (c).

    python -m tests.mt_ceiling {ceiling,argos} PACKAGE TEXTS.json [options]

PACKAGE is an installed Argos package folder (model/ and sentencepiece.model);
TEXTS.json a list of the strings postlingo fed its tokenizer (shielded,
deduplicated). The process imports only ctranslate2 and sentencepiece, loads
the model and tokenizer, tokenizes every text, translates, decodes, and prints
one JSON line: segments, source and target tokens. bench.py times the whole
process from the outside, so start-up, imports, model load and tokenization
count here as they do for `postlingo translate`.

- ceiling: every segment in one translate_batch call, with the threads and
  token sub-batches given; with --buckets, one asynchronous call per length
  bucket instead, longest first, as postlingo does (bench.py tries each
  setting and keeps the best);
- argos: argostranslate's way, one translate_batch per segment, max_batch_size
  32, CTranslate2's default threads. argostranslate itself would also import
  stanza and torch (3.9 s) and split sentences; that is left out, in its favour.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def bound(source_tokens: int) -> int:
    """pipeline.engines.argos.decoding_bound, copied: importing pipeline here would cost time."""
    bucket = 16
    while bucket < source_tokens:
        bucket *= 2
    return min(256, 2 * bucket + 16)


def _buckets(tokens: list[list[str]]) -> list[list[int]]:
    """Indices grouped by decoding bound, shortest first within, longest bucket first."""
    groups: dict[int, list[int]] = {}
    for i in sorted(range(len(tokens)), key=lambda i: len(tokens[i])):
        groups.setdefault(bound(len(tokens[i])), []).append(i)
    return [groups[b] for b in sorted(groups, reverse=True)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.mt_ceiling")
    parser.add_argument("mode", choices=("ceiling", "argos"))
    parser.add_argument("package", type=Path)
    parser.add_argument("texts", type=Path)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--inter", type=int, default=1)
    parser.add_argument("--intra", type=int, default=0)
    parser.add_argument("--sub-batch", type=int, default=0, help="token budget; 0: one batch")
    parser.add_argument("--buckets", action="store_true", help="one call per length bucket")
    args = parser.parse_args(argv)

    import ctranslate2
    import sentencepiece as spm

    texts: list[str] = json.loads(args.texts.read_text(encoding="utf-8"))
    tokenizer = spm.SentencePieceProcessor(model_file=str(args.package / "sentencepiece.model"))
    tokens = [tokenizer.encode(t, out_type=str) for t in texts]
    translator = ctranslate2.Translator(
        str(args.package / "model"),
        compute_type="int8",
        inter_threads=args.inter if args.mode == "ceiling" else 1,
        intra_threads=args.intra if args.mode == "ceiling" else 0,
    )
    common: dict[str, object] = {
        "beam_size": args.beam,
        "length_penalty": 0.2,
        "replace_unknowns": True,
    }
    results: list[Any]
    if args.mode == "argos":
        results = [
            translator.translate_batch([t], max_batch_size=32, batch_type="tokens", **common)[0]
            for t in tokens
        ]
    else:
        if args.sub_batch:
            common |= {"max_batch_size": args.sub_batch, "batch_type": "tokens"}
        groups = _buckets(tokens) if args.buckets else [list(range(len(tokens)))]
        pending = [
            translator.translate_batch(
                [tokens[i] for i in group],
                max_decoding_length=bound(max(len(tokens[i]) for i in group)),
                asynchronous=True,
                **common,
            )
            for group in groups
        ]
        results = [None] * len(tokens)
        for group, batch in zip(groups, pending, strict=True):
            for i, result in zip(group, batch, strict=True):
                results[i] = result.result()
    outputs = [tokenizer.decode_pieces(list(r.hypotheses[0])) for r in results]
    print(
        json.dumps(
            {
                "segments": len(outputs),
                "source_tokens": sum(map(len, tokens)),
                "target_tokens": sum(len(r.hypotheses[0]) for r in results),
                "outputs": outputs,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
