"""Ranking metrics with binary relevance, as BEIR / pytrec_eval compute them.

The figures come from `ir-measures`, which runs trec_eval's own code (pytrec_eval) for recall,
nDCG and MAP and its MS MARCO evaluator for MRR. It was chosen over `ranx` because it installs
from two small wheels (ir-measures and pytrec_eval-terrier, under 2 MB) on top of numpy and scipy,
where ranx pulls ir_datasets, fastparquet, seaborn and more; and because pytrec_eval is what BEIR
itself reports with, so Haven's numbers compare with published ones.

One difference from a by-hand MAP@k: trec_eval divides by every relevant document, not by at most
k of them, so a query with more than 10 relevant documents cannot reach MAP@10 = 1.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

import ir_measures
from ir_measures import AP, RR, R, nDCG

CUTOFFS = (1, 3, 5, 10, 20, 100)
# The name each figure goes by in Haven's tables and JSON -> the ir-measures measure.
MEASURES = {
    **{f"recall@{k}": R @ k for k in CUTOFFS},
    "ndcg@10": nDCG @ 10,
    "mrr@10": RR @ 10,
    "map@10": AP @ 10,
}
_QUERY = "q"


def unique(ranked: Iterable[str]) -> list[str]:
    """The ranking with repeats removed (several passages of one statute or provision count once)."""
    return list(dict.fromkeys(ranked))


def scores(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    """Recall@k, nDCG@10, MRR@10 and MAP@10 of one ranking (a repeat counts at its first rank)."""
    ranking = unique(ranked)
    qrels = {_QUERY: dict.fromkeys(relevant, 1)}
    # Scores fall with the rank, so trec_eval's sort by score keeps the given order.
    run = {_QUERY: {doc: float(len(ranking) - rank) for rank, doc in enumerate(ranking)}}
    figures = ir_measures.calc_aggregate(MEASURES.values(), qrels, run)
    return {name: figures[measure] for name, measure in MEASURES.items()}


def mean_scores(per_query: list[dict[str, float]]) -> dict[str, float]:
    """The mean of each figure over the queries, to four places ({} for no queries)."""
    return {name: round(statistics.fmean(s[name] for s in per_query), 4) for name in per_query[0]} if per_query else {}
