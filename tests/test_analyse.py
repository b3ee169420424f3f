"""From facts to law on the real corpus: the provisions that govern each issue a statement raises
(corpus/issues.toml `applies`), kept to the scope of the jurisdiction asked."""

from __future__ import annotations

import re

from kb.analyse import Issue, analyse, governing_provisions, load_issues, raised_issues
from kb.model import Passage

STATEMENT = (
    "A man in Lagos promised me a job in a hotel. When I arrived he took my passport and said I owed him "
    "30,000 for the journey. I was locked in a flat and never paid. The police came in a raid and arrested me. "
    "I am afraid to go back to my country."
)


def _issue(analysis, issue_id: str, code: str) -> list[str]:
    raised = next(r for r in analysis.issues if r.issue.id == issue_id)
    return [hit.passage.citation for hit in raised.provisions[code]]


def test_each_issue_names_the_provisions_that_govern_it_in_the_jurisdiction_asked(corpus_searcher):
    analysis = analyse(corpus_searcher, STATEMENT, ["US", "GB", "COE"])
    raised = {r.issue.id for r in analysis.issues}
    assert {"withheld_documents", "debt_bondage", "confinement", "identification", "fear_of_return"} <= raised
    assert _issue(analysis, "withheld_documents", "US")[0] == "18 U.S.C. § 1592(a)"
    assert "ECHR, art 4" in _issue(analysis, "withheld_documents", "GB")  # the United Kingdom is bound by it
    assert not any(c.startswith("ECHR") for c in _issue(analysis, "withheld_documents", "US"))  # not a party
    assert "Refugee Convention, art 33" in _issue(analysis, "fear_of_return", "GB")
    # a state of the Council of Europe outside the corpus: the international and regional instruments
    coe = _issue(analysis, "withheld_documents", "COE")
    assert "Palermo Protocol, art 3" in coe and not any(c.startswith(("18 U.S.C.", "Criminal Code")) for c in coe)
    ranked = [hit.passage.citation for hit in analysis.ranked["GB"]]
    assert "ECHR, art 4" in ranked[:5]  # engaged by several issues, it ranks high


def test_every_provision_named_as_governing_an_issue_is_in_the_corpus(corpus_searcher):
    held = set(corpus_searcher.known_values("jurisdiction"))
    for issue in load_issues():
        for citation in issue.applies:
            found = corpus_searcher.cited_versions(citation)
            # German and Dutch originals are in ../shared/corpus-europe, not indexed here
            if "StGB" in citation or citation.endswith(("Sr", "Vb 2000")) or citation.startswith("Vc 2000"):
                continue
            if citation.startswith(("Directive", "Modern Slavery Act", "Nationality and Borders Act")):
                continue
            assert found, f"{issue.id}: {citation} is not in the corpus ({sorted(held)})"


def test_a_death_and_a_childs_return_raise_the_state_duties_and_rights_they_engage(corpus_searcher):
    statement = (
        "My daughter was sixteen. The club owner locked her in a flat and the next morning she was found dead "
        "under the balcony. The police closed the case after a few weeks. Now they want to send her brother back "
        "home to Nigeria, although nobody there can look after him."
    )
    analysis = analyse(corpus_searcher, statement, ["COE", "DE"])
    raised = {r.issue.id for r in analysis.issues}
    assert {"death_or_danger_to_life", "investigation_and_trial", "return_and_repatriation", "a_minor"} <= raised
    assert _issue(analysis, "death_or_danger_to_life", "COE")[0] == "ECHR, art 2"
    assert "AufenthG, s 58(1a)" in _issue(analysis, "return_and_repatriation", "DE")  # a child's return
    assert "AufenthG, s 58(1a)" not in _issue(analysis, "return_and_repatriation", "COE")  # national law


