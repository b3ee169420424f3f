"""Integration on the real legal corpus in ../shared/corpus (skipped where it is absent).

The corpus is indexed once per session (see conftest.corpus_index)."""

from __future__ import annotations

import pytest

from kb.model import cites_within
from kb.retrieve import SearchFilters
from kb.store import LiveIndex

pytestmark = pytest.mark.corpus


def citations_in(store, document_id: str) -> set[str]:
    documents = store.filter_documents({"field": "meta.document_id", "operator": "==", "value": document_id})
    return {d.meta["citation"] for d in documents}


def test_every_document_is_indexed(corpus_index):
    store, _, report = corpus_index
    assert report.skipped == []
    assert len(report.indexed) == 22
    assert report.ignored == []
    assert store.count_documents() == report.passages_written > 3000


def test_recovery_and_reflection_period_finds_cets_197_article_13(corpus_searcher):
    response = corpus_searcher.search("how long is the recovery and reflection period", limit=10)
    citations = [hit.passage.citation for hit in response.hits]
    assert any(cites_within(citation, "CETS No 197, art 13") for citation in citations[:3])
    best = next(hit.passage for hit in response.hits if cites_within(hit.passage.citation, "CETS No 197, art 13"))
    assert best.heading == "Recovery and reflection period"
    assert best.url.startswith("https://")


def test_jurisdiction_filter_keeps_to_that_jurisdiction(corpus_searcher):
    question = "how long is the recovery and reflection period"
    response = corpus_searcher.search(question, SearchFilters(jurisdictions=["US"], only=True), limit=20)
    assert response.hits and {hit.passage.jurisdiction for hit in response.hits} == {"US"}


def test_a_states_scope_adds_the_treaties_binding_it_and_no_others(corpus_searcher):
    national = {doc for doc in corpus_searcher.index.records() if doc.split("-")[0] in {"us", "de"}}
    us = set(corpus_searcher.in_scope(["US"]))
    # Party to the Palermo Protocol, UNTOC and the 1967 Protocol; not to the 1951 Convention, the ILO
    # Protocol or any Council of Europe treaty.
    assert us - national == {"un-palermo-protocol", "un-untoc-2000", "un-refugee-protocol-1967"}
    germany = set(corpus_searcher.in_scope(["DE"]))
    assert germany - national == {
        "un-palermo-protocol",
        "un-untoc-2000",
        "un-refugee-convention-1951",
        "un-refugee-protocol-1967",
        "ilo-p029-forced-labour-protocol-2014",
        "coe-cets197",
        "coe-echr",
        "coe-cets116-compensation",
    }
    response = corpus_searcher.search("protection of victims", SearchFilters(jurisdictions=["DE"]), facets=True)
    assert set(response.facets["jurisdiction"]) <= {"DE", "UN", "COE"}
    assert {hit.as_json()["layer"] for hit in response.hits} <= {"international", "regional", "national"}
    only = corpus_searcher.search("protection of victims", SearchFilters(jurisdictions=["DE"], only=True), facets=True)
    assert set(only.facets["jurisdiction"]) == {"DE"}


def test_a_query_naming_a_jurisdiction_favours_its_law(corpus_searcher):
    hits = corpus_searcher.search("residence permit for victims of trafficking in Germany", limit=5).hits
    assert [hit.passage.jurisdiction for hit in hits[:3]] == ["DE"] * 3


def test_t_visa_adjustment_question_reaches_8_usc_1255_l(corpus_searcher):
    response = corpus_searcher.search(
        "can a trafficking victim with a T visa become a permanent resident", SearchFilters(jurisdictions=["US"])
    )
    assert any(cites_within(hit.passage.citation, "8 U.S.C. § 1255(l)") for hit in response.hits)


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
    assert any(cites_within(found, citation) for found in citations_in(store, document_id))


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


