"""The embedded store in bounded shards: Qdrant Edge shards of at most `shard_points` passages.

One HNSW build over 1M points does not finish in reasonable time or memory on a small machine, and
Qdrant's optimizer does not bound the segment that receives writes. Here new passages fill the last
shard; when it is full it is optimized (its HNSW built once, at a bounded size) and a new shard
opens. Searches run on every shard and merge: each leg (dense, BM25) by its score, then the same
weighted reciprocal rank fusion as one shard. BM25's IDF is per shard, as in a Qdrant cluster.
"""

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from haystack import Document, default_to_dict
from haystack.dataclasses import SparseEmbedding
from haystack.document_stores.errors import DuplicateDocumentError
from haystack.document_stores.types import DuplicatePolicy

from kb.store.base import DENSE_VECTOR, DENSE_WEIGHT, EMBEDDING_DIM, RRF_K, SPARSE_VECTOR, SPARSE_WEIGHT, StoreError
from kb.store.edge import EdgeDocumentStore


class ShardedEdgeStore:
    def __init__(self, path: str | Path, shard_points: int, embedding_dim: int = EMBEDDING_DIM):
        if shard_points < 1:
            raise StoreError("shard_points must be at least 1")
        self.path = Path(path)
        self.shard_points = shard_points
        self.embedding_dim = embedding_dim
        if self.path.is_dir() and any(p for p in self.path.iterdir() if not p.name.startswith("shard-")):
            raise StoreError(
                f"{self.path} holds a single-shard index; use a new data directory for a sharded one "
                "(or unset KB_SHARD_POINTS)."
            )
        folders = sorted(p for p in self.path.glob("shard-*") if p.is_dir()) or [self.path / "shard-000"]
        self._shards = [EdgeDocumentStore(folder, embedding_dim) for folder in folders]

    # --- Haystack DocumentStore protocol -------------------------------------------------
    def count_documents(self) -> int:
        return sum(shard.count_documents() for shard in self._shards)

    def count_documents_by_filter(self, filters: dict[str, Any]) -> int:
        return sum(shard.count_documents_by_filter(filters) for shard in self._shards)

    def filter_documents(self, filters: dict[str, Any] | None = None) -> list[Document]:
        return [d for shard in self._shards for d in shard.filter_documents(filters)]

    def write_documents(self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.NONE) -> int:
        unique = list({document.id: document for document in documents}.values())
        holders = self._holders([d.id for d in unique])
        if holders and policy in (DuplicatePolicy.NONE, DuplicatePolicy.FAIL):
            raise DuplicateDocumentError(f"Documents already in the store: {sorted(holders)[:5]}")
        written = 0
        for index, shard in enumerate(self._shards):  # overwrite in place: an id lives in one shard
            here = [d for d in unique if holders.get(d.id) == index]
            if here and policy == DuplicatePolicy.OVERWRITE:
                written += shard.write_documents(here, DuplicatePolicy.OVERWRITE)
        new = [d for d in unique if d.id not in holders]
        while new:
            room = self.shard_points - self._shards[-1].count_documents()
            if room <= 0:
                self._seal_and_open()
                continue
            written += self._shards[-1].write_documents(new[:room], DuplicatePolicy.OVERWRITE)
            new = new[room:]
        return written

    def get_documents_by_id(self, document_ids: list[str]) -> list[Document]:
        return [d for shard in self._shards for d in shard.get_documents_by_id(document_ids)]

    def delete_documents(self, document_ids: list[str]) -> None:
        for shard in self._shards:
            shard.delete_documents(document_ids)

    def delete_by_filter(self, filters: dict[str, Any]) -> int:
        return sum(shard.delete_by_filter(filters) for shard in self._shards)

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self, path=str(self.path), shard_points=self.shard_points, embedding_dim=self.embedding_dim
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ShardedEdgeStore":
        return cls(**data["init_parameters"])

    # --- retrieval -----------------------------------------------------------------------
    def embedding_search(
        self, query_embedding: list[float], filters: dict[str, Any] | None = None, top_k: int = 10
    ) -> list[Document]:
        return self._merged(lambda shard: shard.embedding_search(query_embedding, filters, top_k), top_k)

    def sparse_search(
        self, query_sparse_embedding: SparseEmbedding, filters: dict[str, Any] | None = None, top_k: int = 10
    ) -> list[Document]:
        return self._merged(lambda shard: shard.sparse_search(query_sparse_embedding, filters, top_k), top_k)

    def hybrid_search(
        self,
        query_embedding: list[float],
        query_sparse_embedding: SparseEmbedding,
        filters: dict[str, Any] | None = None,
        top_k: int = 10,
    ) -> list[Document]:
        if len(self._shards) == 1:
            return self._shards[0].hybrid_search(query_embedding, query_sparse_embedding, filters, top_k)
        # Each leg ranked over all shards by its own score, ids only; payloads for the fused top-k.
        depth = max(top_k * 5, 50)  # as one shard's prefetches
        fused: dict[tuple[int, Any], float] = {}
        for weight, vector, using in (
            (DENSE_WEIGHT, query_embedding, DENSE_VECTOR),
            (SPARSE_WEIGHT, query_sparse_embedding, SPARSE_VECTOR),
        ):
            hits = [
                ((i, pid), score)
                for i, shard in enumerate(self._shards)
                for pid, score in shard.leg(vector, using, filters, depth)
            ]
            hits.sort(key=lambda hit: hit[1], reverse=True)
            for rank, (key, _) in enumerate(hits[:depth]):
                fused[key] = fused.get(key, 0.0) + weight / (RRF_K + rank + 1)
        best = sorted(fused, key=fused.__getitem__, reverse=True)[:top_k]
        found: dict[tuple[int, Any], Document] = {}
        for index, shard in enumerate(self._shards):
            wanted = [pid for i, pid in best if i == index]
            if wanted:
                by_point = shard.get_points(wanted)
                found.update({(index, pid): doc for pid, doc in by_point.items()})
        return [replace(found[key], score=fused[key]) for key in best if key in found]

    def value_counts(self, field: str, filters: dict[str, Any] | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for shard in self._shards:
            for value, count in shard.value_counts(field, filters).items():
                counts[value] = counts.get(value, 0) + count
        return counts

    # --- maintenance ---------------------------------------------------------------------
    @property
    def shard_count(self) -> int:
        return len(self._shards)

    def optimize(self) -> None:
        for shard in self._shards:  # one at a time: peak memory is one shard's build
            shard.optimize()

    def close(self) -> None:
        for shard in self._shards:
            shard.close()

    def drop(self) -> None:
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)

    # --- helpers -------------------------------------------------------------------------
    def _seal_and_open(self) -> None:
        self._shards[-1].optimize()
        self._shards.append(EdgeDocumentStore(self.path / f"shard-{len(self._shards):03d}", self.embedding_dim))

    def _holders(self, ids: list[str]) -> dict[str, int]:
        """Which shard holds each of these ids (those stored anywhere)."""
        return {d.id: index for index, shard in enumerate(self._shards) for d in shard.get_documents_by_id(ids)}

    def _merged(self, search: Callable[[EdgeDocumentStore], list[Document]], top_k: int) -> list[Document]:
        found = [d for shard in self._shards for d in search(shard)]
        return sorted(found, key=lambda d: d.score or 0.0, reverse=True)[:top_k]
