"""Search at 1M passages on one machine, in the embedded store's bounded shards.

Writes `--size` synthetic passages in batches into a ShardedEdgeStore (kb/store/sharded.py) of at
most `--shard-points` passages a shard: each full shard gets its HNSW and payload indexes built as
it is sealed, the last one by optimize(). Then measures: build time (writes with sealing, then the
last optimize), shards, disk, peak and resident memory, search p50/p95 unfiltered and filtered
(query embedding + hybrid retrieval, as `kb search` does), and dense recall@10 of the HNSW search
against exact search over the same points. Results go to eval/results/scale-<size>.json.

Synthetic passages are the indexed corpus passages with Gaussian noise on their vectors (see
eval/bench_search.py).

    .venv/bin/python -m eval.bench_scale [--size 1000000] [--shard-points 200000] [--rounds 3]
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
from cli.wiring import open_searcher
from eval.bench_search import US_FILTER, synthetic, synthetic_registry
from eval.common import QUERIES, peak_rss_mb, summary, timed
from kb.config import get_settings
from kb.retrieve import Searcher
from kb.store import DocumentRegistry, EdgeDocumentStore, LiveIndex, ShardedEdgeStore
from kb.store.base import DENSE_VECTOR

BATCH = 10_000


def recall_against_exact(store: ShardedEdgeStore, vectors: list[list[float]], k: int = 10) -> float:
    """The share of the exact top-k (over all shards) that the HNSW search also returns."""
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
            points = [point for shard in store._shards for point in shard._shard.query(request)]
            ids.append({point.id for point in sorted(points, key=lambda p: p.score, reverse=True)[:k]})
        found.append(len(ids[0] & ids[1]) / k)
    return float(np.mean(found))


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--shard-points", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="default: eval/results/scale-<size>.json")
    args = parser.parse_args()

    settings = get_settings()
    with open_searcher(settings) as searcher:
        base = [d for d in searcher.index.filter() if d.embedding is not None]
        embedder = searcher.query_embedder
    if not base:
        raise SystemExit("The index is empty: run `make run` (or `kb ingest ../shared/corpus`) first.")

    folder = Path(tempfile.mkdtemp(prefix="kb-scale-"))
    store = ShardedEdgeStore(folder / "shards", shard_points=args.shard_points)
    registry = DocumentRegistry(EdgeDocumentStore(folder / "registry"))
    started = time.perf_counter()
    for start in range(0, args.size, BATCH):
        documents = synthetic(base, min(BATCH, args.size - start), seed=start, offset=start)
        store.write_documents(documents, DuplicatePolicy.OVERWRITE)
        synthetic_registry(registry, documents)
        elapsed = time.perf_counter() - started
        print(
            f"written {start + len(documents)} in {elapsed:.0f} s, {resident_mb():.0f} MB", file=sys.stderr, flush=True
        )
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    store.optimize()
    optimize_s = time.perf_counter() - started

    scaled = Searcher(LiveIndex(store, registry), embedder, settings.languages)
    latency = {}
    for label, filters in (("unfiltered", None), ("filtered_US", US_FILTER)):
        samples: list[float] = []
        for _ in range(args.rounds):
            for query in QUERIES:
                samples += timed(lambda q=query, f=filters: scaled.search(q, f, 10), repeats=1)
        latency[label] = summary(samples)
    query_vectors = [embedder.dense.encode([q], "query")[0].tolist() for q in QUERIES]
    results = {
        "passages": store.count_documents(),
        "shard_points": args.shard_points,
        "shards": store.shard_count,
        "indexed_vectors": sum(shard._shard.info().indexed_vectors_count for shard in store._shards),
        "write_and_seal_s": round(write_s, 1),
        "optimize_last_s": round(optimize_s, 1),
        "disk_mb": round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20, 1),
        "search": latency,
        "dense_recall@10_vs_exact": round(recall_against_exact(store, query_vectors), 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "resident_mb_after_search": round(resident_mb(), 1),
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
