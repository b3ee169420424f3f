"""One contract, three backends: an embedded Qdrant Edge shard, Edge shards of bounded size, and
qdrant-client (server API, local mode)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from haystack import Document
from haystack.dataclasses import SparseEmbedding
from haystack.document_stores.errors import DuplicateDocumentError
from haystack.document_stores.types import DuplicatePolicy
from haystack.errors import FilterError

from kb.store import EdgeDocumentStore, ServerDocumentStore, ShardedEdgeStore, StoreError

DIM = 384


def unit(i: int) -> list[float]:
    """A distinct direction per document, with a little shared component so cosine is defined."""
    vector = [0.01] * DIM
    vector[i] = 1.0
    norm = math.sqrt(sum(v * v for v in vector))
    return [v / norm for v in vector]


def make_docs() -> list[Document]:
    rows = [
        ("a", "US", "statute", ["residence"], 1),
        ("b", "US", "regulation", ["compensation"], 2),
        ("c", "DE", "statute", ["residence", "asylum"], 3),
        ("d", "COE", "treaty", ["identification"], 4),
        ("e", "UN", "treaty", [], 5),
    ]
    return [
        Document(
            id=doc_id,
            content=f"passage {doc_id} about {' '.join(topics) or 'nothing'}",
            meta={"jurisdiction": jur, "instrument_type": kind, "topics": topics, "rank": rank, "document_id": doc_id},
            embedding=unit(rank),
            sparse_embedding=SparseEmbedding(indices=[rank, 100], values=[1.0, 0.2]),
        )
        for doc_id, jur, kind, topics, rank in rows
    ]


@pytest.fixture(params=["edge", "sharded", "server"])
def store(request, tmp_path):
    if request.param == "edge":
        s = EdgeDocumentStore(tmp_path / "shard")
    elif request.param == "sharded":
        s = ShardedEdgeStore(tmp_path / "shards", shard_points=2)  # five passages: three shards
    else:
        s = ServerDocumentStore(location=":memory:", collection="contract")
    yield s
    s.close()


@pytest.fixture
def filled(store):
    assert store.write_documents(make_docs()) == 5
    return store


def ids(documents: list[Document]) -> list[str]:
    return sorted(d.id for d in documents)


def test_write_and_count(filled):
    assert filled.count_documents() == 5
    assert filled.count_documents_by_filter({"field": "meta.jurisdiction", "operator": "==", "value": "US"}) == 2


def test_round_trip_keeps_content_and_meta(filled):
    (doc,) = filled.filter_documents({"field": "id", "operator": "==", "value": "c"})
    assert doc.content == "passage c about residence asylum"
    assert doc.meta["topics"] == ["residence", "asylum"]
    assert doc.meta["rank"] == 3


def test_get_documents_by_id(filled):
    assert ids(filled.get_documents_by_id(["c", "a", "missing"])) == ["a", "c"]
    assert filled.get_documents_by_id([]) == []


def test_duplicate_policies(filled):
    with pytest.raises(DuplicateDocumentError):
        filled.write_documents(make_docs()[:1], DuplicatePolicy.FAIL)
    assert filled.write_documents(make_docs()[:2], DuplicatePolicy.SKIP) == 0
    changed = replace(make_docs()[0], content="rewritten")
    filled.write_documents([changed], DuplicatePolicy.OVERWRITE)
    assert filled.count_documents() == 5
    (doc,) = filled.filter_documents({"field": "id", "operator": "==", "value": "a"})
    assert doc.content == "rewritten"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"field": "meta.jurisdiction", "operator": "==", "value": "US"}, ["a", "b"]),
        ({"field": "meta.jurisdiction", "operator": "!=", "value": "US"}, ["c", "d", "e"]),
        ({"field": "meta.jurisdiction", "operator": "in", "value": ["DE", "UN"]}, ["c", "e"]),
        ({"field": "meta.jurisdiction", "operator": "not in", "value": ["DE", "UN"]}, ["a", "b", "d"]),
        ({"field": "meta.topics", "operator": "==", "value": "residence"}, ["a", "c"]),
        ({"field": "meta.rank", "operator": ">=", "value": 4}, ["d", "e"]),
        ({"field": "meta.rank", "operator": "<", "value": 2}, ["a"]),
        (
            {
                "operator": "AND",
                "conditions": [
                    {"field": "meta.instrument_type", "operator": "==", "value": "statute"},
                    {"field": "meta.jurisdiction", "operator": "==", "value": "US"},
                ],
            },
            ["a"],
        ),
        (
            {
                "operator": "OR",
                "conditions": [
                    {"field": "meta.instrument_type", "operator": "==", "value": "treaty"},
                    {"field": "meta.jurisdiction", "operator": "==", "value": "DE"},
                ],
            },
            ["c", "d", "e"],
        ),
        (
            {"operator": "NOT", "conditions": [{"field": "meta.instrument_type", "operator": "==", "value": "treaty"}]},
            ["a", "b", "c"],
        ),
        ({"field": "meta.jurisdiction", "operator": "==", "value": "FR"}, []),
        # Full-text: exact phrases and required words over the passage text.
        ({"field": "content", "operator": "contains phrase", "value": "about residence"}, ["a", "c"]),
        ({"field": "content", "operator": "contains phrase", "value": "residence about"}, []),
        ({"field": "content", "operator": "contains words", "value": "Asylum residence"}, ["c"]),
        (
            {
                "operator": "NOT",
                "conditions": [{"field": "content", "operator": "contains words", "value": "residence"}],
            },
            ["b", "d", "e"],
        ),
        (
            {
                "operator": "OR",
                "conditions": [
                    {"field": "content", "operator": "contains phrase", "value": "about compensation"},
                    {"field": "content", "operator": "contains words", "value": "identification"},
                ],
            },
            ["b", "d"],
        ),
    ],
)
def test_filter_documents(filled, filters, expected):
    assert ids(filled.filter_documents(filters)) == expected


def test_invalid_filters_are_rejected(filled):
    with pytest.raises(FilterError):
        filled.filter_documents({"field": "meta.jurisdiction", "value": "US"})
    with pytest.raises(FilterError):
        filled.filter_documents({"field": "meta.rank", "operator": ">", "value": "high"})
    with pytest.raises(FilterError):
        filled.filter_documents({"field": "content", "operator": "contains phrase", "value": " "})


def test_delete_documents_and_by_filter(filled):
    filled.delete_documents(["a"])
    assert filled.count_documents() == 4
    assert filled.delete_by_filter({"field": "meta.instrument_type", "operator": "==", "value": "treaty"}) == 2
    assert ids(filled.filter_documents()) == ["b", "c"]


def test_value_counts(filled):
    assert filled.value_counts("jurisdiction") == {"US": 2, "DE": 1, "COE": 1, "UN": 1}
    scoped = filled.value_counts("topics", {"field": "meta.jurisdiction", "operator": "==", "value": "US"})
    assert scoped == {"residence": 1, "compensation": 1}


def test_embedding_search_ranks_nearest_first(filled):
    found = filled.embedding_search(unit(3), top_k=2)
    assert found[0].id == "c"
    assert found[0].score >= found[1].score


def test_sparse_search_matches_terms(filled):
    found = filled.sparse_search(SparseEmbedding(indices=[4], values=[1.0]))
    assert [d.id for d in found] == ["d"]


def test_hybrid_search_fuses_and_respects_filters(filled):
    found = filled.hybrid_search(unit(2), SparseEmbedding(indices=[2], values=[1.0]), top_k=3)
    assert found[0].id == "b"
    scoped = filled.hybrid_search(
        unit(2),
        SparseEmbedding(indices=[2], values=[1.0]),
        {"field": "meta.jurisdiction", "operator": "==", "value": "DE"},
        3,
    )
    assert [d.id for d in scoped] == ["c"]


def test_filter_matching_nothing_returns_nothing(filled):
    found = filled.hybrid_search(
        unit(1),
        SparseEmbedding(indices=[1], values=[1.0]),
        {"field": "meta.jurisdiction", "operator": "==", "value": "FR"},
        10,
    )
    assert found == []


def test_edge_store_persists_across_reopen(tmp_path):
    store = EdgeDocumentStore(tmp_path / "shard")
    store.write_documents(make_docs())
    store.optimize()
    store.close()
    reopened = EdgeDocumentStore(tmp_path / "shard")
    try:
        assert reopened.count_documents() == 5
        assert reopened.embedding_search(unit(5), top_k=1)[0].id == "e"
        assert reopened.to_dict()["init_parameters"]["path"] == str(tmp_path / "shard")
    finally:
        reopened.close()


def test_a_second_process_gets_a_clear_error_while_the_shard_is_in_use_and_harms_nothing(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from kb.store import EdgeDocumentStore, StoreError\n"
        "try:\n    EdgeDocumentStore(sys.argv[1]).close()\nexcept StoreError as e:\n    print(e); sys.exit(3)\n"
    )

    def other_process() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / "shard")], capture_output=True, text=True, timeout=120
        )

    holder = EdgeDocumentStore(tmp_path / "shard")
    try:
        docs = make_docs()
        holder.write_documents(docs[:3])
        result = other_process()
        assert result.returncode == 3
        assert "in use by another process" in result.stdout
        holder.write_documents(docs[3:])  # the holder's files were not touched by the attempt
        assert holder.count_documents() == len(docs)
    finally:
        holder.close()
    assert other_process().returncode == 0  # closing releases the lock


def test_a_store_closed_by_another_thread_releases_its_lock(tmp_path):
    import threading

    store = EdgeDocumentStore(tmp_path / "shard")
    with pytest.raises(StoreError, match="in use by another process"):
        EdgeDocumentStore(tmp_path / "shard")  # held even against this process
    closer = threading.Thread(target=store.close)  # as a server may close it on shutdown
    closer.start()
    closer.join()
    EdgeDocumentStore(tmp_path / "shard").close()


def test_sharded_store_bounds_its_shards_and_keeps_an_id_in_one_place(tmp_path):
    store = ShardedEdgeStore(tmp_path / "shards", shard_points=2)
    store.write_documents(make_docs())
    assert store.shard_count == 3
    changed = replace(make_docs()[0], content="passage a, amended")
    store.write_documents([changed], DuplicatePolicy.OVERWRITE)
    assert store.count_documents() == 5
    store.close()
    reopened = ShardedEdgeStore(tmp_path / "shards", shard_points=2)
    try:
        assert reopened.shard_count == 3
        assert [d.content for d in reopened.get_documents_by_id(["a"])] == ["passage a, amended"]
        reopened.write_documents([replace(make_docs()[0], id="f")])
        assert reopened.shard_count == 3  # the last shard had room for one more
    finally:
        reopened.close()


def test_sharded_store_refuses_a_single_shard_index(tmp_path):
    EdgeDocumentStore(tmp_path / "index").close()
    with pytest.raises(StoreError, match="single-shard"):
        ShardedEdgeStore(tmp_path / "index", shard_points=2)


CITED = ["Test Treaty, art 1", "Test Treaty, art 1(2)", "Test Treaty, art 13", "Test Treaty, art 13(1)"]


def test_a_citation_filter_matches_the_whole_label_not_a_prefix(store):
    """A filter for "art 1" never matches "art 13" or "art 13(1)": labels are keywords, compared whole."""
    store.write_documents(
        [
            Document(
                id=f"cited-{rank}",
                content=f"the text of {label}",
                meta={"citation": label, "document_id": "test-treaty"},
                embedding=unit(rank),
                sparse_embedding=SparseEmbedding(indices=[rank, 100], values=[1.0, 0.2]),
            )
            for rank, label in enumerate(CITED, 1)
        ]
    )

    def cited(operator: str, value: str | list[str]) -> list[str]:
        found = store.filter_documents({"field": "meta.citation", "operator": operator, "value": value})
        return sorted(d.meta["citation"] for d in found)

    art_1 = {"field": "meta.citation", "operator": "==", "value": "Test Treaty, art 1"}
    assert cited("==", "Test Treaty, art 1") == ["Test Treaty, art 1"]
    assert store.count_documents_by_filter(art_1) == 1
    assert cited("in", ["Test Treaty, art 1", "Test Treaty, art 1(2)"]) == [
        "Test Treaty, art 1",
        "Test Treaty, art 1(2)",
    ]
    assert cited("!=", "Test Treaty, art 1") == [
        "Test Treaty, art 1(2)",
        "Test Treaty, art 13",
        "Test Treaty, art 13(1)",
    ]
    assert cited("==", "Test Treaty, art") == []
    assert store.value_counts("citation") == dict.fromkeys(CITED, 1)
    # Near art 13 in both legs, but the filter keeps to art 1.
    found = store.hybrid_search(unit(3), SparseEmbedding(indices=[3], values=[1.0]), art_1, 4)
    assert [d.meta["citation"] for d in found] == ["Test Treaty, art 1"]


@pytest.mark.parametrize("backend", ["edge", "sharded", "server"])
def test_a_dropped_store_leaves_no_file_holding_its_text(tmp_path, backend):
    """What a matter's erasure relies on: dropping a store deletes its segments and write-ahead log."""
    folder = tmp_path / backend
    if backend == "edge":
        store = EdgeDocumentStore(folder / "shard")
    elif backend == "sharded":
        store = ShardedEdgeStore(folder / "shards", shard_points=2)
    else:
        store = ServerDocumentStore(path=str(folder / "local"), collection="matter-x")
    store.write_documents(make_docs())

    def holding() -> list[str]:
        return [str(p) for p in folder.rglob("*") if p.is_file() and b"passage a about" in p.read_bytes()]

    assert holding()  # the text is on disk while the store lives
    store.drop()
    assert holding() == []
