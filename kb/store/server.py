"""A Qdrant server or cluster (or qdrant-client's local mode) through qdrant-haystack."""

from typing import Any

from haystack import Document, default_to_dict
from haystack.dataclasses import SparseEmbedding
from haystack.document_stores.types import DuplicatePolicy
from haystack.utils import Secret
from haystack_integrations.components.retrievers.qdrant import (
    QdrantEmbeddingRetriever,
    QdrantHybridRetriever,
    QdrantSparseEmbeddingRetriever,
)
from haystack_integrations.document_stores.qdrant import QdrantDocumentStore

from kb.store.base import EMBEDDING_DIM, KEYWORD_FIELDS


class ServerDocumentStore:
    """The same contract as the embedded store, kept by qdrant-haystack's QdrantDocumentStore.

    `url` names a server or cluster; `location=":memory:"` or `path` use qdrant-client's local
    mode, which speaks the same API (the contract tests run against it).
    """

    def __init__(
        self,
        url: str | None = None,
        api_key: str | None = None,
        collection: str = "passages",
        location: str | None = None,
        path: str | None = None,
        embedding_dim: int = EMBEDDING_DIM,
    ):
        self._init = {"url": url, "collection": collection, "location": location, "path": path}
        self.store = QdrantDocumentStore(
            url=url,
            api_key=Secret.from_token(api_key) if api_key else None,
            location=location,
            path=path,
            index=collection,
            embedding_dim=embedding_dim,
            use_sparse_embeddings=True,
            sparse_idf=True,
            similarity="cosine",
            progress_bar=False,
            payload_fields_to_index=[
                {"field_name": f"meta.{name}", "field_schema": "keyword"} for name in KEYWORD_FIELDS
            ],
        )
        self._dense = QdrantEmbeddingRetriever(self.store)
        self._sparse = QdrantSparseEmbeddingRetriever(self.store)
        self._hybrid = QdrantHybridRetriever(self.store)

    def count_documents(self) -> int:
        return self.store.count_documents()

    def count_documents_by_filter(self, filters: dict[str, Any]) -> int:
        return self.store.count_documents_by_filter(filters)

    def filter_documents(self, filters: dict[str, Any] | None = None) -> list[Document]:
        return self.store.filter_documents(filters)

    def write_documents(self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.NONE) -> int:
        return self.store.write_documents(documents, policy)

    def delete_documents(self, document_ids: list[str]) -> None:
        self.store.delete_documents(document_ids)

    def delete_by_filter(self, filters: dict[str, Any]) -> int:
        return self.store.delete_by_filter(filters)

    def value_counts(self, field: str, filters: dict[str, Any] | None = None) -> dict[str, int]:
        values, _ = self.store.get_metadata_field_unique_values(field, size=10_000, filters=filters)
        # qdrant-haystack lists values, not counts: count each under the same filters.
        counts = {}
        for value in values:
            condition = {"field": f"meta.{field}", "operator": "==", "value": value}
            scoped = {"operator": "AND", "conditions": [filters, condition]} if filters else condition
            counts[str(value)] = self.store.count_documents_by_filter(scoped)
        return counts

    def embedding_search(
        self, query_embedding: list[float], filters: dict[str, Any] | None = None, top_k: int = 10
    ) -> list[Document]:
        return self._dense.run(query_embedding=query_embedding, filters=filters, top_k=top_k)["documents"]

    def sparse_search(
        self, query_sparse_embedding: SparseEmbedding, filters: dict[str, Any] | None = None, top_k: int = 10
    ) -> list[Document]:
        return self._sparse.run(query_sparse_embedding=query_sparse_embedding, filters=filters, top_k=top_k)[
            "documents"
        ]

    def hybrid_search(
        self,
        query_embedding: list[float],
        query_sparse_embedding: SparseEmbedding,
        filters: dict[str, Any] | None = None,
        top_k: int = 10,
    ) -> list[Document]:
        result = self._hybrid.run(
            query_embedding=query_embedding, query_sparse_embedding=query_sparse_embedding, filters=filters, top_k=top_k
        )
        return result["documents"]

    def optimize(self) -> None:
        """A server builds its indexes in the background."""

    def close(self) -> None:
        self.store.close()

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, **self._init)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ServerDocumentStore":
        return cls(**data["init_parameters"])
