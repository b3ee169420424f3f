"""Wiring: the store, encoders and searcher that the CLI (and later the API) use, from settings."""

from kb.answer import Answerer
from kb.config import Settings
from kb.embed import DenseEncoder, PassageEmbedder, QueryEmbedder, SparseEncoder, make_encoder
from kb.generate import GenerativeDrafter
from kb.retrieve import Searcher
from kb.store import open_registry, open_store


def dense_encoder(settings: Settings) -> DenseEncoder:
    return make_encoder(settings.model_path, settings.embedding_backend, settings.data_dir / "models")


def passage_embedder(settings: Settings) -> PassageEmbedder:
    return PassageEmbedder(dense_encoder(settings), SparseEncoder())


def searcher(settings: Settings) -> Searcher:
    """A searcher over the configured store; close it with `close_searcher`."""
    embedder = QueryEmbedder(dense_encoder(settings), SparseEncoder())
    return Searcher(open_store(settings), open_registry(settings), embedder, settings.languages)


def answerer(settings: Settings, searcher: Searcher) -> Answerer:
    """The drafter of `kb ask`: generative when KB_LLM_URL is set, extractive otherwise."""
    generator = (
        GenerativeDrafter(settings.llm_url, settings.llm_model, settings.llm_api_key) if settings.llm_url else None
    )
    return Answerer(searcher, generator)


def close_searcher(searcher: Searcher) -> None:
    searcher.store.close()
    searcher.registry.close()
