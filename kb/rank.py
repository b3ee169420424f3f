"""Ranking the union of the retrieval legs' candidates.

Each leg returns its best passages: dense (the question's vector), BM25 (its words and the
thesaurus's statutory terms) and, when the thesaurus added terms, a second dense query of the
question with them. A learned model (LightGBM lambdarank, `kb/ranker.txt`, trained by `python -m
eval.train_ranker`) scores every candidate from features of the legs, the query and the passage.
Without the model file, weighted reciprocal rank fusion of the legs' ranks orders them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from haystack import Document

from kb.jurisdictions import LAYERS, load_jurisdictions
from kb.model import INSTRUMENT_TYPES
from kb.references import provision_label
from kb.store.base import DENSE_WEIGHT, RRF_K, SPARSE_WEIGHT
from kb.text import terms

MODEL_FILE = Path(__file__).resolve().parent / "ranker.txt"
LEGS = ("dense", "sparse", "expanded", "named")
# The ranker's pool: each leg's best this many. A deeper search (limit 100) lists what the legs
# found further down after them, by RRF, so that the top of a list does not depend on its length.
POOL_DEPTH = 50
# Fallback fusion: the BM25 leg weighs most, the expansion's dense query and the question's among the
# law of the jurisdictions and instruments it names ("named") half the question's own.
RRF_WEIGHTS = {"dense": DENSE_WEIGHT, "sparse": SPARSE_WEIGHT, "expanded": DENSE_WEIGHT / 2, "named": DENSE_WEIGHT / 2}
_DEFINITION = re.compile(r"\b(?:definitions?|interpretation|meaning of|terms used)\b", re.IGNORECASE)
_MEANS = re.compile(r"[\"“”']\s*(?:means|includes|has the meaning)\b")


@dataclass
class Candidate:
    """A passage some leg returned, with its rank (0 = first) and score in each leg that did."""

    document: Document
    ranks: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class QueryFacts:
    """What the ranker knows of a query besides the legs' scores."""

    terms: frozenset[str]  # stems of its content words
    expansion_terms: frozenset[str] = frozenset()  # stems of the thesaurus's added terms
    jurisdictions: frozenset[str] = frozenset()  # the jurisdictions it names ("in Germany")
    instruments: frozenset[str] = frozenset()  # the documents it names ("the Palermo Protocol")
    topics: frozenset[str] = frozenset()  # corpus/topics.toml topics its words belong to
    words: int = 0
    foreign: bool = False  # written in another language than English: its terms are the glossary's


def union(legs: dict[str, list[Document]]) -> list[Candidate]:
    """Every passage any leg returned, once, with its rank and score per leg."""
    found: dict[str, Candidate] = {}
    for leg, documents in legs.items():
        top = max((d.score or 0.0 for d in documents), default=0.0) or 1.0
        for rank, document in enumerate(documents):
            candidate = found.setdefault(document.id, Candidate(document))
            candidate.ranks[leg] = rank
            # BM25 scores have no fixed scale: relative to the leg's best; cosines stay as they are.
            candidate.scores[leg] = (document.score or 0.0) / top if leg == "sparse" else document.score or 0.0
    return list(found.values())


def rrf(candidate: Candidate) -> float:
    return sum(RRF_WEIGHTS[leg] / (RRF_K + rank + 1) for leg, rank in candidate.ranks.items())


FEATURES = (
    "dense_score",
    "dense_rank",
    "sparse_score",
    "sparse_rank",
    "expanded_score",
    "expanded_rank",
    "named_score",
    "named_rank",
    "legs",
    "rrf",
    "rrf_to_best",
    "dense_to_best",
    "document_share",
    "document_best",
    "provision_share",
    "heading_match",
    "context_match",
    "text_match",
    "expansion_match",
    "named_jurisdiction",
    "binds_named",
    "named_instrument",
    "shared_topic",
    "layer",
    "instrument_type",
    "depth",
    "length",
    "part",
    "definition",
    "cites",
    "query_words",
    "expanded",
    "foreign_query",
)


@lru_cache(maxsize=50_000)
def _terms(text: str) -> frozenset[str]:
    return frozenset(terms(text))


def _share(wanted: frozenset[str], text: str) -> float:
    return len(wanted & _terms(text)) / len(wanted) if wanted and text else 0.0


