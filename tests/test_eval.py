"""The evaluation harness: metrics against hand-computed values, passage chunking, and one small
BEIR-style dataset run end to end through every system."""

from __future__ import annotations

import math

import pytest

from eval.datasets import load_benchmark
from eval.metrics import mean_scores, scores, unique
from eval.run import run_benchmark
from eval.systems import CachedEncoder, chunk_text

from .conftest import FIXTURES


def test_metrics_match_hand_computed_values():
    ranked = unique(["x", "a", "x", "y", "b", "z"])  # repeats count once: x a y b z
    result = scores(ranked, {"a", "b", "c"})
    assert result["recall@1"] == 0 and result["recall@3"] == pytest.approx(1 / 3)
    assert result["recall@5"] == pytest.approx(2 / 3)
    assert result["mrr@10"] == pytest.approx(1 / 2)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert result["ndcg@10"] == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)
    assert result["map@10"] == pytest.approx((1 / 2 + 2 / 4) / 3)
    assert scores(["q"], {"a"})["mrr@10"] == 0.0
    assert mean_scores([{"m": 1.0}, {"m": 0.0}]) == {"m": 0.5}


def test_chunks_fit_the_window_and_lose_nothing():
    paragraph = " ".join(f"Sentence number {i} ends here." for i in range(120))
    text = f"Short opening line.\n\n{paragraph}\nA closing line."
    chunks = chunk_text(text, limit=300)
    assert all(len(chunk) <= 300 for chunk in chunks)
    assert " ".join(" ".join(chunks).split()) == " ".join(text.split())
    assert chunks[0].startswith("Short opening line.\nSentence number 0")  # short pieces are packed together


def test_a_small_benchmark_runs_through_every_system(tmp_path, dense_encoder):
    bench = load_benchmark(FIXTURES / "bench", "fixture", "queries.jsonl", "qrels.tsv")
    encoder = CachedEncoder(dense_encoder, tmp_path / "vectors.npz")
    result = run_benchmark(bench, encoder, tmp_path)
    assert set(result.systems) == {"haven", "bm25 only", "dense only", "haystack tutorial"}
    for metrics in result.systems.values():
        assert metrics["recall@100"] == 1.0  # four documents: everything is found somewhere
    assert result.systems["haven"]["mrr@10"] == 1.0  # each question's answer comes first
    assert (tmp_path / "vectors.npz").exists()
    again = CachedEncoder(dense_encoder, tmp_path / "vectors.npz")
    assert len(again.vectors) == len(encoder.vectors) > 0  # vectors are reused, not recomputed
