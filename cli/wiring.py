"""Wiring: the index, encoders, searcher, drafter, indexer and library that the command line,
the API server and the stand-alone benchmarks run on, built from settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from ingest.pipeline import Indexer
from kb.accounts import Accounts
from kb.answer import Answerer
from kb.collections import Collections
from kb.config import Settings
from kb.embed import DenseEncoder, PassageEmbedder, QueryEmbedder, SparseEncoder, make_encoder
from kb.generate import GenerativeDrafter
from kb.matters import Matters
from kb.rank import MODEL_FILE, Ranker
from kb.retrieve import Searcher
from kb.store import LiveIndex, open_index
from search_api.library import Library


def dense_encoder(settings: Settings) -> DenseEncoder:
    return make_encoder(settings.embedding_model, settings.embedding_backend, settings.data_dir / "models")


def passage_embedder(settings: Settings) -> PassageEmbedder:
    return PassageEmbedder(dense_encoder(settings), SparseEncoder(), with_context=settings.index_context)


def searcher(settings: Settings, index: LiveIndex | None = None) -> Searcher:
    """A searcher over the configured index (or `index`); `searcher.close()` closes the index."""
    embedder = QueryEmbedder(dense_encoder(settings), SparseEncoder())
    ranker = Ranker(MODEL_FILE if settings.ranker == "learned" else None)
    return Searcher(index or open_index(settings), embedder, settings.languages, ranker)


@contextmanager
def open_searcher(settings: Settings) -> Iterator[Searcher]:
    opened = searcher(settings)
    try:
        yield opened
    finally:
        opened.close()


def answerer(settings: Settings, searcher: Searcher) -> Answerer:
    """The drafter of `kb ask`: generative when KB_LLM_URL is set, extractive otherwise."""
    generator = (
        GenerativeDrafter(settings.llm_url, settings.llm_model, settings.llm_api_key) if settings.llm_url else None
    )
    return Answerer(searcher, generator)


def collections(settings: Settings) -> Collections:
    return Collections(settings.data_dir / "collections.sqlite3")


def open_library(settings: Settings) -> Library:
    """Everything the API and web UI serve from, opened once per process; `close()` it."""
    shared = searcher(settings)
    embedder = PassageEmbedder(shared.query_embedder.dense, SparseEncoder(), with_context=settings.index_context)
    indexer = Indexer(shared.index, embedder)
    return Library(
        settings, shared, answerer(settings, shared), indexer, collections(settings), accounts(settings),
        Matters(settings.data_dir, partial(open_index, settings), settings.secret_key),
    )  # fmt: skip


def accounts(settings: Settings) -> Accounts:
    return Accounts(settings.data_dir / "accounts.sqlite3")
