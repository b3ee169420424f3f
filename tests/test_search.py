"""Search over the fixture documents: hybrid results with citations, filters and input errors."""

from __future__ import annotations

import pytest

from ingest.pipeline import Indexer
from kb.retrieve import Searcher, SearchError, SearchFilters
from kb.store import DocumentRegistry, EdgeDocumentStore, LiveIndex


@pytest.fixture(scope="module")
def searcher(tmp_path_factory, passage_embedder, query_embedder):
    import shutil

    from .conftest import FIXTURES

    docs = tmp_path_factory.mktemp("docs")
    shutil.copytree(FIXTURES / "legal", docs / "legal")
    folder = tmp_path_factory.mktemp("index")
    store, registry = EdgeDocumentStore(folder / "shard"), DocumentRegistry(EdgeDocumentStore(folder / "registry"))
    index = LiveIndex(store, registry)
    Indexer(index, passage_embedder).ingest([docs])
    yield Searcher(index, query_embedder, ["en"])
    store.close()
    registry.close()


def test_question_finds_the_provision_with_its_citation(searcher):
    response = searcher.search("how many days must a deceived person be allowed to wait before removal", limit=3)
    assert response.hits[0].passage.citation == "Model Convention, art 2"
    assert response.took_ms > 0
    as_json = response.as_json()
    assert set(as_json["results"][0]) >= {
        "id",
        "document_id",
        "title",
        "citation",
        "jurisdiction",
        "instrument_type",
        "language",
        "text",
        "score",
    }


def test_jurisdiction_filter_returns_only_that_jurisdiction(searcher):
    response = searcher.search("waiting time before removal", SearchFilters(jurisdictions=["us"]), limit=10)
    assert response.hits and {h.passage.jurisdiction for h in response.hits} == {"US"}


def test_a_state_in_scope_sees_the_treaties_of_bodies_it_belongs_to(searcher):
    # Germany has no law among the fixtures; the Council of Europe's Model Convention binds it.
    scoped = searcher.search("waiting time before removal", SearchFilters(jurisdictions=["DE"]))
    assert scoped.hits and {h.passage.jurisdiction for h in scoped.hits} == {"COE"}
    assert {h.as_json()["layer"] for h in scoped.hits} == {"regional"}
    assert searcher.search("waiting time before removal", SearchFilters(jurisdictions=["DE"], only=True)).hits == []
    # The United States is no member of the Council of Europe.
    us = searcher.search("waiting time before removal", SearchFilters(jurisdictions=["US"]), limit=20)
    assert {h.passage.jurisdiction for h in us.hits} == {"US"}
    assert {h.as_json()["layer"] for h in us.hits} == {"national"}


def test_facets_count_the_candidates_and_follow_the_filters(searcher):
    assert searcher.search("waiting time before removal").facets == {}  # counted only when asked
    response = searcher.search("waiting time before removal", limit=5, facets=True)
    assert set(response.facets) == {"jurisdiction", "instrument_type", "topics"}
    assert set(response.facets["jurisdiction"]) == {"COE", "US"}
    assert response.facets["jurisdiction"] == {"COE": 4, "US": 3}  # every English passage: 4 + 3 < 100
    us_only = SearchFilters(jurisdictions=["US"], only=True)
    filtered = searcher.search("waiting time before removal", us_only, facets=True)
    assert set(filtered.facets["jurisdiction"]) == {"US"}
    topic = next(iter(response.facets["topics"]))
    on_topic = searcher.search("waiting time before removal", SearchFilters(topics=[topic]), limit=20)
    assert on_topic.hits and all(topic in h.passage.topics for h in on_topic.hits)
    assert len(on_topic.hits) <= response.facets["topics"][topic]


def test_default_language_is_english_and_dutch_is_available(searcher):
    english = searcher.search("wachttijd verwijdering", limit=20)
    assert {h.passage.language for h in english.hits} == {"en"}
    dutch = searcher.search("wachttijd verwijdering", SearchFilters(languages=["nl"]), limit=5)
    assert dutch.hits[0].passage.language == "nl" and "Wachttijd" in dutch.hits[0].passage.heading


def test_valid_filter_that_matches_nothing_returns_nothing(searcher):
    response = searcher.search("damages", SearchFilters(jurisdictions=["US"], instrument_types=["treaty"]))
    assert response.hits == []


@pytest.mark.parametrize(
    ("query", "filters", "limit", "message"),
    [
        ("   ", None, 10, "empty"),
        ("x" * 2001, None, 10, "limit is 2000"),
        ("damages", None, 0, "between 1 and 100"),
        ("damages", None, 101, "between 1 and 100"),
        ("damages", SearchFilters(jurisdictions=["FR"]), 10, "Unknown jurisdiction 'FR'; known: CA, COE, DE"),
        ("damages", SearchFilters(topics=["gardening"]), 10, "Unknown topics 'gardening'"),
        ("damages", SearchFilters(instrument_types=["poem"]), 10, "Unknown instrument type 'poem'"),
        ("damages", SearchFilters(languages=["fr"]), 10, "known: en, nl"),
    ],
)
def test_bad_input_gets_a_clear_error(searcher, query, filters, limit, message):
    with pytest.raises(SearchError, match=message):
        searcher.search(query, filters, limit)


def test_phrases_and_operators_constrain_every_result(searcher):
    phrase = searcher.search('"waiting time" removal', limit=20).hits
    assert phrase and all("waiting time" in " ".join(h.passage.text.lower().split()) for h in phrase)
    excluded = searcher.search("waiting time before removal NOT shelter", limit=20).hits
    assert excluded and all("shelter" not in h.passage.text.lower() for h in excluded)
    everything = searcher.search("waiting time before removal", limit=20).hits
    assert any("shelter" in h.passage.text.lower() for h in everything)  # NOT did exclude something
    assert searcher.search('"removal waiting time"', limit=20).hits == []  # words in another order
    with pytest.raises(SearchError, match="besides what it excludes"):
        searcher.search("NOT shelter")
