"""Dense (MiniLM, offline) and sparse (BM25) embeddings of passages and queries."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple, Protocol

import numpy as np
import qdrant_edge as qe
from haystack import Document
from haystack.dataclasses import SparseEmbedding

_ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class DenseEncoder(Protocol):
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


class TorchEncoder:
    """The model as sentence-transformers loads it."""

    def __init__(self, model_path: Path):
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
        self.dim = int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)


class OnnxEncoder:
    """The same model exported once to ONNX: identical vectors, about three times faster per query.

    The export needs torch; later loads need only onnxruntime and tokenizers.
    """

    def __init__(self, model_path: Path, cache_dir: Path):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        export_dir = cache_dir / f"{model_path.name}-{_fingerprint(model_path)}"
        if not (export_dir / "model.onnx").exists():
            _export_onnx(model_path, export_dir)
        info = json.loads((export_dir / "info.json").read_text())
        self.dim = int(info["dim"])
        self.tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=int(info["max_seq_length"]))
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(export_dir / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = []
        # Sort by length so each batch pads little.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), 16):
            batch = [texts[i] for i in order[start : start + 16]]
            encodings = self.tokenizer.encode_batch(batch)
            feeds = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            hidden = self.session.run(None, feeds)[0]
            mask = feeds["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            vectors.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
        stacked = np.concatenate(vectors) if vectors else np.zeros((0, self.dim), dtype=np.float32)
        result = np.empty_like(stacked)
        result[order] = stacked
        return result


def _fingerprint(model_path: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(model_path.rglob("*")):
        if file.is_file():
            digest.update(f"{file.relative_to(model_path)}:{file.stat().st_size}".encode())
    return digest.hexdigest()[:12]


def _export_onnx(model_path: Path, export_dir: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    pooling = [m for m in model if type(m).__name__ == "Pooling"]
    if not pooling or pooling[0].get_config_dict().get("pooling_mode") != "mean":
        raise ValueError(f"{model_path}: the ONNX backend supports mean pooling only; set KB_EMBEDDING_BACKEND=torch")
    transformer = model[0].auto_model.eval()

    class _Wrapper(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    sample = model.tokenizer(["a sample sentence", "another"], padding=True, return_tensors="pt")
    tmp_dir = export_dir.with_name(export_dir.name + f".tmp{os.getpid()}")
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():  # the tracer's warnings concern shapes exported as dynamic
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Wrapper(),
            tuple(sample[name] for name in _ONNX_INPUTS),
            str(tmp_dir / "model.onnx"),
            input_names=list(_ONNX_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in (*_ONNX_INPUTS, "last_hidden_state")},
            opset_version=17,
            dynamo=False,
        )
    info = {"dim": model.get_embedding_dimension(), "max_seq_length": model.max_seq_length}
    (tmp_dir / "info.json").write_text(json.dumps(info))
    try:
        tmp_dir.replace(export_dir)  # atomic: a half-written export is never picked up
    except OSError:
        shutil.rmtree(tmp_dir, ignore_errors=True)  # another process finished the same export first


def make_encoder(model_path: Path, backend: Literal["onnx", "torch"], cache_dir: Path) -> DenseEncoder:
    if not model_path.is_dir():
        raise FileNotFoundError(f"Embedding model not found at {model_path} (a local directory is required)")
    return OnnxEncoder(model_path, cache_dir) if backend == "onnx" else TorchEncoder(model_path)


class SparseEncoder:
    """BM25 term weights (Qdrant's tokenizer, English stemming); the store applies IDF."""

    def __init__(self) -> None:
        self.model = qe.Bm25(qe.Bm25Config(language="english", avg_len=200))

    def document(self, text: str) -> SparseEmbedding:
        vector = self.model.embed_document(text)
        return SparseEmbedding(indices=list(vector.indices), values=list(vector.values))

    def query(self, text: str) -> SparseEmbedding:
        vector = self.model.embed_query(text)
        return SparseEmbedding(indices=list(vector.indices), values=list(vector.values))


def embedding_text(document: Document, meta_fields: tuple[str, ...]) -> str:
    context = ". ".join(str(document.meta[name]) for name in meta_fields if document.meta.get(name))
    return f"{context}\n{document.content or ''}" if context else document.content or ""


class PassageEmbedder:
    """Adds dense and sparse embeddings to passages. Both legs index a passage with its context
    (Passage.index_context: instrument, headings above it, its heading, the headings of what it
    cites) before its text; with `with_context=False`, with its citation and heading only."""

    def __init__(
        self,
        dense: DenseEncoder,
        sparse: SparseEncoder,
        meta_fields_to_embed: tuple[str, ...] = ("citation", "heading"),
        with_context: bool = True,
    ):
        self.dense = dense
        self.sparse = sparse
        self.meta_fields_to_embed = meta_fields_to_embed
        self.with_context = with_context

    @property
    def version(self) -> str:
        """What decides the indexed text besides the passages themselves (part of a version's digest)."""
        return f"{'context' if self.with_context else 'plain'}:{','.join(self.meta_fields_to_embed)}"

    def _text(self, document: Document) -> str:
        if self.with_context and document.meta.get("index_context"):
            return f"{document.meta['index_context']}\n{document.content or ''}"
        return embedding_text(document, self.meta_fields_to_embed)

    def embed(self, documents: list[Document]) -> list[Document]:
        texts = [self._text(document) for document in documents]
        vectors = self.dense.encode(texts)
        return [
            replace(document, embedding=vector.tolist(), sparse_embedding=self.sparse.document(text))
            for document, text, vector in zip(documents, texts, vectors, strict=True)
        ]


class QueryVectors(NamedTuple):
    dense: list[float]
    sparse: SparseEmbedding


class QueryEmbedder:
    """Dense and sparse embeddings of a query."""

    def __init__(self, dense: DenseEncoder, sparse: SparseEncoder):
        self.dense = dense
        self.sparse = sparse
        # A question is embedded once though search, the drafter's support check and compare all need it.
        self.vector = lru_cache(maxsize=256)(lambda text: self.dense.encode([text])[0])

    def embed(self, text: str) -> QueryVectors:
        return QueryVectors(self.vector(text).tolist(), self.sparse.query(text))
