"""The retrieval systems compared in one process: Haven's hybrid search and its two legs (BM25 only,
dense only), and the plain Haystack tutorial pipeline (whole documents cut into 200-word windows
with a 20-word overlap, the same MiniLM, an in-memory store)."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np
from haystack import Document
from haystack.components.preprocessors import DocumentSplitter
from haystack.components.retrievers.in_memory import InMemoryBM25Retriever, InMemoryEmbeddingRetriever
from haystack.document_stores.in_memory import InMemoryDocumentStore
from rich.progress import Progress

from ingest.passages import MAX_PART_CHARS
from kb.embed import DenseEncoder, Kind, PassageEmbedder, SparseEncoder
from kb.rank import POOL_DEPTH, Candidate, QueryFacts, Ranker, union
from kb.store.base import PassageStore
from kb.store.edge import EdgeDocumentStore
from kb.text import terms, tokens

MODES = ("hybrid", "rrf", "bm25", "dense")
_BATCH = 64


class CachedEncoder:
    """Dense vectors kept on disk by text hash, so that a benchmark corpus is embedded once."""

    def __init__(self, encoder: DenseEncoder, path: Path):
        self.encoder = encoder
        self.name, self.dim, self.scale = encoder.name, encoder.dim, encoder.scale
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as stored:
                self.vectors = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))

    def encode(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        prefix = "" if kind == "passage" else f"{kind}:"  # passages keep the keys of caches made before kinds
        keys = [hashlib.sha1(f"{prefix}{text}".encode()).hexdigest() for text in texts]
        missing = [i for i, key in enumerate(keys) if key not in self.vectors]
        if missing:
            for key, vector in zip(
                [keys[i] for i in missing], self.encoder.encode([texts[i] for i in missing], kind), strict=True
            ):
                self.vectors[key] = vector
        return np.stack([self.vectors[key] for key in keys])

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.vectors)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(
            tmp, keys=np.array(keys), vectors=np.stack([self.vectors[k] for k in keys]) if keys else np.zeros((0, 384))
        )
        tmp.replace(self.path)


def _batches(items: list, size: int = _BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _embed_all(
    documents: list[Document], embed: Callable[[list[Document]], list[Document]], what: str
) -> list[Document]:
    done: list[Document] = []
    with Progress(transient=True) as progress:
        task = progress.add_task(f"embedding {what}", total=len(documents))
        for batch in _batches(documents):
            done += embed(batch)
            progress.advance(task, len(batch))
    return done


# ---- Haven's retrieval over a benchmark corpus -------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")


def chunk_text(text: str, limit: int = MAX_PART_CHARS) -> list[str]:
    """A benchmark document in passages that fit the embedder's window: paragraphs packed together,
    a paragraph too long for one passage cut at sentence ends (a sentence longer still is cut)."""
    pieces: list[str] = []
    for paragraph in (p.strip() for p in text.split("\n")):
        if not paragraph:
            continue
        if len(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            pieces += [sentence[i : i + limit] for i in range(0, len(sentence), limit)]
    chunks: list[str] = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + 1 + len(piece) <= limit:
            chunks[-1] += "\n" + piece
        else:
            chunks.append(piece)
    return chunks or [text[:limit]]


class BenchIndex:
    """A benchmark corpus indexed the way Haven indexes law (passages, dense + BM25 vectors, one
    Edge shard), searched in each mode: Haven's ranker over both legs ("hybrid"), the legs fused by
    weighted RRF ("rrf"), one leg alone; passages collapse to their corpus documents."""

    def __init__(self, store: PassageStore, dense: DenseEncoder, sparse: SparseEncoder, ranker: Ranker | None = None):
        self.store = store
        self.dense = dense
        self.sparse = sparse
        self.ranker = ranker or Ranker()
        self.fallback = Ranker(None)

    @classmethod
    def build(
        cls, corpus: dict[str, tuple[str, str]], folder: Path, dense: DenseEncoder, ranker: Ranker | None = None
    ) -> BenchIndex:
        """Index the corpus in `folder`, or reopen it when a complete index of the same corpus is there."""
        sparse = SparseEncoder()
        marker = folder / "complete"
        if not marker.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that was interrupted starts again
        store = EdgeDocumentStore(folder / "shard")
        if not marker.exists():
            documents = [
                Document(
                    id=f"{doc_id}#{part}",
                    content=chunk,
                    meta={"document_id": doc_id, "citation": title},
                )
                for doc_id, (title, text) in corpus.items()
                for part, chunk in enumerate(chunk_text(text))
            ]
            embedder = PassageEmbedder(dense, sparse, meta_fields_to_embed=("citation",))
            for batch in _batches(_embed_all(documents, embedder.embed, "passages"), 1000):
                store.write_documents(batch)
            store.optimize()
            marker.write_text(str(len(documents)))
        return cls(store, dense, sparse, ranker)

    def pool(self, query: str, depth: int = POOL_DEPTH) -> tuple[QueryFacts, list[Candidate]]:
        """What the ranker sees of a query: the union of both legs' best passages (no thesaurus:
        its terms are those of migration law)."""
        legs = {
            "dense": self.store.embedding_search(self.dense.encode([query], "query")[0].tolist(), top_k=depth),
            "sparse": self.store.sparse_search(self.sparse.query(query), top_k=depth),
        }
        return QueryFacts(frozenset(terms(query)), words=len(tokens(query))), union(legs)

    def search(self, query: str, mode: str, depth: int = 100) -> list[Document]:
        if mode in ("hybrid", "rrf"):
            facts, candidates = self.pool(query, max(depth, POOL_DEPTH))
            ranker = self.ranker if mode == "hybrid" else self.fallback
            return [replace(c.document, score=score) for c, score in ranker.order(facts, candidates)][:depth]
        if mode == "bm25":
            return self.store.sparse_search(self.sparse.query(query), top_k=depth)
        return self.store.embedding_search(self.dense.encode([query], "query")[0].tolist(), top_k=depth)

    def close(self) -> None:
        self.store.close()


# ---- The Haystack tutorial pipeline ------------------------------------------------------------


class TutorialPipeline:
    """What the Haystack tutorial builds: whole documents, DocumentSplitter (200 words, overlap 20),
    InMemoryDocumentStore, and either embedding retrieval (the same MiniLM, vectors from the same
    encoder, cached) or its BM25 retriever; optionally filtered to one jurisdiction."""

    def __init__(self, documents: dict[str, str], dense: DenseEncoder, jurisdictions: dict[str, str] | None = None):
        self.dense = dense
        splitter = DocumentSplitter(split_by="word", split_length=200, split_overlap=20)
        if hasattr(splitter, "warm_up"):
            splitter.warm_up()
        whole = [
            Document(content=text, meta={"document_id": doc_id, "jurisdiction": (jurisdictions or {}).get(doc_id, "")})
            for doc_id, text in documents.items()
            if text
        ]
        windows = splitter.run(documents=whole)["documents"]

        def embed(batch: list[Document]) -> list[Document]:
            vectors = dense.encode([d.content or "" for d in batch])
            return [replace(d, embedding=v.tolist()) for d, v in zip(batch, vectors, strict=True)]

        self.store = InMemoryDocumentStore(embedding_similarity_function="cosine")
        self.store.write_documents(_embed_all(windows, embed, "tutorial windows"))
        self.retriever = InMemoryEmbeddingRetriever(self.store)
        self.bm25 = InMemoryBM25Retriever(self.store)
        self.windows = len(windows)

    def search(self, query: str, depth: int = 100, mode: str = "dense", jurisdiction: str = "") -> list[Document]:
        filters = {"field": "meta.jurisdiction", "operator": "==", "value": jurisdiction} if jurisdiction else None
        if mode == "bm25":
            return self.bm25.run(query=query, top_k=depth, filters=filters)["documents"]
        embedding = self.dense.encode([query], "query")[0].tolist()
        return self.retriever.run(query_embedding=embedding, top_k=depth, filters=filters)["documents"]
