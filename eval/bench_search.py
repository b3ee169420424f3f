"""Search latency (query embedding + hybrid retrieval + ranking), filtered and unfiltered, at the size
of the indexed corpus and at a synthetic size (default 100k passages), in the embedded Qdrant Edge
store; with the learned ranker (`search`) and, in the same process, weighted RRF (`search_rrf`).

Needs the corpus index first (`make run`, or `kb ingest ../shared/corpus`). Synthetic passages are
the corpus passages' own vectors with small Gaussian noise, so the vector distribution stays
realistic; 5 % of them carry jurisdiction US, the filter the filtered runs use.

    .venv/bin/python -m eval.bench_search [--size 100000] [--rounds 5] [--reference]

--reference also loads the synthetic passages into qdrant-client's local mode (the server
backend's API, in-process) and times a few queries there, in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from haystack import Document
from haystack.document_stores.types import DuplicatePolicy

import kb  # noqa: F401
from cli.wiring import open_searcher
from eval.common import QUERIES, peak_rss_mb, summary, timed
from kb.config import get_settings
from kb.rank import Ranker
from kb.retrieve import Searcher, SearchFilters
from kb.store import DocumentRecord, DocumentRegistry, EdgeDocumentStore, LiveIndex, ServerDocumentStore

US_FILTER = SearchFilters(jurisdictions=["US"], only=True)  # the 5 % carrying meta.jurisdiction US


def latency(searchers: dict[str, Searcher], rounds: int) -> dict[str, dict]:
    """Per searcher, filtered and unfiltered; the searchers take turns on each query. Each search
    embeds its query afresh, as a question never asked before would be."""
    out: dict[str, dict] = {name: {} for name in searchers}
    for label, filters in (("unfiltered", None), ("filtered_US", US_FILTER)):
        samples: dict[str, list[float]] = {name: [] for name in searchers}
        for _ in range(rounds):
            for query in QUERIES:
                for name, searcher in searchers.items():
                    samples[name] += timed(lambda q=query, f=filters, s=searcher: fresh_search(s, q, f), repeats=1)
        for name in searchers:
            out[name][label] = summary(samples[name])
    return out


def fresh_search(searcher: Searcher, query: str, filters: SearchFilters | None) -> None:
    searcher.query_embedder.vector.cache_clear()  # the question's vectors are computed, not remembered
    searcher.search(query, filters, 10)


def retrieval_only(store, searcher: Searcher, rounds: int) -> dict[str, dict]:
    embedded = [searcher.query_embedder.embed(q) for q in QUERIES]
    us = {"field": "meta.jurisdiction", "operator": "==", "value": "US"}
    out = {}
    for label, filters in (("unfiltered", None), ("filtered_US", us)):
        samples: list[float] = []
        for _ in range(rounds):
            for e in embedded:
                samples += timed(lambda e=e, f=filters: store.hybrid_search(e.dense, e.sparse, f, 10), 1)
        out[label] = summary(samples)
    return out


def synthetic(base: list[Document], size: int, seed: int = 7, offset: int = 0) -> list[Document]:
    """`size` passages numbered from `offset` (so that batches can be made one after another)."""
    rng = np.random.default_rng(seed)
    picker = random.Random(seed)
    others = ["DE", "GB", "CA", "UN", "COE"]
    documents = []
    for i in range(offset, offset + size):
        source = base[i % len(base)]
        vector = np.asarray(source.embedding) + rng.normal(0, 0.03, len(source.embedding))
        vector /= np.linalg.norm(vector)
        meta = dict(source.meta)
        meta["jurisdiction"] = "US" if picker.random() < 0.05 else picker.choice(others)
        meta["document_id"] = f"synthetic-{i // 100}"
        meta["content_hash"] = "synthetic"
        documents.append(
            Document(
                id=f"synthetic-{i}",
                content=source.content,
                meta=meta,
                embedding=vector.tolist(),
                sparse_embedding=source.sparse_embedding,
            )
        )
    return documents


def synthetic_registry(registry: DocumentRegistry, documents: list[Document]) -> DocumentRegistry:
    """Records that make the synthetic documents live, as an ingest would."""
    for document_id in sorted({d.meta["document_id"] for d in documents}):
        registry.commit(DocumentRecord(document_id, "synthetic", 100))
    return registry


def load(store, documents: list[Document], batch: int = 1000) -> float:
    started = time.perf_counter()
    for start in range(0, len(documents), batch):
        store.write_documents(documents[start : start + batch], DuplicatePolicy.OVERWRITE)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reference", action="store_true")
    args = parser.parse_args()

    settings = get_settings()
    with open_searcher(settings) as searcher:
        count = searcher.index.count()
        if not count:
            raise SystemExit("The index is empty: run `make run` (or `kb ingest ../shared/corpus`) first.")
        fused = Searcher(searcher.index, searcher.query_embedder, settings.languages, Ranker(None))
        timings = latency({"search": searcher, "search_rrf": fused}, args.rounds)
        results: dict[str, object] = {"corpus": {"passages": count, **timings}}
        base = [d for d in searcher.index.filter() if d.embedding is not None]

    documents = synthetic(base, args.size)
    folder = Path(tempfile.mkdtemp(prefix="kb-bench-shard-"))
    edge = EdgeDocumentStore(folder / "shard")
    registry = synthetic_registry(DocumentRegistry(EdgeDocumentStore(folder / "registry")), documents)
    write_s = load(edge, documents)
    started = time.perf_counter()
    edge.optimize()
    optimize_s = time.perf_counter() - started
    synthetic_searcher = Searcher(LiveIndex(edge, registry), searcher.query_embedder, settings.languages)
    synthetic_fused = Searcher(LiveIndex(edge, registry), searcher.query_embedder, settings.languages, Ranker(None))
    disk_mb = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20
    results[f"edge_{args.size}"] = {
        "write_s": round(write_s, 1),
        "optimize_s": round(optimize_s, 1),
        "disk_mb": round(disk_mb, 1),
        **latency({"search": synthetic_searcher, "search_rrf": synthetic_fused}, args.rounds),
        "retrieval_only": retrieval_only(edge, synthetic_searcher, args.rounds),
    }
    edge.close()
    shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(results), file=sys.stderr, flush=True)  # partial results, in case the reference is stopped

    if args.reference:
        local = ServerDocumentStore(location=":memory:", collection="bench")
        local_write_s = load(local, documents)
        local_searcher = Searcher(LiveIndex(local, registry), searcher.query_embedder, settings.languages)
        results[f"qdrant_client_local_{args.size}"] = {
            "write_s": round(local_write_s, 1),
            "retrieval_only": retrieval_only(local, local_searcher, rounds=1),
        }
        local.close()
    registry.close()
    results["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
