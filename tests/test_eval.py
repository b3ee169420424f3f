"""The evaluation harness: metrics against hand-computed values, passage chunking, and one small
BEIR-style dataset run end to end through every system."""

from __future__ import annotations

import math

import pytest
from haystack import Document

from eval.datasets import GoldQuestion, load_benchmark
from eval.metrics import mean_scores, scores, unique
from eval.run import answering_passages, gold_keys, run_benchmark
from eval.systems import CachedEncoder, chunk_text

from .conftest import FIXTURES, ROOT


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


def _by_hand(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    """The textbook formulas, as eval/metrics.py computed them before it used ir-measures."""
    found = [doc in relevant for doc in ranked]
    result = {f"recall@{k}": sum(found[:k]) / len(relevant) for k in (1, 3, 5, 10, 20, 100)}
    dcg = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(found[:10]) if hit)
    result["ndcg@10"] = dcg / sum(1 / math.log2(rank + 2) for rank in range(min(len(relevant), 10)))
    first = next((rank for rank, hit in enumerate(found[:10]) if hit), None)
    result["mrr@10"] = 0.0 if first is None else 1 / (first + 1)
    precisions = [sum(found[: rank + 1]) / (rank + 1) for rank, hit in enumerate(found[:10]) if hit]
    result["map@10"] = sum(precisions) / min(len(relevant), 10)
    return result


DEEP = [f"d{i}" for i in range(150)]


@pytest.mark.parametrize(
    ("ranked", "relevant"),
    [
        (["x", "a", "y", "b", "z"], {"a", "b", "c"}),  # the case above
        (["a", "b", "c"], {"a", "b", "c"}),  # perfect
        (["x", "y"], {"a"}),  # nothing found
        (DEEP, {"d0", "d9", "d10", "d15", "d50", "d120"}),  # hits beyond every cut-off up to 100
        (DEEP, {"d11", "d99"}),  # the first hit is past MRR@10's cut-off
        (DEEP[:4], {"d3", "d200"}),  # a relevant document that was never retrieved
    ],
)
def test_library_figures_agree_with_the_formulas(ranked, relevant):
    assert scores(ranked, relevant) == pytest.approx(_by_hand(ranked, relevant), abs=1e-12)


def test_map_counts_every_relevant_document_as_trec_eval_does():
    relevant = {f"d{i}" for i in range(12)}  # twelve relevant, the first ten ranked first
    result = scores(DEEP, relevant)
    assert result["map@10"] == pytest.approx(10 / 12)  # by hand over min(12, 10) it was 1.0
    assert result["ndcg@10"] == pytest.approx(1.0) and result["recall@10"] == pytest.approx(10 / 12)
    assert scores(["b", "a", "b"], {"b"})["mrr@10"] == 1.0  # a repeat counts at its first rank


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
    assert set(result.systems) == {"haven", "haven (rrf, no ranker)", "bm25 only", "dense only", "haystack tutorial"}
    for metrics in result.systems.values():
        assert metrics["recall@100"] == 1.0  # four documents: everything is found somewhere
    assert result.systems["haven"]["mrr@10"] == 1.0  # each question's answer comes first
    assert (tmp_path / "vectors.npz").exists()
    again = CachedEncoder(dense_encoder, tmp_path / "vectors.npz")
    # Vectors are reused, not recomputed: the four documents as Haven and as the tutorial embed them,
    # and the three questions.
    assert again.vectors.keys() == encoder.vectors.keys() and len(again.vectors) == 4 + 4 + 3


def _passage(citation: str, language: str) -> Document:
    return Document(content=citation, meta={"citation": citation, "language": language})


def test_a_gold_paragraph_is_answered_by_its_article_where_that_language_indexes_it_whole():
    # The English article is one passage; its Dutch version is split by paragraph.
    passages = [_passage("T, art 15", "en"), *(_passage(f"T, art 15({n})", "nl") for n in (1, 2, 3))]
    answering, holding = answering_passages(passages, "T, art 15(2)")
    assert [p.meta["citation"] for p in answering] == ["T, art 15", "T, art 15(2)"]
    assert holding == {"T, art 15"}
    # A whole-article gold is answered by every passage within it, in both languages.
    answering, holding = answering_passages(passages, "T, art 15")
    assert len(answering) == 4 and holding == set()


def test_a_passage_holding_several_answering_provisions_answers_each():
    question = GoldQuestion("q", "?", [("echr", "ECHR, art 4(1)"), ("echr", "ECHR, art 4(2)"), ("p", "P, art 3")])
    coarser = {"echr|ECHR, art 4(1)": {"ECHR, art 4"}, "echr|ECHR, art 4(2)": {"ECHR, art 4"}}
    whole = gold_keys(question, "echr", "ECHR, art 4", coarser)
    assert whole == ["echr|ECHR, art 4(1)", "echr|ECHR, art 4(2)"]
    assert gold_keys(question, "echr", "ECHR, art 4(2)", coarser) == ["echr|ECHR, art 4(2)"]
    assert gold_keys(question, "echr", "ECHR, art 5", coarser) == ["echr|ECHR, art 5"]  # none: its own key
    # the article ranked first finds both paragraphs at once
    assert scores(unique([*whole, "p|P, art 9"]), {"echr|ECHR, art 4(1)", "echr|ECHR, art 4(2)"})["recall@1"] == 0.5
    assert scores(unique([*whole, "p|P, art 9"]), {"echr|ECHR, art 4(1)", "echr|ECHR, art 4(2)"})["recall@3"] == 1


def test_every_out_of_scope_set_loads_with_its_languages():
    from eval.answers import load_out_of_scope

    for path in sorted((ROOT / "eval").glob("*out_of_scope*.toml")):
        questions = load_out_of_scope((path,))
        assert questions and all(q.question and q.kind for q in questions), path
    unlabelled = load_out_of_scope((ROOT / "eval" / "heldout_xl_out_of_scope3.toml",))
    assert {q.kind for q in unlabelled} == {"unclassified"} and "en" not in {q.language for q in unlabelled}


def test_out_of_scope_sets_read_together_keep_every_question_apart():
    from eval.answers import load_out_of_scope

    paths = tuple(sorted((ROOT / "eval").glob("heldout_xl_out_of_scope*.toml")))
    together = load_out_of_scope(paths)
    assert len({q.id for q in together}) == len(together) == sum(len(load_out_of_scope((p,))) for p in paths)
