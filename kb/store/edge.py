"""The embedded store: one Qdrant Edge shard (the real Qdrant engine, in-process)."""

import shutil
from collections import OrderedDict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import qdrant_edge as qe
from filelock import FileLock, Timeout
from haystack import Document, default_to_dict
from haystack.dataclasses import SparseEmbedding
from haystack.document_stores.errors import DuplicateDocumentError
from haystack.document_stores.types import DuplicatePolicy
from haystack_integrations.document_stores.qdrant.converters import convert_id

from kb.store.base import (
    DENSE_VECTOR,
    DENSE_WEIGHT,
    EMBEDDING_DIM,
    KEYWORD_FIELDS,
    RRF_K,
    SPARSE_VECTOR,
    SPARSE_WEIGHT,
    TEXT_FIELD,
    StoreError,
)
from kb.store.filters import convert_filters

_PAGE = 1000
# Payloads of passages that searches returned, kept by point id: turning a payload into Python
# objects costs more than the search itself (about 0.05 ms a point), and a passage's payload only
# changes when its point is written again (which drops it from here).
_CACHED_PAYLOADS = 10_000  # about 30 MB per shard at ~3 KB a passage


class EdgeDocumentStore:
    """Haystack DocumentStore over a Qdrant Edge shard; payloads use qdrant-haystack's layout."""

    def __init__(self, path: str | Path, embedding_dim: int = EMBEDDING_DIM):
        self.path = Path(path)
        self.embedding_dim = embedding_dim
        self._payloads: OrderedDict[Any, dict[str, Any]] = OrderedDict()
        config = qe.EdgeConfig(
            vectors={DENSE_VECTOR: qe.EdgeVectorParams(size=embedding_dim, distance=qe.Distance.Cosine)},
            sparse_vectors={SPARSE_VECTOR: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        )
        self._lock = _lock(self.path)
        try:
            if self.path.is_dir() and any(self.path.iterdir()):
                self._shard = qe.EdgeShard.load(str(self.path), config)
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._shard = qe.EdgeShard.create(str(self.path), config)
        except Exception as error:  # qdrant_edge raises plain Exceptions
            self._lock.close()
            raise StoreError(f"Cannot open the index at {self.path}: {error}") from error
        for name in KEYWORD_FIELDS:  # also on load: an index made by an older version may lack one
            self._shard.update(qe.UpdateOperation.create_field_index(f"meta.{name}", qe.PayloadSchemaType.Keyword))
        text_index = qe.TextIndexParams(tokenizer=qe.TokenizerType.Word, lowercase=True, phrase_matching=True)
        self._shard.update(qe.UpdateOperation.create_field_index(TEXT_FIELD, text_index))

    # --- Haystack DocumentStore protocol -------------------------------------------------
    def count_documents(self) -> int:
        return self._shard.count(qe.CountRequest(exact=True))

    def count_documents_by_filter(self, filters: dict[str, Any]) -> int:
        return self._shard.count(qe.CountRequest(exact=True, filter=convert_filters(filters)))

    def filter_documents(self, filters: dict[str, Any] | None = None) -> list[Document]:
        return [_to_document(record) for record in self._scroll(convert_filters(filters), with_vector=True)]

    def write_documents(self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.NONE) -> int:
        for document in documents:
            if not isinstance(document, Document):
                raise ValueError(f"write_documents expects Haystack Documents, got {type(document).__name__}")
        unique = list({document.id: document for document in documents}.values())
        if policy in (DuplicatePolicy.NONE, DuplicatePolicy.FAIL, DuplicatePolicy.SKIP):
            existing = {record.payload["id"] for record in self._retrieve([d.id for d in unique])}
            if existing and policy != DuplicatePolicy.SKIP:
                raise DuplicateDocumentError(f"Documents already in the store: {sorted(existing)[:5]}")
            unique = [document for document in unique if document.id not in existing]
        for start in range(0, len(unique), _PAGE):
            points = [_to_point(document) for document in unique[start : start + _PAGE]]
            self._shard.update(qe.UpdateOperation.upsert_points(points))
            for point in points:
                self._payloads.pop(point.id, None)
        self._shard.flush()
        return len(unique)

    def get_documents_by_id(self, document_ids: list[str]) -> list[Document]:
        """Point look-ups, with their vectors (as qdrant-haystack's store returns them)."""
        return [_to_document(record) for record in self._retrieve(document_ids, with_vector=True)]

    def delete_documents(self, document_ids: list[str]) -> None:
        if document_ids:
            self._shard.update(qe.UpdateOperation.delete_points([convert_id(i) for i in document_ids]))
            self._shard.flush()

    def delete_by_filter(self, filters: dict[str, Any]) -> int:
        count = self.count_documents_by_filter(filters)
        if count:
            self._shard.update(qe.UpdateOperation.delete_points_by_filter(convert_filters(filters)))
            self._shard.flush()
        return count

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, path=str(self.path), embedding_dim=self.embedding_dim)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "EdgeDocumentStore":
        return cls(**data["init_parameters"])

    # --- retrieval -----------------------------------------------------------------------
    def embedding_search(
        self, query_embedding: list[float], filters: dict[str, Any] | None = None, top_k: int = 10
    ) -> list[Document]:
        return self._query(qe.Query.Nearest(list(query_embedding), using=DENSE_VECTOR), filters, top_k)

    def sparse_search(
        self, query_sparse_embedding: SparseEmbedding, filters: dict[str, Any] | None = None, top_k: int = 10
    ) -> list[Document]:
        return self._query(qe.Query.Nearest(_sparse(query_sparse_embedding), using=SPARSE_VECTOR), filters, top_k)

    def hybrid_search(
        self,
        query_embedding: list[float],
        query_sparse_embedding: SparseEmbedding,
        filters: dict[str, Any] | None = None,
        top_k: int = 10,
    ) -> list[Document]:
        qfilter = convert_filters(filters)
        depth = max(top_k * 5, 50)
        prefetches = [
            qe.Prefetch(limit=depth, query=qe.Query.Nearest(list(query_embedding), using=DENSE_VECTOR), filter=qfilter),
            qe.Prefetch(
                limit=depth,
                query=qe.Query.Nearest(_sparse(query_sparse_embedding), using=SPARSE_VECTOR),
                filter=qfilter,
            ),
        ]
        request = qe.QueryRequest(
            limit=top_k,
            query=qe.Fusion.Rrf(k=RRF_K, weights=[DENSE_WEIGHT, SPARSE_WEIGHT]),  # prefetches: dense, sparse
            prefetches=prefetches,
            filter=qfilter,
            with_payload=False,
        )
        scored = [(point.id, point.score) for point in self._shard.query(request)]
        payloads = self._cached_payloads([point_id for point_id, _ in scored])
        return [_from_payload(payloads[point_id], score) for point_id, score in scored if point_id in payloads]

    def leg(
        self, query_embedding: Any, using: str, filters: dict[str, Any] | None, depth: int
    ) -> list[tuple[Any, float]]:
        """One retrieval leg without payloads: (point id, score), best first. `query_embedding` is a
        dense vector or a SparseEmbedding; `using` names the vector (DENSE_VECTOR or SPARSE_VECTOR)."""
        vector = _sparse(query_embedding) if isinstance(query_embedding, SparseEmbedding) else list(query_embedding)
        request = qe.QueryRequest(
            limit=depth,
            query=qe.Query.Nearest(vector, using=using),
            filter=convert_filters(filters),
            with_payload=False,
        )
        return [(point.id, point.score) for point in self._shard.query(request)]

    def get_points(self, point_ids: list[Any]) -> dict[Any, Document]:
        """Documents by their Qdrant point ids (as `leg` returns them)."""
        payloads = self._cached_payloads(point_ids)
        return {point_id: _from_payload(payload) for point_id, payload in payloads.items()}

    def _cached_payloads(self, point_ids: list[Any]) -> dict[Any, dict[str, Any]]:
        missing = [point_id for point_id in point_ids if point_id not in self._payloads]
        if missing:
            for record in self._shard.retrieve(missing, with_payload=True, with_vector=False):
                self._payloads[record.id] = record.payload or {}
            while len(self._payloads) > _CACHED_PAYLOADS:
                self._payloads.popitem(last=False)
        return {point_id: self._payloads[point_id] for point_id in point_ids if point_id in self._payloads}

    def value_counts(self, field: str, filters: dict[str, Any] | None = None) -> dict[str, int]:
        """How many passages carry each value of a keyword field (under the filters)."""
        request = qe.FacetRequest(key=f"meta.{field}", limit=10_000, exact=True, filter=convert_filters(filters))
        return {str(hit.value): hit.count for hit in self._shard.facet(request)}

    # --- maintenance ---------------------------------------------------------------------
    def optimize(self) -> None:
        """Build the HNSW index and merge segments; call after bulk writes."""
        self._shard.optimize()

    def close(self) -> None:
        self._shard.close()
        self._lock.close()

    def drop(self) -> None:
        # Deleted points stay in a shard's segments and write-ahead log until they are rewritten:
        # only removing the folder leaves nothing of them.
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.with_name(self.path.name + ".lock").unlink(missing_ok=True)

    # --- helpers -------------------------------------------------------------------------
    def _query(self, query: Any, filters: dict[str, Any] | None, top_k: int) -> list[Document]:
        request = qe.QueryRequest(limit=top_k, query=query, filter=convert_filters(filters), with_payload=False)
        scored = [(point.id, point.score) for point in self._shard.query(request)]
        payloads = self._cached_payloads([point_id for point_id, _ in scored])
        return [_from_payload(payloads[point_id], score) for point_id, score in scored if point_id in payloads]

    def _retrieve(self, ids: list[str], with_vector: bool = False) -> list[Any]:
        records = []
        for start in range(0, len(ids), _PAGE):
            chunk = [convert_id(i) for i in ids[start : start + _PAGE]]
            records.extend(self._shard.retrieve(chunk, with_payload=True, with_vector=with_vector))
        return records

    def _scroll(self, qfilter: qe.Filter | None, with_vector: bool) -> list[Any]:
        records: list[Any] = []
        offset = None
        while True:
            page, offset = self._shard.scroll(
                qe.ScrollRequest(offset=offset, limit=_PAGE, filter=qfilter, with_payload=True, with_vector=with_vector)
            )
            records.extend(page)
            if offset is None:
                return records


