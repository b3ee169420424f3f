"""Embedding speed: query latency and passage throughput, ONNX export against torch, same process.

.venv/bin/python -m eval.bench_embed [--corpus ../shared/corpus] [--passages 192]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

import kb  # noqa: F401
from eval.common import QUERIES, summary, timed
from ingest.load import load_file
from ingest.metadata import Overrides, document_info
from ingest.passages import build_passages
from kb.config import Settings
from kb.embed import embedding_text, make_encoder


def corpus_passages(corpus: Path, count: int) -> list[str]:
    texts: list[str] = []
    for name in ("coe-cets197.md", "us-22usc-ch78-tvpa.md", "de-aufenthg-en.md"):
        loaded = load_file(corpus / name)
        passages = build_passages(loaded, document_info(loaded, Overrides()), "bench")
        texts.extend(embedding_text(p.to_document(), ("citation", "heading")) for p in passages if p.language == "en")
    return texts[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--passages", type=int, default=192)
    parser.add_argument("--rounds", type=int, default=5, help="query rounds over the 20 queries")
    args = parser.parse_args()

    model = Settings().model_path
    cache = Path(tempfile.mkdtemp(prefix="kb-bench-models-"))
    encoders = {"onnx": make_encoder(model, "onnx", cache), "torch": make_encoder(model, "torch", cache)}
    texts = corpus_passages(args.corpus, args.passages)
    results: dict[str, dict] = {}
    for name, encoder in encoders.items():
        samples: list[float] = []
        for _ in range(args.rounds):
            for query in QUERIES:
                samples += timed(lambda q=query, e=encoder: e.encode([q]), repeats=1)
        started = time.perf_counter()
        encoder.encode(texts)
        seconds = time.perf_counter() - started
        results[name] = {"query": summary(samples), "passages_per_s": round(len(texts) / seconds, 1)}
    difference = np.abs(encoders["onnx"].encode(texts[:32]) - encoders["torch"].encode(texts[:32])).max()
    results["max_abs_difference_onnx_vs_torch"] = float(difference)
    results["query_p50_ratio_torch_over_onnx"] = round(
        results["torch"]["query"]["p50_ms"] / results["onnx"]["query"]["p50_ms"], 2
    )
    results["passages"] = len(texts)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
