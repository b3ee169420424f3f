"""Search over the fixture documents: hybrid results with citations, filters and input errors."""

from __future__ import annotations

import json

import pytest

from ingest.pipeline import Indexer
from kb.model import cites_within, split_span
from kb.retrieve import Searcher, SearchError, SearchFilters
from kb.store import DocumentRegistry, EdgeDocumentStore, LiveIndex

from .conftest import write_split_section


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


def test_a_query_naming_a_jurisdiction_also_searches_its_law_alone(searcher):
    # The named leg brings the named state's provisions into the ranker's pool even where the
    # whole corpus crowds them out of the other legs; a filter to that state makes it redundant.
    pool = searcher.pool("waiting time before removal in the United States")
    named = [c for c in pool.candidates if "named" in c.ranks]
    assert named and {c.document.meta["jurisdiction"] for c in named} == {"US"}
    assert not any("named" in c.ranks for c in searcher.pool("waiting time before removal").candidates)
    filtered = searcher.pool("waiting time before removal in the United States", SearchFilters(jurisdictions=["US"]))
    assert filtered.candidates and not any("named" in c.ranks for c in filtered.candidates)


def test_a_search_filtered_to_a_state_is_ranked_as_if_the_query_named_it(searcher):
    # The ranker favours the law of the states a query names; a filter asks about a state as plainly.
    assert searcher.pool("waiting time before removal").facts.jurisdictions == frozenset()
    filtered = searcher.pool("waiting time before removal", SearchFilters(jurisdictions=["us"]))
    assert filtered.facts.jurisdictions == {"US"}


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


TREATY = """### Article 1

#### Scope

This Convention applies to every person moved across borders by deception, whether or not the person
entered the territory of a Party lawfully, and whatever the form of the deception, the means used and
the purpose for which the person was moved, so long as the person is within the jurisdiction of a Party.

1. Each Party shall identify a person who may have been deceived as soon as there are reasonable grounds
to believe so, and shall inform the person of the rights this Convention grants in a language the person
understands, orally and in writing, before any interview about how the person was moved. The person may
bring a lawyer or another person of trust to every interview, and shall be told so beforehand.

2. No Party shall make the protection this Convention grants depend on the person's willingness to act as
a witness, to report the deception to the authorities or to take part in any proceedings against those
who deceived the person, and no Party shall remove a person while identification is under way. A person
whose identification has ended without a finding shall be told the reasons in writing.

### Article 13

#### Recovery period

Each Party shall provide a recovery period of at least thirty days to a person it believes to have been
deceived, during which no removal order may be enforced.
"""


@pytest.fixture(params=["edge", "sharded", "server"])
def treaty_searcher(request, tmp_path, passage_embedder, query_embedder):
    """Articles 1 (a lead-in and paragraphs 1 and 2) and 13 of one treaty, indexed in each backend."""
    from kb.store import ServerDocumentStore, ShardedEdgeStore

    if request.param == "edge":
        store, registry_store = EdgeDocumentStore(tmp_path / "shard"), EdgeDocumentStore(tmp_path / "registry")
    elif request.param == "sharded":
        store, registry_store = ShardedEdgeStore(tmp_path / "shards", 2), EdgeDocumentStore(tmp_path / "registry")
    else:
        store = ServerDocumentStore(location=":memory:", collection="passages")
        registry_store = ServerDocumentStore(location=":memory:", collection="passages-documents")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "test-treaty.md").write_text(TREATY, encoding="utf-8")
    manifest = {"id": "test-treaty", "file": "test-treaty.md", "title": "Test Treaty on Deceived Persons"}
    manifest |= {"short_title": "Test Treaty", "jurisdiction": "COE", "instrument_type": "treaty"}
    (docs / "MANIFEST.json").write_text(json.dumps([manifest]), encoding="utf-8")
    index = LiveIndex(store, DocumentRegistry(registry_store), shared=request.param == "server")
    report = Indexer(index, passage_embedder).ingest([docs])
    assert [doc_id for _, doc_id, _ in report.indexed] == ["test-treaty"]
    yield Searcher(index, query_embedder, ["en"])
    index.close()


def cited(searcher: Searcher, query: str) -> list[str]:
    return [hit.passage.citation for hit in searcher.search(query, limit=10).hits if hit.match == "citation"]


def test_a_citation_of_art_1_returns_art_1_and_its_paragraphs_never_art_13(treaty_searcher):
    assert sorted(treaty_searcher.index.facets("citation")) == [
        "Test Treaty, art 1",
        "Test Treaty, art 1(1)",
        "Test Treaty, art 1(2)",
        "Test Treaty, art 13",
    ]
    article_1 = ["Test Treaty, art 1", "Test Treaty, art 1(1)", "Test Treaty, art 1(2)"]
    for query in ("Test Treaty art 1", "Test Treaty, art 1", "article 1 of the Test Treaty"):
        assert cited(treaty_searcher, query) == article_1, query
    assert cited(treaty_searcher, "Test Treaty art 1(2)") == ["Test Treaty, art 1(2)"]
    assert cited(treaty_searcher, "Test Treaty art 1(3)") == ["Test Treaty, art 1"]  # the provision holding it
    assert cited(treaty_searcher, "Test Treaty art 13") == ["Test Treaty, art 13"]
    assert treaty_searcher.cited_passage("Test Treaty, art 1").citation == "Test Treaty, art 1"
    assert treaty_searcher.cited_passage("Test Treaty, art 13").citation == "Test Treaty, art 13"
    assert treaty_searcher.missing_provision("Test Treaty art 1") is None
    assert treaty_searcher.missing_provision("Test Treaty art 14") == "Test Treaty 14"


def test_a_provision_split_by_size_is_cited_to_its_spans_and_carries_its_whole_text(
    tmp_path, passage_embedder, query_embedder
):
    """A long US Code subsection in two passages: each is cited to the units it holds, a lookup of
    a unit finds the passage holding it, and a result carries the whole subsection's text."""
    folder = write_split_section(tmp_path / "docs")
    store = EdgeDocumentStore(tmp_path / "shard")
    registry = DocumentRegistry(EdgeDocumentStore(tmp_path / "registry"))
    searcher = Searcher(LiveIndex(store, registry), query_embedder, ["en"])
    try:
        Indexer(searcher.index, passage_embedder).ingest([folder])
        labels = [d.meta["citation"] for d in searcher.index.passages("crv")]
        assert len(labels) > 2 and labels[-1] == "18 U.S.C. § 3771(b)"
        assert labels[0].startswith("18 U.S.C. § 3771(a)(1)-(") and labels[-2].endswith("-(10)")
        assert all(split_span(label) for label in labels[:-1])
        later = searcher.search("18 USC 3771(a)(9)").hits[0]
        assert later.match == "citation" and cites_within(later.passage.citation, "18 U.S.C. § 3771(a)(9)")
        assert later.passage.citation != labels[0]
        hits = searcher.search("the right to be informed of a plea bargain", limit=3).hits
        found = hits[0].as_json()
        assert found["provision"] == "18 U.S.C. § 3771(a)"
        assert found["provision_text"].startswith("(a) Rights of crime victims")
        assert "(1) The right to be protected" in found["provision_text"]
        assert "(10) The right to information about rights" in found["provision_text"]
        assert "(b) Rights afforded" not in found["provision_text"]
        assert len(found["provision_text"]) > len(found["text"])
        assert len(found["more_passages"]) == len(labels) - 2  # the other parts of (a): one result
        assert [h.passage.citation for h in hits[1:]] == ["18 U.S.C. § 3771(b)"]
    finally:
        searcher.close()