# A phrase of each provision, as it stands in the source, and the pinpoint a lawyer would cite.
KNOWN_PROVISIONS = [
    ("coe-cets197", "recovery and reflection period of at least 30 days", "CETS No 197, art 13(1)"),
    ("coe-cets197", "renewable residence permit to victims", "CETS No 197, art 14(1)"),
    ("coe-cets197", "possibility of not imposing penalties on victims", "CETS No 197, art 26"),
    ("coe-cets197", "shall mean any natural person who is subject to trafficking", "CETS No 197, art 4"),
    ("un-palermo-protocol", "remain in its territory, temporarily or permanently", "Palermo Protocol, art 7"),
    ("un-palermo-protocol", "protect the privacy and identity of victims", "Palermo Protocol, art 6(1)"),
    (
        "un-palermo-protocol",
        "shall mean the recruitment, transportation, transfer, harbouring or receipt of persons",
        "Palermo Protocol, art 3",
    ),
    ("coe-echr", "No one shall be held in slavery or servitude", "ECHR, art 4"),
    ("coe-echr", "No one shall be subjected to torture", "ECHR, art 3"),
    ("un-refugee-convention-1951", "expel or return", "Refugee Convention, art 33"),
    ("un-refugee-protocol-1967", "undertake to apply articles 2 to 34 inclusive", "1967 Refugee Protocol, art I"),
    (
        "un-untoc-2000",
        "provide assistance and protection to victims of offences covered by this Convention",
        "UNTOC, art 25",
    ),
    (
        "ilo-p029-forced-labour-protocol-2014",
        "have access to appropriate and effective remedies",
        "ILO Forced Labour Protocol 2014, art 4",
    ),
    ("coe-cets116-compensation", "When compensation is not fully available from other sources", "CETS No 116, art 2"),
    (
        "us-8usc-1255",
        "at least 3 years since the date of admission as a nonimmigrant under section 1101(a)(15)(T)(i)",
        "8 U.S.C. § 1255(l)(1)(A)-(B)",  # (l)(1) goes on in (l)(1)(C)
    ),
    ("us-8usc-1101", "is or has been a victim of a severe form of trafficking in persons", "8 U.S.C. § 1101(a)(15)(T)"),
    ("us-18usc-ch77", "bring a civil action against the perpetrator", "18 U.S.C. § 1595(a)-(b)"),
    ("us-18usc-ch77", "obtains the labor or services of a person by any one of", "18 U.S.C. § 1589(a)"),
    ("us-18usc-3771", "reasonably protected from the accused", "18 U.S.C. § 3771(a)(1)-(6)"),
    ("de-aufenthg-en", "victim of a criminal offence under sections 232 to 233a", "AufenthG, s 25(4a)"),
    (
        "de-aufenthg-en",
        "concrete grounds to suspect that the foreigner was the victim of a criminal offence",
        "AufenthG, s 59(7)",
    ),
    ("ca-irpa", "which may be cancelled at any time", "IRPA, s 24(1)"),
    ("ca-irpa", "organize the coming into Canada of one or more persons", "IRPA, s 118"),
    ("ca-irpr", "being a fugitive from justice in a foreign jurisdiction", "IRPR, s 245"),
    (
        "ca-criminal-code-279",
        "conceals or harbours a person, or exercises control, direction or influence",
        "Criminal Code, s 279.01(1)",
    ),
    (
        "uk-immigration-rules-appendix-vts",
        "The requirements to be met by a person for permission to stay on the grounds of being a confirmed victim",
        "Immigration Rules, Appendix VTS, para VTS 3.1",
    ),
    (
        "uk-immigration-rules-appendix-dwmsv",
        "The applicant will be granted permission to stay for whichever is the shorter of",
        "Immigration Rules, Appendix DWMS, para DWMS 5.1",
    ),
    (
        "uk-immigration-rules-part11-asylum",
        "An application for asylum will only be recorded as valid if",
        "Immigration Rules, Part 11, para 327AB",
    ),
    (
        "uk-immigration-rules-part11-asylum",
        "This paragraph applies when the Secretary of State is satisfied that one or more of the following applies",
        "Immigration Rules, Part 11, para 339A",
    ),
    (
        "us-8usc-1367",
        "in no case may the Attorney General, or any other official or employee of the Department of Justice",
        "8 U.S.C. § 1367(a)",
    ),
    ("us-8usc-1184", "under section 1101(a)(15)(T) of this title may not exceed 5,000", "8 U.S.C. § 1184(o)(2)"),
    (
        "us-22usc-ch78-tvpa",
        "Support for local in-country nongovernmental organization-operated hotlines",
        "22 U.S.C. § 7105(a)(1)(A)-(B)",  # (a)(1) goes on in two more parts
    ),
    (
        "us-22usc-ch78-tvpa",
        "an alien who is a victim of a severe form of trafficking in persons, or an alien classified as a nonimmigrant",
        "22 U.S.C. § 7105(b)(1)",
    ),
]


