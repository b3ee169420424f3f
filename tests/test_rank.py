"""The ranker: the union of the legs, its features, weighted RRF without a model, the shipped model."""

from __future__ import annotations

import lightgbm
import numpy as np
import pytest
from haystack import Document

from kb.rank import FEATURES, MODEL_FILE, POOL_DEPTH, QueryFacts, Ranker, features, rrf, union
from kb.store.base import DENSE_WEIGHT, RRF_K, SPARSE_WEIGHT
from kb.text import terms


def passage(doc_id: str, document_id: str, citation: str, score: float, **meta) -> Document:
    return Document(
        id=doc_id,
        content=meta.pop("text", "Each Party shall grant a residence permit to victims."),
        meta={"document_id": document_id, "citation": citation, "jurisdiction": "COE", **meta},
        score=score,
    )


def test_union_keeps_each_passage_once_with_its_rank_and_score_per_leg():
    legs = {
        "dense": [passage("a", "d1", "X, art 1", 0.8), passage("b", "d1", "X, art 2", 0.6)],
        "sparse": [passage("b", "d1", "X, art 2", 12.0), passage("c", "d2", "Y, s 3", 6.0)],
    }
    by_id = {c.document.id: c for c in union(legs)}
    assert set(by_id) == {"a", "b", "c"}
    assert by_id["b"].ranks == {"dense": 1, "sparse": 0}
    assert by_id["b"].scores == {"dense": 0.6, "sparse": 1.0}  # BM25 relative to the leg's best
    assert by_id["c"].scores == {"sparse": 0.5}
    expected = DENSE_WEIGHT / (RRF_K + 2) + SPARSE_WEIGHT / (RRF_K + 1)
    assert rrf(by_id["b"]) == pytest.approx(expected)


def test_without_a_model_the_order_is_weighted_rrf():
    legs = {
        "dense": [passage("a", "d1", "X, art 1", 0.9), passage("b", "d1", "X, art 2", 0.5)],
        "sparse": [passage("b", "d1", "X, art 2", 9.0), passage("a", "d1", "X, art 1", 1.0)],
    }
    ranked = Ranker(None).order(QueryFacts(frozenset()), union(legs))
    # Same ranks on both legs, but BM25 weighs more: b (first on BM25) comes first.
    assert [c.document.id for c, _ in ranked] == ["b", "a"]
    assert not Ranker(None).learned


def test_features_describe_the_candidate_against_the_query_and_its_pool():
    legs = {
        "dense": [
            passage(
                "a",
                "aufenthg",
                "AufenthG, s 25(4a)",
                0.7,
                heading="Residence for humanitarian reasons",
                jurisdiction="DE",
            ),
            passage("b", "aufenthg", "AufenthG, s 25(4b)", 0.6, jurisdiction="DE"),
            passage("c", "cets", "CETS No 197, art 14(1)", 0.5, jurisdiction="COE"),
        ],
        "sparse": [passage("a", "aufenthg", "AufenthG, s 25(4a)", 3.0, jurisdiction="DE")],
    }
    query = QueryFacts(
        terms("residence for a victim in Germany"),
        jurisdictions=frozenset({"DE"}),
        instruments=frozenset({"aufenthg"}),
        words=6,
    )
    rows = features(query, union(legs))
    column = {name: rows[:, i] for i, name in enumerate(FEATURES)}
    assert rows.shape == (3, len(FEATURES))
    assert column["named_jurisdiction"].tolist() == [1.0, 1.0, -1.0]  # the state named, and another
    assert column["binds_named"].tolist() == [1.0, 1.0, 1.0]  # CETS 197 binds Germany
    assert column["named_instrument"].tolist() == [1.0, 1.0, 0.0]
    assert column["document_share"].tolist() == pytest.approx([2 / 3, 2 / 3, 1 / 3])
    assert column["provision_share"].tolist() == pytest.approx([2 / 3, 2 / 3, 1 / 3])  # s 25, twice
    assert column["rrf_to_best"][0] == 1.0 and column["rrf_to_best"][2] < 1.0
    assert column["dense_to_best"].tolist() == pytest.approx([0.0, -0.1, -0.2])
    assert column["heading_match"][0] > 0 and column["heading_match"][1] == 0  # "residence" in its heading
    assert column["legs"].tolist() == [2, 1, 1]
    assert column["sparse_rank"].tolist() == [1.0, 0.0, 0.0]  # 1 / (1 + rank); 0 where the leg missed it
    assert np.isfinite(rows).all()


def test_the_learned_ranker_orders_its_pool_first_and_deeper_candidates_after_by_rrf(tmp_path):
    rng = np.random.default_rng(0)
    rows = rng.random((200, len(FEATURES)))
    labels = (rows[:, FEATURES.index("heading_match")] > 0.5).astype(int)  # a model that likes heading matches
    data = lightgbm.Dataset(rows, labels, group=[20] * 10, feature_name=list(FEATURES))
    params = {"objective": "lambdarank", "verbose": -1, "min_data_in_leaf": 5, "num_threads": 1}
    model_file = tmp_path / "ranker.txt"
    lightgbm.train(params, data, num_boost_round=20).save_model(str(model_file))
    ranker = Ranker(model_file)
    dense = [passage(f"p{i}", "d", f"X, art {i}", 0.9 - i / 1000) for i in range(POOL_DEPTH + 5)]
    dense[3].meta["heading"] = "Residence permit"
    ranked = [c.document.id for c, _ in ranker.order(QueryFacts(terms("residence permit")), union({"dense": dense}))]
    assert ranker.learned and ranked[0] == "p3"  # the heading match, fourth on the leg
    deeper = [f"p{i}" for i in range(POOL_DEPTH, POOL_DEPTH + 5)]
    assert ranked[-5:] == deeper  # beyond each leg's pool, in the legs' order, after the pool
    stale = tmp_path / "stale.txt"
    stale.write_text(model_file.read_text().replace("heading_match", "another_feature"))
    with pytest.raises(ValueError, match="retrain"):
        Ranker(stale)


def test_the_shipped_model_is_trained_on_these_features():
    assert MODEL_FILE.exists(), "kb/ranker.txt is missing: python -m eval.train_ranker"
    assert tuple(lightgbm.Booster(model_file=str(MODEL_FILE)).feature_name()) == FEATURES
    assert Ranker().learned


def test_training_refuses_the_held_out_sets(tmp_path):
    from eval.train_ranker import HELD_OUT, gold_queries

    for held_out in HELD_OUT:
        assert held_out.exists()
        with pytest.raises(SystemExit, match="held-out"):
            gold_queries(None, held_out)  # type: ignore[arg-type]
