"""The contract both stores keep: Haystack's DocumentStore protocol plus hybrid retrieval."""

from typing import Any, Protocol

from haystack import Document
from haystack.dataclasses import SparseEmbedding
from haystack.document_stores.types import DuplicatePolicy

EMBEDDING_DIM = 384
DENSE_VECTOR = "text-dense"  # vector names as qdrant-haystack uses them, so one collection serves both
SPARSE_VECTOR = "text-sparse"
# Payload fields with a keyword index: the ones every search filters or facets on.
KEYWORD_FIELDS = (
    "jurisdiction",
    "instrument_type",
    "language",
    "text_role",
    "topics",
    "document_id",
    "content_hash",
    "citation",  # citation lookup lists a document's labels, then fetches the cited ones
    "cites_provisions",  # "cited by": the passages that refer to a provision
)
# Reciprocal rank fusion of the dense and BM25 legs: k and the legs' weights, tuned on the team's gold
# set and the ObliQA dev split (eval/; `kb eval --split dev`), where BM25 is the stronger leg.
RRF_K = 10
DENSE_WEIGHT = 1.0
SPARSE_WEIGHT = 1.25
# The passage text has a full-text index (words, lower case, phrases) for exact phrases and
# AND / OR / NOT: filters on the field "content" with these two operators beside Haystack's own.
TEXT_FIELD = "content"
TEXT_OPERATORS = ("contains phrase", "contains words")


class StoreError(Exception):
    """The store cannot be opened or used; the message says why and what to do."""


class PassageStore(Protocol):
    def count_documents(self) -> int: ...

    def count_documents_by_filter(self, filters: dict[str, Any]) -> int: ...

    def filter_documents(self, filters: dict[str, Any] | None = None) -> list[Document]: ...

    def write_documents(self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.NONE) -> int: ...

    def get_documents_by_id(self, document_ids: list[str]) -> list[Document]: ...

    def delete_documents(self, document_ids: list[str]) -> None: ...

    def delete_by_filter(self, filters: dict[str, Any]) -> int: ...

    def value_counts(self, field: str, filters: dict[str, Any] | None = None) -> dict[str, int]: ...

    def embedding_search(
        self, query_embedding: list[float], filters: dict[str, Any] | None = None, top_k: int = 10
    ) -> list[Document]: ...

    def sparse_search(
        self, query_sparse_embedding: SparseEmbedding, filters: dict[str, Any] | None = None, top_k: int = 10
    ) -> list[Document]: ...

    def hybrid_search(
        self,
        query_embedding: list[float],
        query_sparse_embedding: SparseEmbedding,
        filters: dict[str, Any] | None = None,
        top_k: int = 10,
    ) -> list[Document]: ...

    def optimize(self) -> None: ...

    def close(self) -> None: ...

    def drop(self) -> None:
        """Close the store and delete it with everything it holds (its files, or its collection)."""
        ...

    def to_dict(self) -> dict[str, Any]: ...