@pytest.mark.parametrize(("document_id", "phrase", "citation"), KNOWN_PROVISIONS)
def test_known_phrase_sits_in_the_passage_with_the_right_citation(corpus_index, document_id, phrase, citation):
    store, registry, _ = corpus_index
    holding = [d for d in LiveIndex(store, registry).passages(document_id) if phrase in " ".join(d.content.split())]
    assert holding, f"no passage of {document_id} holds the phrase"
    assert holding[0].meta["citation"] == citation


def test_known_provisions_cover_every_document(corpus_index):
    _, registry, _ = corpus_index
    assert len(KNOWN_PROVISIONS) >= 30
    assert {doc for doc, _, _ in KNOWN_PROVISIONS} == set(registry.all())


@pytest.mark.parametrize(
    ("query", "provision"),
    [
        ("art 13 CETS 197", "CETS No 197, art 13"),
        ("Palermo Protocol article 7", "Palermo Protocol, art 7"),
        ("8 USC 1255(l)", "8 U.S.C. § 1255(l)"),
        ("s 25(4a) AufenthG", "AufenthG, s 25(4a)"),
        ("IRPA 24", "IRPA, s 24"),
        ("8 U.S.C. § 1101(a)(15)(T)", "8 U.S.C. § 1101(a)(15)(T)"),
        ("Appendix VTS 3.1", "Immigration Rules, Appendix VTS, para VTS 3.1"),
        ("art 4 EMRK", "ECHR, art 4"),  # the instrument's name in another language
        ("Protocolo de Palermo art 7", "Palermo Protocol, art 7"),
        ("Konvention des Europarats gegen Menschenhandel Art. 10", "CETS No 197, art 10"),
    ],
)
def test_a_cited_provision_comes_first_then_its_neighbours(corpus_searcher, query, provision):
    hits = corpus_searcher.search(query, limit=10).hits
    assert hits[0].match == "citation" and cites_within(hits[0].passage.citation, provision)
    cited = [hit for hit in hits if hit.match == "citation"]
    assert all(cites_within(hit.passage.citation, provision) for hit in cited)
    neighbours = hits[len(cited) :]
    assert neighbours and all(hit.match == "search" for hit in neighbours)
    assert len({hit.passage.id for hit in hits}) == len(hits)


def test_a_citation_outside_the_filtered_jurisdiction_is_not_forced_in(corpus_searcher):
    hits = corpus_searcher.search("art 13 CETS 197", SearchFilters(jurisdictions=["US"])).hits
    assert hits and {hit.passage.jurisdiction for hit in hits} <= {"US", "UN"}  # no Council of Europe treaty
    assert all(hit.match == "search" for hit in hits)


def test_results_can_carry_the_paragraphs_around_them(corpus_searcher):
    hit = corpus_searcher.search("Palermo Protocol, art 6(2)", context=True).hits[0]
    assert hit.passage.citation == "Palermo Protocol, art 6(2)"
    assert hit.context["before"]["citation"] == "Palermo Protocol, art 6(1)"
    assert hit.context["after"]["citation"] == "Palermo Protocol, art 6(3)"
    first = corpus_searcher.search("Palermo Protocol, art 6(1)", context=True).hits[0]
    assert first.context["before"] is None  # nothing before it in the article
    last = corpus_searcher.search("Palermo Protocol, art 7", context=True).hits[0]
    assert last.context == {"before": None, "after": None}  # article 7 is one passage
    assert hit.as_json()["heading"] == "Assistance to and protection of victims of trafficking in persons"
    assert corpus_searcher.search("Palermo Protocol, art 6(2)").hits[0].context is None  # only when asked