def _sparse(embedding: SparseEmbedding) -> qe.SparseVector:
    return qe.SparseVector(indices=list(embedding.indices), values=list(embedding.values))


def _to_point(document: Document) -> qe.Point:
    vectors: dict[str, Any] = {}
    if document.embedding is not None:
        vectors[DENSE_VECTOR] = list(document.embedding)
    if document.sparse_embedding is not None:
        vectors[SPARSE_VECTOR] = _sparse(document.sparse_embedding)
    payload = {"id": document.id, "content": document.content, "meta": document.meta}
    return qe.Point(id=convert_id(document.id), vector=vectors, payload=payload)


def _from_payload(payload: dict[str, Any], score: float | None = None) -> Document:
    meta = dict(payload.get("meta") or {})  # a copy: the cached payload must not change
    return Document(id=payload["id"], content=payload.get("content"), meta=meta, score=score)


def _to_document(point: Any) -> Document:
    payload = point.payload or {}
    vector = getattr(point, "vector", None) or {}
    embedding = vector.get(DENSE_VECTOR) if isinstance(vector, dict) else None
    sparse = vector.get(SPARSE_VECTOR) if isinstance(vector, dict) else None
    return Document(
        id=payload["id"],
        content=payload.get("content"),
        meta=payload.get("meta") or {},
        embedding=list(embedding) if embedding is not None else None,
        sparse_embedding=SparseEmbedding(indices=list(sparse.indices), values=list(sparse.values)) if sparse else None,
        score=getattr(point, "score", None),
    )


def _lock(path: Path) -> ExitStack:
    """An exclusive lock beside the shard, taken before the engine touches any of its files: a second
    process that opened the segments of a shard being written could damage them. `close()` on what it
    returns releases the lock."""
    # Not thread-local: the store may be closed by another thread than the one that opened it.
    lock = FileLock(path.with_name(path.name + ".lock"), timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout as error:
        raise StoreError(
            f"The index at {path} is in use by another process. The embedded store serves one "
            "process at a time; run a Qdrant server (KB_QDRANT_URL) to share an index."
        ) from error
    held = ExitStack()
    held.callback(lock.release)
    return held