def test_a_disputed_age_and_a_child_without_carers_are_issues_of_their_own():
    statement = (
        "He says he is 15, but the council's social worker thinks he looks older. "
        "He came to England without his parents and nobody has been appointed as his guardian."
    )
    raised = {r.issue.id: r for r in raised_issues(statement)}
    assert {"age_disputed", "unaccompanied_child"} <= raised.keys()
    assert [s.text for s in raised["age_disputed"].sentences] == [
        "He says he is 15, but the council's social worker thinks he looks older."
    ]
    assert "Modern Slavery Act 2015, s 51" in raised["age_disputed"].issue.applies
    assert "Modern Slavery Act 2015, s 48" in raised["unaccompanied_child"].issue.applies
    adult = raised_issues("I am 34 years old. My employer took my passport and locked me in the flat.")
    assert not {"age_disputed", "unaccompanied_child"} & {r.issue.id for r in adult}


def test_a_statement_quoting_people_is_searched_for_its_words_not_for_the_quoted_phrase(corpus_searcher):
    # A phrase in quotes would be search syntax (it must occur word for word); no provision says "go out".
    quoted = STATEMENT + ' The owner said we had to "go out" with customers or pay a fine.'
    plain = quoted.replace('"', "")
    ranked = [hit.passage.id for hit in analyse(corpus_searcher, quoted, ["GB"]).ranked["GB"]]
    assert ranked == [hit.passage.id for hit in analyse(corpus_searcher, plain, ["GB"]).ranked["GB"]]


def _passage(citation: str, document_id: str, jurisdiction: str) -> Passage:
    return Passage(
        id=document_id, document_id=document_id, text="", citation=citation, heading="", provision_path=[],
        title="", short_title="", jurisdiction=jurisdiction, instrument_type="treaty", language="en", url="",
        start=0, end=0, content_hash="", passage_count=1,
    )  # fmt: skip


def test_the_eus_law_is_its_own_and_a_treaty_bodys_is_its_treaties():
    issue = Issue("forced_labour", "Forced labour", "element", "forced labour", re.compile("forced"),
                  applies=("ECHR, art 4", "Palermo Protocol, art 3(a)", "Directive 2011/36/EU, art 2(1)"))  # fmt: skip
    versions = {
        "ECHR, art 4": [_passage("ECHR, art 4", "coe-echr", "COE")],
        "Palermo Protocol, art 3(a)": [_passage("Palermo Protocol, art 3", "un-palermo-protocol", "UN")],
        "Directive 2011/36/EU, art 2(1)": [_passage("Directive 2011/36/EU, art 2(1)", "eu-dir-2011-36", "EU")],
    }

    def governing(code: str) -> list[str]:
        return [citation for citation, _ in governing_provisions(issue, versions, code, "en")]

    # The Union's directives are its law; it is party to none of these treaties as recorded.
    assert governing("EU") == ["Directive 2011/36/EU, art 2(1)"]
    # A body made of treaties: the international and regional treaties, not the Union's legislation,
    # which binds only its member states.
    assert governing("COE") == ["ECHR, art 4", "Palermo Protocol, art 3(a)"]
    # A member state: its treaties and the directives it takes part in.
    assert governing("DE") == ["ECHR, art 4", "Palermo Protocol, art 3(a)", "Directive 2011/36/EU, art 2(1)"]
    assert governing("GB") == ["ECHR, art 4", "Palermo Protocol, art 3(a)"]  # bound until 2020 only


def test_each_sentence_of_a_statement_is_searched_in_the_jurisdiction_asked(corpus_searcher, monkeypatch):
    searched: list[tuple[str, list[str]]] = []
    search = corpus_searcher.search

    def recording(query, filters=None, limit=10, **kwargs):
        searched.append((query, list(filters.jurisdictions) if filters else []))
        return search(query, filters, limit, **kwargs)

    monkeypatch.setattr(corpus_searcher, "search", recording)
    statement = (
        "He took my passport at the airport. I worked for nothing. Help! Can I sue the farm that bought the crops?"
    )
    ranked = analyse(corpus_searcher, statement, ["US"]).ranked["US"]
    sentences = [query for query, codes in searched if codes == ["US"]]
    assert "He took my passport at the airport." in sentences
    assert "Can I sue the farm that bought the crops?" in sentences
    assert "Help!" not in sentences  # too short to be about anything
    assert any(hit.passage.citation.startswith("18 U.S.C. § 1595") for hit in ranked)  # the civil remedy
