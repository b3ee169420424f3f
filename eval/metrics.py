"""Ranking metrics with binary relevance, as BEIR / pytrec_eval compute them."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable

CUTOFFS = (1, 3, 5, 10, 20, 100)


def unique(ranked: Iterable[str]) -> list[str]:
    """The ranking with repeats removed (several passages of one statute or provision count once)."""
    return list(dict.fromkeys(ranked))


def scores(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    """Recall@k, nDCG@10, MRR@10 and MAP@10 of one ranking (already de-duplicated)."""
    found = [doc in relevant for doc in ranked]
    result = {f"recall@{k}": sum(found[:k]) / len(relevant) for k in CUTOFFS}
    dcg = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(found[:10]) if hit)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(relevant), 10)))
    result["ndcg@10"] = dcg / ideal
    first = next((rank for rank, hit in enumerate(found[:10]) if hit), None)
    result["mrr@10"] = 0.0 if first is None else 1 / (first + 1)
    precisions = [sum(found[: rank + 1]) / (rank + 1) for rank, hit in enumerate(found[:10]) if hit]
    result["map@10"] = sum(precisions) / min(len(relevant), 10)
    return result


def mean_scores(per_query: list[dict[str, float]]) -> dict[str, float]:
    return {name: round(statistics.fmean(s[name] for s in per_query), 4) for name in per_query[0]} if per_query else {}
