"""A Qdrant server or cluster (or qdrant-client's local mode) through qdrant-haystack."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from haystack import Document, default_to_dict
from haystack.dataclasses import SparseEmbedding
from haystack.document_stores.types import DuplicatePolicy
from haystack.errors import FilterError
from haystack.utils import Secret
from haystack_integrations.components.retrievers.qdrant import (
    QdrantEmbeddingRetriever,
    QdrantHybridRetriever,
    QdrantSparseEmbeddingRetriever,
)
from haystack_integrations.document_stores.qdrant import QdrantDocumentStore
from haystack_integrations.document_stores.qdrant.filters import convert_filters_to_qdrant
from qdrant_client import models

from kb.store.base import (
    DENSE_WEIGHT,
    EMBEDDING_DIM,
    KEYWORD_FIELDS,
    RRF_K,
    SPARSE_WEIGHT,
    TEXT_FIELD,
    TEXT_OPERATORS,
)

T = TypeVar("T")


def _filter_errors(method: Callable[..., T]) -> Callable[..., T]:
    """qdrant-haystack reports malformed filters as ValueError; the contract says FilterError."""

    @wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return method(*args, **kwargs)
        except FilterError:
            raise
        except ValueError as error:
            raise FilterError(str(error)) from error

    return wrapper


def _to_qdrant(filters: dict[str, Any] | None) -> models.Filter | None:
    """Haystack filters, plus the full-text operators of kb.store.base, as a Qdrant filter."""
    if not filters:
        return None
    operator = filters.get("operator")
    if operator in ("AND", "OR", "NOT"):
        if "conditions" not in filters:
            raise FilterError(f"'{operator}' needs 'conditions'")
        parts: list[Any] = [_to_qdrant(child) for child in filters["conditions"]]
        if operator == "AND":
            return models.Filter(must=parts)
        if operator == "OR":
            return models.Filter(should=parts)
        return models.Filter(must_not=[models.Filter(must=parts)])
    if operator in TEXT_OPERATORS:
        value = filters.get("value")
        if not isinstance(value, str) or not value.strip():
            raise FilterError(f"'{operator}' needs some text, got {value!r}")
        match = models.MatchPhrase(phrase=value) if operator == "contains phrase" else models.MatchText(text=value)
        return models.Filter(must=[models.FieldCondition(key=filters["field"], match=match)])
    return convert_filters_to_qdrant(filters)


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
                *({"field_name": f"meta.{name}", "field_schema": "keyword"} for name in KEYWORD_FIELDS),
                {
                    "field_name": TEXT_FIELD,
                    "field_schema": models.TextIndexParams(
                        type=models.TextIndexType.TEXT,
                        tokenizer=models.TokenizerType.WORD,
                        lowercase=True,
                        phrase_matching=True,
                    ),
                },
            ],
        )
        self._dense = QdrantEmbeddingRetriever(self.store)
        self._sparse = QdrantSparseEmbeddingRetriever(self.store)
        # Weighted RRF needs a Qdrant server 1.17 or later (docker-compose.yml pins one).
        self._hybrid = QdrantHybridRetriever(self.store, rrf_k=RRF_K, rrf_weights=[SPARSE_WEIGHT, DENSE_WEIGHT])

    def count_documents(self) -> int:
        return self.store.count_documents()

    @_filter_errors
    def count_documents_by_filter(self, filters: dict[str, Any]) -> int:
        return self.store.count_documents_by_filter(_to_qdrant(filters))

    @_filter_errors
    def filter_documents(self, filters: dict[str, Any] | None = None) -> list[Document]:
        return self.store.filter_documents(_to_qdrant(filters))

    def write_documents(self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.NONE) -> int:
        return self.store.write_documents(documents, policy)

    def get_documents_by_id(self, document_ids: list[str]) -> list[Document]:
        return self.store.get_documents_by_id(document_ids)

    def delete_documents(self, document_ids: list[str]) -> None:
        self.store.delete_documents(document_ids)

    @_filter_errors
    def delete_by_filter(self, filters: dict[str, Any]) -> int:
        return self.store.delete_by_filter(_to_qdrant(filters))

    @_filter_errors
    def value_counts(self, field: str, filters: dict[str, Any] | None = None) -> dict[str, int]:
        # qdrant-haystack has no facet call; the client's facet counts list values element-wise.
        self.store._initialize_client()
        response = self.store._client.facet(
            collection_name=self.store.index,
            key=f"meta.{field}",
            facet_filter=_to_qdrant(filters),
            limit=10_000,
            exact=True,
        )
        return {str(hit.value): hit.count for hit in response.hits}

    @_filter_errors
    def embedding_search(
        self, query_embedding: list[float], filters: dict[str, Any] | None = None, top_k: int = 10
    ) -> list[Document]:
        return self._dense.run(query_embedding=query_embedding, filters=_to_qdrant(filters), top_k=top_k)["documents"]

    @_filter_errors
    def sparse_search(
        self, query_sparse_embedding: SparseEmbedding, filters: dict[str, Any] | None = None, top_k: int = 10
    ) -> list[Document]:
        result = self._sparse.run(
            query_sparse_embedding=query_sparse_embedding, filters=_to_qdrant(filters), top_k=top_k
        )
        return result["documents"]

    @_filter_errors
    def hybrid_search(
        self,
        query_embedding: list[float],
        query_sparse_embedding: SparseEmbedding,
        filters: dict[str, Any] | None = None,
        top_k: int = 10,
    ) -> list[Document]:
        result = self._hybrid.run(
            query_embedding=query_embedding,
            query_sparse_embedding=query_sparse_embedding,
            filters=_to_qdrant(filters),
            top_k=top_k,
        )
        return result["documents"]

    def drop(self) -> None:
        # Qdrant removes a deleted collection's segments and write-ahead log from its storage.
        self.store._initialize_client()  # qdrant-haystack opens its client lazily and names it privately
        self.store._client.delete_collection(self._init["collection"])
        self.close()

    def optimize(self) -> None:
        """A server builds its indexes in the background."""

    def close(self) -> None:
        self.store.close()

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, **self._init)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ServerDocumentStore":
        return cls(**data["init_parameters"])
