"""Passage stores: embedded Qdrant Edge by default, a Qdrant server or cluster when configured."""

from kb.config import Settings
from kb.store.base import PassageStore, StoreError
from kb.store.edge import EdgeDocumentStore
from kb.store.server import ServerDocumentStore


def open_store(settings: Settings) -> PassageStore:
    if settings.qdrant_url:
        return ServerDocumentStore(
            url=settings.qdrant_url, api_key=settings.qdrant_api_key, collection=settings.collection
        )
    return EdgeDocumentStore(settings.shard_dir)


__all__ = ["EdgeDocumentStore", "PassageStore", "ServerDocumentStore", "StoreError", "open_store"]
