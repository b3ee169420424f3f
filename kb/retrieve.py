"""Hybrid search under filters: validated input, cited passages out."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from kb.embed import QueryEmbedder
from kb.model import Passage, SearchHit
from kb.store.base import PassageStore
from kb.store.registry import DocumentRegistry
from kb.store.retrievers import HybridRetriever

MAX_QUERY_CHARS = 2000
MAX_LIMIT = 100


class SearchError(ValueError):
    """Bad search input; the message says what is wrong and what is allowed."""


@dataclass
class SearchFilters:
    jurisdictions: list[str] = field(default_factory=list)
    instrument_types: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


@dataclass
class SearchResponse:
    query: str
    took_ms: float
    hits: list[SearchHit]

    def as_json(self) -> dict[str, Any]:
        return {"query": self.query, "took_ms": round(self.took_ms, 2), "results": [h.as_json() for h in self.hits]}


_FILTER_FIELDS = {"jurisdictions": "jurisdiction", "instrument_types": "instrument_type", "languages": "language"}


class Searcher:
    def __init__(
        self,
        store: PassageStore,
        registry: DocumentRegistry,
        query_embedder: QueryEmbedder,
        default_languages: list[str],
    ):
        self.store = store
        self.registry = registry
        self.query_embedder = query_embedder
        self.retriever = HybridRetriever(store)
        self.default_languages = default_languages
        self._known: dict[str, set[str]] = {}

    def known_values(self, field_name: str) -> set[str]:
        if field_name not in self._known:
            self._known[field_name] = set(self.store.value_counts(field_name))
        return self._known[field_name]

    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 10) -> SearchResponse:
        started = time.perf_counter()
        query = query.strip()
        if not query:
            raise SearchError("The query is empty.")
        if len(query) > MAX_QUERY_CHARS:
            raise SearchError(f"The query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}.")
        if not 1 <= limit <= MAX_LIMIT:
            raise SearchError(f"The limit must be between 1 and {MAX_LIMIT}, got {limit}.")
        store_filters = self._store_filters(filters or SearchFilters())
        embedded = self.query_embedder.run(text=query)
        documents = self.retriever.run(
            query_embedding=embedded["embedding"],
            query_sparse_embedding=embedded["sparse_embedding"],
            filters=store_filters,
            top_k=limit,
        )["documents"]
        live = self.registry.get([d.meta["document_id"] for d in documents])
        hits = [
            SearchHit(Passage.from_document(d), d.score or 0.0)
            for d in documents
            if d.meta["document_id"] in live and live[d.meta["document_id"]].content_hash == d.meta["content_hash"]
        ]
        return SearchResponse(query, (time.perf_counter() - started) * 1000, hits)

    def _store_filters(self, filters: SearchFilters) -> dict[str, Any] | None:
        conditions = []
        languages = filters.languages or self.default_languages
        for attribute, values in (
            ("jurisdictions", [v.upper() for v in filters.jurisdictions]),
            ("instrument_types", [v.lower() for v in filters.instrument_types]),
            ("languages", [v.lower() for v in languages]),
        ):
            if not values:
                continue
            field_name = _FILTER_FIELDS[attribute]
            known = self.known_values(field_name)
            unknown = sorted(set(values) - known)
            # The default languages are a preference, not a demand: never an error.
            if unknown and not (attribute == "languages" and not filters.languages):
                raise SearchError(
                    f"Unknown {field_name.replace('_', ' ')} {', '.join(map(repr, unknown))}; "
                    f"known: {', '.join(sorted(known)) or '(the index is empty)'}."
                )
            conditions.append({"field": f"meta.{field_name}", "operator": "in", "value": values})
        if not conditions:
            return None
        return {"operator": "AND", "conditions": conditions}
