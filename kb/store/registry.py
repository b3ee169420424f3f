"""Which version of each document is live: one record per document, in a store of its own.

Writing a record is the commit point of crash-safe indexing (kb/store/live.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from haystack import Document
from haystack.document_stores.types import DuplicatePolicy

from kb.store.base import PassageStore


@dataclass
class DocumentRecord:
    document_id: str
    content_hash: str
    passage_count: int
    source: str = ""
    title: str = ""
    jurisdiction: str = ""
    instrument_type: str = ""
    cite_as: str = ""  # the instrument's name in its citation labels ("CETS No 197")
    aliases: list[str] = field(default_factory=list)  # other names users type for it


class DocumentRegistry:
    """Document records kept in a store of their own (a second shard or collection)."""

    def __init__(self, store: PassageStore):
        self.store = store

    def get(self, document_ids: list[str]) -> dict[str, DocumentRecord]:
        if not document_ids:
            return {}
        found = self.store.get_documents_by_id(sorted(set(document_ids)))  # point look-ups, no scan
        return {d.id: DocumentRecord(**d.meta) for d in found}

    def all(self) -> dict[str, DocumentRecord]:
        return {d.id: DocumentRecord(**d.meta) for d in self.store.filter_documents()}

    def commit(self, record: DocumentRecord) -> None:
        self.store.write_documents(
            [Document(id=record.document_id, content="", meta=asdict(record))], DuplicatePolicy.OVERWRITE
        )

    def remove(self, document_id: str) -> None:
        self.store.delete_documents([document_id])

    def close(self) -> None:
        self.store.close()

    def drop(self) -> None:
        self.store.drop()
