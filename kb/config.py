"""Settings, read from the environment with the prefix `KB_`."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KB_", extra="ignore")

    data_dir: Path = Path("data")
    # Folders or files indexed by `make run` besides corpus/ (comma-separated in the environment).
    sources: Annotated[list[Path], NoDecode] = []
    # Unset: the embedded Qdrant Edge shard under data_dir. Set: a Qdrant server or cluster.
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    collection: str = "passages"
    # Set: the embedded store keeps passages in Qdrant Edge shards of at most this many (for 1M and
    # more on one machine, see kb/store/sharded.py). Unset: one shard.
    shard_points: int | None = None
    # The dense leg's model: "e5" (multilingual-e5-small, questions in any language), "minilm"
    # (all-MiniLM-L6-v2, English), or the folder of a sentence-transformers model.
    embedding_model: str = "e5"
    # For a sentence-transformers model: onnx, exported once to ONNX (3x faster per query, same
    # vectors); torch, as loaded.
    embedding_backend: Literal["onnx", "torch"] = "onnx"
    # Optional generative drafting for `kb ask`: an OpenAI-compatible server (base URL ending in /v1).
    llm_url: str | None = None
    llm_model: str = "default"
    llm_api_key: str | None = None
    # HTTP API (`kb serve`): keys for writes (and for reads when api_reads_need_key), upload limit, CORS.
    api_keys: Annotated[list[str], NoDecode] = []
    api_reads_need_key: bool = False
    max_upload_mb: int = 20
    # Encrypts the originals of matter documents at rest (a Fernet key: `kb secret-key` makes one).
    # Unset: matter uploads are refused.
    secret_key: str | None = None
    cors_origins: Annotated[list[str], NoDecode] = []
    # Index each passage with its context (instrument, headings above it, headings of what it cites);
    # off: with its citation and heading only (to measure what the context adds).
    index_context: bool = True
    # learned: kb/ranker.txt orders the retrieval legs' candidates (weighted RRF where the file is
    # missing); rrf: weighted reciprocal rank fusion of the legs only.
    ranker: Literal["learned", "rrf"] = "learned"
    # Languages searched when a query names none (ISO 639-1). Empty: every language, a parallel
    # translation (a treaty's Dutch text beside its English one) only in the query's own.
    languages: Annotated[list[str], NoDecode] = []

    @field_validator("sources", "languages", "api_keys", "cors_origins", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
