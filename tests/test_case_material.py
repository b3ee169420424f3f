"""Case material in its place: a plain search ranks the law, judgment digests come beside it, and
the fictional vignettes only when their type is asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.metadata import Overrides
from ingest.pipeline import Indexer
from kb.retrieve import CASES_BESIDE, LAW_TYPES, Searcher, SearchFilters
from kb.store import DocumentRegistry, EdgeDocumentStore, LiveIndex

from .conftest import FIXTURES

CASE_STUDIES = Path(__file__).resolve().parent.parent / "corpus" / "case-studies"
STORY = "My client was forced to work in a nail bar and they kept her passport. Can she stay if she helps the police?"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory, passage_embedder, query_embedder):
    folder = tmp_path_factory.mktemp("case-material")
    index = LiveIndex(EdgeDocumentStore(folder / "passages"), DocumentRegistry(EdgeDocumentStore(folder / "registry")))
    Indexer(index, passage_embedder).ingest([FIXTURES / "legal", CASE_STUDIES], Overrides())
    yield Searcher(index, query_embedder, ["en"])
    index.close()


def test_a_lay_story_gets_law_as_results_and_judgments_beside_them(searcher):
    response = searcher.search(STORY, limit=10, facets=True)
    assert response.hits and {h.passage.instrument_type for h in response.hits} <= set(LAW_TYPES)
    assert set(response.facets["instrument_type"]) <= set(LAW_TYPES)
    cases = response.cases
    assert 1 <= len(cases) <= CASES_BESIDE and len({c.passage.document_id for c in cases}) == len(cases)
    assert {c.passage.instrument_type for c in cases} == {"case"}
    assert all(c.passage.heading.lower().startswith("why it matters") for c in cases)
    as_json = response.as_json()
    assert [c["instrument_type"] for c in as_json["cases"]] == ["case"] * len(cases)


def test_vignettes_come_only_when_their_type_is_asked_for(searcher):
    vignettes = searcher.search(STORY, SearchFilters(instrument_types=["case_study"]), limit=5)
    assert vignettes.hits and {h.passage.instrument_type for h in vignettes.hits} == {"case_study"}
    assert vignettes.cases == []  # a search by type lists nothing beside
    judgments = searcher.search("forced labour domestic servitude", SearchFilters(instrument_types=["case"]))
    assert {h.passage.instrument_type for h in judgments.hits} == {"case"} and judgments.cases == []
    for query in (STORY, "child victims questioned by the police", "discussion questions"):
        shown = searcher.search(query, limit=20)
        assert "case_study" not in {h.passage.instrument_type for h in [*shown.hits, *shown.cases]}


def test_a_search_says_which_statutory_terms_it_also_searched(searcher):
    response = searcher.search("a lawyer for free when they took my passport")
    assert response.also_searched == [
        "legal aid",
        "legal assistance",
        "legal counselling",
        "legal representation",
        "free of charge",
        "identity documents",
        "confiscating",
        "passport or other immigration document",
        "withholds",
        "travel document",
    ]
    assert response.as_json()["also_searched"] == response.also_searched
    assert searcher.search("9 M.C. § 401").also_searched == []  # a citation is looked up, not expanded
