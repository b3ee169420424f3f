"""Integration on the real legal corpus in ../shared/corpus (skipped where it is absent).

The corpus is indexed once per session (see conftest.corpus_index)."""

from __future__ import annotations

import pytest

from kb.retrieve import SearchFilters

pytestmark = pytest.mark.corpus


def citations_in(store, document_id: str) -> set[str]:
    documents = store.filter_documents({"field": "meta.document_id", "operator": "==", "value": document_id})
    return {d.meta["citation"] for d in documents}


def within(citation: str, provision: str) -> bool:
    """ "CETS No 197, art 13(1)" is within "CETS No 197, art 13"."""
    return citation == provision or citation.startswith(provision + "(")


def test_every_document_is_indexed(corpus_index):
    store, _, report = corpus_index
    assert report.skipped == []
    assert len(report.indexed) == 22
    assert report.ignored == []
    assert store.count_documents() == report.passages_written > 3000


def test_recovery_and_reflection_period_finds_cets_197_article_13(corpus_searcher):
    response = corpus_searcher.search("how long is the recovery and reflection period", limit=10)
    citations = [hit.passage.citation for hit in response.hits]
    assert any(within(citation, "CETS No 197, art 13") for citation in citations[:3])
    best = next(hit.passage for hit in response.hits if within(hit.passage.citation, "CETS No 197, art 13"))
    assert best.heading == "Recovery and reflection period"
    assert best.url.startswith("https://")


def test_jurisdiction_filter_keeps_to_that_jurisdiction(corpus_searcher):
    response = corpus_searcher.search(
        "how long is the recovery and reflection period", SearchFilters(jurisdictions=["US"]), limit=20
    )
    assert response.hits and {hit.passage.jurisdiction for hit in response.hits} == {"US"}


def test_t_visa_adjustment_question_reaches_8_usc_1255_l(corpus_searcher):
    response = corpus_searcher.search(
        "can a trafficking victim with a T visa become a permanent resident", SearchFilters(jurisdictions=["US"])
    )
    assert any(within(hit.passage.citation, "8 U.S.C. § 1255(l)") for hit in response.hits)


@pytest.mark.parametrize(
    ("document_id", "citation"),
    [
        ("un-palermo-protocol", "Palermo Protocol, art 7"),
        ("coe-cets197", "CETS No 197, art 13"),
        ("coe-echr", "ECHR, art 4"),
        ("us-8usc-1255", "8 U.S.C. § 1255(l)"),
        ("us-18usc-ch77", "18 U.S.C. § 1595"),
        ("de-aufenthg-en", "AufenthG, s 25"),
        ("de-aufenthg-en", "AufenthG, s 59"),
        ("uk-immigration-rules-appendix-vts", "Immigration Rules, Appendix VTS, para VTS 3.1"),
        ("ca-criminal-code-279", "Criminal Code, s 279.01"),
        ("ca-irpa", "IRPA, s 24(1)"),
        ("ca-irpa", "IRPA, s 118"),
        ("ca-irpr", "IRPR, s 245"),
    ],
)
def test_provisions_carry_pinpoint_citations(corpus_index, document_id, citation):
    store, _, _ = corpus_index
    assert any(within(found, citation) for found in citations_in(store, document_id))


def test_bilingual_treaties_keep_dutch_apart(corpus_index):
    store, _, _ = corpus_index
    documents = store.filter_documents({"field": "meta.document_id", "operator": "==", "value": "un-palermo-protocol"})
    languages = {d.meta["language"] for d in documents}
    assert languages == {"en", "nl"}
    english = " ".join(d.content for d in documents if d.meta["language"] == "en")
    assert "slachtoffers" not in english.lower()


def test_no_passage_is_a_bare_heading(corpus_index):
    store, _, _ = corpus_index
    for document in store.filter_documents({"field": "meta.language", "operator": "==", "value": "en"}):
        assert len(document.content.split()) >= 3 or document.meta["heading"], document.meta["citation"]
