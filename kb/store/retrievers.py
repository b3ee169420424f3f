"""Haystack retriever components over any PassageStore (embedded or server)."""

from typing import Any

from haystack import Document, component
from haystack.dataclasses import SparseEmbedding

from kb.store.base import PassageStore


@component
class EmbeddingRetriever:
    """Dense nearest neighbours."""

    def __init__(self, document_store: PassageStore, top_k: int = 10):
        self.document_store = document_store
        self.top_k = top_k

    @component.output_types(documents=list[Document])
    def run(
        self, query_embedding: list[float], filters: dict[str, Any] | None = None, top_k: int | None = None
    ) -> dict[str, list[Document]]:
        return {"documents": self.document_store.embedding_search(query_embedding, filters, top_k or self.top_k)}


@component
class SparseRetriever:
    """BM25 through sparse vectors with the IDF modifier."""

    def __init__(self, document_store: PassageStore, top_k: int = 10):
        self.document_store = document_store
        self.top_k = top_k

    @component.output_types(documents=list[Document])
    def run(
        self, query_sparse_embedding: SparseEmbedding, filters: dict[str, Any] | None = None, top_k: int | None = None
    ) -> dict[str, list[Document]]:
        documents = self.document_store.sparse_search(query_sparse_embedding, filters, top_k or self.top_k)
        return {"documents": documents}


@component
class HybridRetriever:
    """Dense and BM25 legs under the same filters, fused in the engine by reciprocal rank fusion."""

    def __init__(self, document_store: PassageStore, top_k: int = 10):
        self.document_store = document_store
        self.top_k = top_k

    @component.output_types(documents=list[Document])
    def run(
        self,
        query_embedding: list[float],
        query_sparse_embedding: SparseEmbedding,
        filters: dict[str, Any] | None = None,
        top_k: int | None = None,
    ) -> dict[str, list[Document]]:
        documents = self.document_store.hybrid_search(
            query_embedding, query_sparse_embedding, filters, top_k or self.top_k
        )
        return {"documents": documents}
