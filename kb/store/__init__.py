"""Passage stores: embedded Qdrant Edge by default, a Qdrant server or cluster when configured."""

from kb.config import Settings
from kb.store.base import PassageStore, StoreError
from kb.store.edge import EdgeDocumentStore
from kb.store.live import LiveIndex
from kb.store.registry import DocumentRecord, DocumentRegistry
from kb.store.server import ServerDocumentStore
from kb.store.sharded import ShardedEdgeStore


def open_store(settings: Settings, collection: str | None = None) -> PassageStore:
    collection = collection or settings.collection
    if settings.qdrant_url:
        return ServerDocumentStore(url=settings.qdrant_url, api_key=settings.qdrant_api_key, collection=collection)
    path = settings.data_dir / "qdrant" / collection
    if settings.shard_points:
        return ShardedEdgeStore(path, settings.shard_points)
    return EdgeDocumentStore(path)


def open_index(settings: Settings, collection: str | None = None) -> LiveIndex:
    """The configured passage store and registry as one live index (or those of another
    collection: a matter's own); close it when done."""
    collection = collection or settings.collection
    store = open_store(settings, collection)
    try:
        registry = DocumentRegistry(open_store(settings, f"{collection}-documents"))
    except BaseException:
        store.close()
        raise
    return LiveIndex(store, registry, shared=bool(settings.qdrant_url))


__all__ = [
    "DocumentRecord",
    "DocumentRegistry",
    "EdgeDocumentStore",
    "LiveIndex",
    "PassageStore",
    "ServerDocumentStore",
    "ShardedEdgeStore",
    "StoreError",
    "open_index",
    "open_store",
]
