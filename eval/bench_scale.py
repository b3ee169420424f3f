"""Search at 1M passages on one machine, in the embedded store.

Writes `--size` synthetic passages in batches (memory stays bounded while writing), asks Qdrant's
optimizer for segments of at most `--segment-mb`, runs optimize() (HNSW and payload indexes), then
measures: write and optimize time, segments, disk, peak memory, search p50/p95 unfiltered and
filtered (query embedding + hybrid retrieval, as `kb search` does), and dense recall@10 of the
HNSW search against exact search over the same points. Results go to eval/results/scale-<size>.json.

Synthetic passages are the indexed corpus passages with Gaussian noise on their vectors (see
eval/bench_search.py).

    .venv/bin/python -m eval.bench_scale [--size 1000000] [--segment-mb 256] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import qdrant_edge as qe
from haystack.document_stores.types import DuplicatePolicy

import kb  # noqa: F401
from eval.bench_search import US_FILTER, synthetic, synthetic_registry
from eval.common import QUERIES, peak_rss_mb, summary, timed
from kb import services
from kb.config import get_settings
from kb.retrieve import Searcher
from kb.store import DocumentRegistry, EdgeDocumentStore
from kb.store.base import DENSE_VECTOR

BATCH = 10_000


def recall_against_exact(store: EdgeDocumentStore, vectors: list[list[float]], k: int = 10) -> float:
    """The share of the exact top-k that the HNSW search also returns."""
    found = []
    for vector in vectors:
        ids = []
        for exact in (False, True):
            request = qe.QueryRequest(
                limit=k,
                query=qe.Query.Nearest(vector, using=DENSE_VECTOR),
                params=qe.SearchParams(exact=exact),
                with_payload=False,
            )
            ids.append({point.id for point in store._shard.query(request)})
        found.append(len(ids[0] & ids[1]) / k)
    return float(np.mean(found))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--segment-mb", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="default: eval/results/scale-<size>.json")
    args = parser.parse_args()

    settings = get_settings()
    searcher = services.searcher(settings)
    base = [d for d in searcher.store.filter_documents() if d.embedding is not None]
    embedder = searcher.query_embedder
    services.close_searcher(searcher)
    if not base:
        raise SystemExit("The index is empty: run `make run` (or `kb ingest ../shared/corpus`) first.")

    folder = Path(tempfile.mkdtemp(prefix="kb-scale-"))
    store = EdgeDocumentStore(folder / "shard", max_segment_mb=args.segment_mb)
    registry = DocumentRegistry(EdgeDocumentStore(folder / "registry"))
    started = time.perf_counter()
    for start in range(0, args.size, BATCH):
        documents = synthetic(base, min(BATCH, args.size - start), seed=start, offset=start)
        store.write_documents(documents, DuplicatePolicy.OVERWRITE)
        synthetic_registry(registry, documents)
        print(f"written {start + len(documents)}", file=sys.stderr, flush=True)
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    store.optimize()
    optimize_s = time.perf_counter() - started
    info = store._shard.info()

    scaled = Searcher(store, registry, embedder, settings.languages)
    latency = {}
    for label, filters in (("unfiltered", None), ("filtered_US", US_FILTER)):
        samples: list[float] = []
        for _ in range(args.rounds):
            for query in QUERIES:
                samples += timed(lambda q=query, f=filters: scaled.search(q, f, 10), repeats=1)
        latency[label] = summary(samples)
    query_vectors = [embedder.dense.encode([q])[0].tolist() for q in QUERIES]
    results = {
        "passages": info.points_count,
        "segment_mb": args.segment_mb,
        "segments": info.segments_count,
        "indexed_vectors": info.indexed_vectors_count,
        "write_s": round(write_s, 1),
        "optimize_s": round(optimize_s, 1),
        "disk_mb": round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20, 1),
        "search": latency,
        "dense_recall@10_vs_exact": round(recall_against_exact(store, query_vectors), 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    store.close()
    registry.close()
    shutil.rmtree(folder, ignore_errors=True)
    out = args.out or Path(f"eval/results/scale-{args.size}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
