"""The live-index contract: a second version of a document that is not (yet) live, as a killed
ingest leaves it, is invisible to every reader: search, facets, passages by id, citation lookup,
context, document outlines, answers, compare cells and course packs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ingest.metadata import Overrides
from ingest.pipeline import Indexer
from kb import export
from kb.accounts import Accounts
from kb.answer import Answerer
from kb.collections import Collections
from kb.compare import compare
from kb.config import Settings
from kb.matters import Matters
from kb.model import passage_id
from kb.retrieve import Searcher, SearchFilters
from kb.store import DocumentRegistry, EdgeDocumentStore, LiveIndex
from search_api.library import Library

from .conftest import FIXTURES

CASE_STUDIES = Path(__file__).resolve().parent.parent / "corpus" / "case-studies"
STALE = "stale-version"
MARK = "zebrafinch"  # a word only the stale version has


@pytest.fixture(scope="module")
def index(tmp_path_factory, passage_embedder):
    """The fixtures and case studies indexed, then a second, uncommitted version of the model code
    and of every vignette written beside the live ones (each passage with a word the live text lacks)."""
    folder = tmp_path_factory.mktemp("live-index")
    index = LiveIndex(EdgeDocumentStore(folder / "passages"), DocumentRegistry(EdgeDocumentStore(folder / "registry")))
    Indexer(index, passage_embedder).ingest([FIXTURES / "legal", CASE_STUDIES], Overrides())
    vignettes = [r.document_id for r in index.records().values() if r.instrument_type == "case_study"]
    for document_id in ["model-code", *vignettes]:
        live = index.passages(document_id)
        stale = [
            replace(
                d,
                id=passage_id(document_id, d.meta["provision_path"], d.meta["part"], STALE),
                content=f"{MARK} {d.content}",
                meta={**d.meta, "content_hash": STALE},
                embedding=None,
                sparse_embedding=None,
            )
            for d in live
        ]
        index.write(passage_embedder.embed(stale))
    yield index
    index.close()


@pytest.fixture(scope="module")
def searcher(index, query_embedder) -> Searcher:
    return Searcher(index, query_embedder, ["en"])


def stale_ids(index: LiveIndex) -> set[str]:
    everything = index.store.filter_documents({"field": "meta.content_hash", "operator": "==", "value": STALE})
    copied = {d.meta["document_id"] for d in everything}
    assert len(everything) == sum(index.record(document_id).passage_count for document_id in copied)
    assert "model-code" in copied and len(copied) == 1 + sum(
        r.instrument_type == "case_study" for r in index.records().values()
    )
    return {d.id for d in everything}


def test_search_facets_and_lookups_show_only_the_live_version(index, searcher):
    stale = stale_ids(index)
    response = searcher.search(f"{MARK} deceived persons status eligibility", limit=50, facets=True, context=True)
    shown = {h.passage.id for h in response.hits} | {i for h in response.hits for i in h.more_passages}
    assert shown and not shown & stale
    assert all(MARK not in h.passage.text for h in response.hits)
    vignettes = searcher.search(
        f"{MARK} worker passport", SearchFilters(instrument_types=["case_study"]), 50, context=True
    )
    assert vignettes.hits and not {h.passage.id for h in vignettes.hits} & stale
    neighbours = [n for h in vignettes.hits for n in (h.context or {}).values() if n]
    assert neighbours and not {n["id"] for n in neighbours} & stale
    live_count = index.record("model-code").passage_count
    assert index.facets("document_id")["model-code"] == live_count
    assert len(index.passages("model-code")) == live_count
    assert index.count() == sum(r.passage_count for r in index.records().values())
    some = sorted(stale)[:3]
    assert [searcher.passage(i) for i in some] == [None] * 3
    assert searcher.missing_passages(some) == set(some)
    cited = searcher.cited_passage("9 M.C. § 401")
    assert cited is not None and cited.id not in stale and MARK not in cited.text
    phrase = searcher.search(f'"{MARK}"', limit=10).hits
    assert phrase == []  # the exact-phrase filter finds only the stale text


def test_answers_compare_cells_and_outlines_quote_only_the_live_version(index, searcher, tmp_path):
    stale = stale_ids(index)
    draft = Answerer(searcher).ask("What status may a deceived person moved across borders get?")
    assert not {c.id for c in draft.citations} & stale and MARK not in draft.answer
    matrix = compare(searcher, ["US"], ["permanent_residence", "confidentiality_privacy"])
    cited = {c.id for cell in matrix.cells for c in cell.provisions}
    assert cited and not cited & stale
    library = Library(
        Settings(data_dir=tmp_path), searcher, Answerer(searcher), None, Collections(tmp_path / "c.db"),
        Accounts(tmp_path / "a.db"), Matters(tmp_path, lambda name: None, None),
    )  # fmt: skip
    outline = library.document("model-code")["passages"]
    assert len(outline) == index.record("model-code").passage_count
    assert not {p["id"] for p in outline} & stale


def test_course_packs_hold_each_case_study_section_once(index, searcher):
    pack = export.from_topics(searcher, ["temporary_residence"], ["DE"], "Residence")
    vignettes = [case for section in pack.sections for case in section.cases if case.instrument_type == "case_study"]
    assert vignettes
    for case in vignettes:
        assert MARK not in case.text
        headings = [part.split(":", 1)[0] for part in case.text.split("\n\n")]
        assert len(headings) == len(set(headings)), headings  # no section twice
    questions = [q for section in pack.sections for q in section.questions]
    assert len(questions) == len(set(questions)) and all(MARK not in q for q in questions)
