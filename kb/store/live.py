"""The live index: the passage store and the document registry behind one object, so that every
reader sees only the live version of each document.

A document's new passages are written beside the old ones (their ids include the content hash);
one write of its record to the registry makes the new version live; then the old passages are
deleted. Between those steps, and after a crash in between, the store holds two versions of a
document: then every read here adds the live condition (the passage's content hash is its
document's live one), so a document is seen wholly old or wholly new. When the store holds no
passage but the live ones (the usual state) the condition is left out: it would only cost time.
"""

from __future__ import annotations

import time
from typing import Any

from haystack import Document
from haystack.dataclasses import SparseEmbedding
from haystack.document_stores.types import DuplicatePolicy

from kb.store.base import PassageStore
from kb.store.registry import DocumentRecord, DocumentRegistry


def of_document(document_id: str) -> dict[str, Any]:
    return {"field": "meta.document_id", "operator": "==", "value": document_id}


def all_of(*filters: dict[str, Any] | None) -> dict[str, Any] | None:
    present = [f for f in filters if f]
    if len(present) < 2:
        return present[0] if present else None
    return {"operator": "AND", "conditions": present}


class LiveIndex:
    """Passages of live document versions, and the writes that change which version is live.

    `shared`: other processes may write to the same store (a Qdrant server), so the registry is
    read again when the copy here is over SHARED_RECORDS_S old; an embedded store is locked to
    this process, so its records are kept until this object writes.
    """

    SHARED_RECORDS_S = 1.0

    def __init__(self, passages: PassageStore, registry: DocumentRegistry, shared: bool = False):
        self.store = passages
        self.registry = registry
        self.shared = shared
        self._records: dict[str, DocumentRecord] | None = None
        self._read_at = 0.0
        self._checked: tuple[dict[str, DocumentRecord] | None, bool] = (None, False)  # (records, only live)
        self._generation: tuple[dict[str, DocumentRecord] | None, int] = (None, 0)

    # --- the registry -----------------------------------------------------------------------
    def records(self) -> dict[str, DocumentRecord]:
        """Every live document's record, by document id."""
        stale = self.shared and time.monotonic() - self._read_at > self.SHARED_RECORDS_S
        if self._records is None or stale:
            self._records, self._read_at = self.registry.all(), time.monotonic()
        return self._records

    def record(self, document_id: str) -> DocumentRecord | None:
        return self.records().get(document_id)

    def generation(self) -> int:
        """Changes whenever a document version becomes live or is removed (for readers' caches)."""
        records = self.records()
        if self._generation[0] is not records:  # once per look at the registry
            self._generation = (records, hash(frozenset((r.document_id, r.content_hash) for r in records.values())))
        return self._generation[1]

    # --- reading ----------------------------------------------------------------------------
    def live_condition(self) -> dict[str, Any] | None:
        """The condition that keeps to live versions; None while the store holds nothing else."""
        records = self.records()
        if self._checked[0] is not records:  # once per look at the registry
            live_total = sum(r.passage_count for r in records.values())
            self._checked = (records, self.store.count_documents() == live_total)
        if self._checked[1]:
            return None
        hashes = sorted({r.content_hash for r in records.values()})
        return {"field": "meta.content_hash", "operator": "in", "value": hashes}

    def filter(self, filters: dict[str, Any] | None = None) -> list[Document]:
        return self._live(self.store.filter_documents(all_of(filters, self.live_condition())))

    def passages(self, document_id: str) -> list[Document]:
        """A document's live passages in reading order."""
        found = self.filter(of_document(document_id))
        return sorted(found, key=lambda d: (d.meta.get("start", 0), d.meta.get("part", 0)))

    def by_ids(self, passage_ids: list[str]) -> list[Document]:
        return self._live(self.store.get_documents_by_id(passage_ids)) if passage_ids else []

    def count(self, filters: dict[str, Any] | None = None) -> int:
        condition = all_of(filters, self.live_condition())
        return self.store.count_documents_by_filter(condition) if condition else self.store.count_documents()

    def facets(self, field: str, filters: dict[str, Any] | None = None) -> dict[str, int]:
        """How many live passages carry each value of a keyword field (under the filters)."""
        return self.store.value_counts(field, all_of(filters, self.live_condition()))

    def search(
        self,
        query_embedding: list[float],
        query_sparse_embedding: SparseEmbedding,
        filters: dict[str, Any] | None = None,
        top_k: int = 10,
    ) -> list[Document]:
        """Hybrid retrieval (dense and BM25, fused in the engine) among live passages."""
        found = self.store.hybrid_search(
            query_embedding, query_sparse_embedding, all_of(filters, self.live_condition()), top_k
        )
        return self._live(found)

    def legs(
        self,
        queries: dict[str, list[float] | SparseEmbedding],
        filters: dict[str, Any] | None,
        depth: int,
        leg_filters: dict[str, dict[str, Any]] | None = None,
    ) -> dict[str, list[Document]]:
        """Each retrieval leg on its own among live passages, best first with the leg's own score:
        `queries` maps a leg's name to a dense vector or a BM25 (sparse) query; `leg_filters` adds a
        leg's own conditions (the BM25 leg reads the query's language only)."""
        found = {}
        for leg, query in queries.items():
            condition = all_of(filters, (leg_filters or {}).get(leg), self.live_condition())
            if isinstance(query, SparseEmbedding):
                found[leg] = self._live(self.store.sparse_search(query, condition, depth))
            else:
                found[leg] = self._live(self.store.embedding_search(query, condition, depth))
        return found

    def _live(self, documents: list[Document]) -> list[Document]:
        # Two documents may share a content hash (identical files without a manifest); the id decides.
        records = self.records()
        return [d for d in documents if _is_live(d, records)]

    # --- writing ----------------------------------------------------------------------------
    def is_current(self, document_id: str, digest: str) -> bool:
        """Whether this version of the document is live and whole; leftovers of an interrupted
        run (passages of other versions) are removed on the way."""
        record = self.registry.get([document_id]).get(document_id)
        if record is None or record.content_hash != digest:
            return False
        if self.store.count_documents_by_filter(of_document(document_id)) != record.passage_count:
            self._remove_other_versions(document_id, digest)
        return True

    def write(self, passages: list[Document]) -> None:
        """A new version's passages, beside the old; invisible to readers until `commit`."""
        self.store.write_documents(passages, DuplicatePolicy.OVERWRITE)
        self._checked = (None, False)

    def commit(self, record: DocumentRecord) -> None:
        """Make this version live (one write), then delete the document's other versions."""
        self.registry.commit(record)
        self._records = None
        self._remove_other_versions(record.document_id, record.content_hash)

    def remove(self, document_id: str) -> int:
        """Remove a document: invisible once its record is gone, whatever happens next."""
        self.registry.remove(document_id)
        self._records = None
        return self.store.delete_by_filter(of_document(document_id))

    def _remove_other_versions(self, document_id: str, digest: str) -> None:
        stale = {"field": "meta.content_hash", "operator": "!=", "value": digest}
        self.store.delete_by_filter({"operator": "AND", "conditions": [of_document(document_id), stale]})

    def optimize(self) -> None:
        self.store.optimize()

    def close(self) -> None:
        self.store.close()
        self.registry.close()

    def drop(self) -> None:
        """Close the index and delete its passages and registry with every file they kept."""
        self.store.drop()
        self.registry.drop()


def _is_live(document: Document, records: dict[str, DocumentRecord]) -> bool:
    record = records.get(document.meta.get("document_id", ""))
    return record is not None and record.content_hash == document.meta.get("content_hash")