def features(query: QueryFacts, candidates: list[Candidate]) -> np.ndarray:
    """One row per candidate, one column per name in FEATURES. Besides the candidate's own, some
    compare it with the pool: its fused score and cosine against the best, and how much of the pool
    its document and its provision hold (a provision whose parts several legs find is likelier)."""
    scope = load_jurisdictions()
    fused = [rrf(candidate) for candidate in candidates]
    best_fused = max(fused, default=0.0) or 1.0
    best_dense = max((c.scores.get("dense", 0.0) for c in candidates), default=0.0)
    by_document: dict[str, list[float]] = {}
    by_provision: dict[str, int] = {}
    for candidate, score in zip(candidates, fused, strict=True):
        by_document.setdefault(candidate.document.meta.get("document_id", ""), []).append(score)
        provision = provision_label(candidate.document.meta.get("citation", ""))
        by_provision[provision] = by_provision.get(provision, 0) + 1
    rows = []
    for candidate, score in zip(candidates, fused, strict=True):
        meta = candidate.document.meta
        jurisdiction = meta.get("jurisdiction", "")
        text = candidate.document.content or ""
        heading = meta.get("heading") or ""
        named = query.jurisdictions
        leg_features = []
        for leg in LEGS:
            rank = candidate.ranks.get(leg)
            leg_features += [candidate.scores.get(leg, 0.0), 1.0 / (1 + rank) if rank is not None else 0.0]
        rows.append(
            [
                *leg_features,
                len(candidate.ranks),
                score,
                score / best_fused,
                candidate.scores.get("dense", 0.0) - best_dense if "dense" in candidate.ranks else -1.0,
                len(by_document[meta.get("document_id", "")]) / len(candidates),
                max(by_document[meta.get("document_id", "")]) / best_fused,
                by_provision[provision_label(meta.get("citation", ""))] / len(candidates),
                _share(query.terms, heading),
                _share(query.terms, meta.get("index_context") or meta.get("citation") or ""),
                _share(query.terms, text),
                _share(query.expansion_terms, f"{heading}\n{text}"),
                (1.0 if jurisdiction in named else -1.0) if named else 0.0,
                float(any(scope.binds(meta.get("document_id", ""), jurisdiction, code) for code in named)),
                float(meta.get("document_id") in query.instruments),
                float(bool(query.topics & set(meta.get("topics") or []))),
                _index(LAYERS, scope.layer(jurisdiction)) if jurisdiction else -1,
                _index(INSTRUMENT_TYPES, meta.get("instrument_type", "")),
                len(meta.get("provision_path") or []),
                math.log1p(len(text)),
                meta.get("part", 0),
                float(bool(_DEFINITION.search(heading) or _MEANS.search(text[:400]))),
                len(meta.get("cites") or []),
                query.words,
                float(bool(query.expansion_terms)),
                float(query.foreign),
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


def _index(values: tuple[str, ...], value: str) -> int:
    return values.index(value) if value in values else -1


class Ranker:
    """Orders candidates by the learned model, or by weighted RRF where there is no model file."""

    def __init__(self, model_file: Path | None = MODEL_FILE):
        self.booster = None
        if model_file and model_file.exists():
            import lightgbm  # only where a model is used

            self.booster = lightgbm.Booster(model_file=str(model_file))
            names = tuple(self.booster.feature_name())
            if names != FEATURES:
                raise ValueError(f"{model_file} was trained on other features ({', '.join(names)}); retrain it")

    @property
    def learned(self) -> bool:
        return self.booster is not None

    def order(self, query: QueryFacts, candidates: list[Candidate]) -> list[tuple[Candidate, float]]:
        """The candidates, best first, each with its score."""
        if self.booster is None:
            return sorted(((c, rrf(c)) for c in candidates), key=lambda pair: -pair[1])
        pool = [c for c in candidates if min(c.ranks.values()) < POOL_DEPTH]
        deeper = sorted((c for c in candidates if min(c.ranks.values()) >= POOL_DEPTH), key=rrf, reverse=True)
        scores = self.booster.predict(features(query, pool), num_threads=1).tolist() if pool else []
        ranked = sorted(zip(pool, scores, strict=True), key=lambda pair: -pair[1])
        floor = ranked[-1][1] if ranked else 0.0
        return ranked + [(c, floor - 1 - i / len(deeper)) for i, c in enumerate(deeper)]
