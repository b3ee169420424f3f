"""Draft answers and the comparison matrix on the real corpus (skipped without ../shared)."""

from __future__ import annotations

import pytest

from eval.answers import sentence_supported
from kb.answer import Answerer
from kb.compare import compare
from kb.jurisdictions import load_jurisdictions
from kb.retrieve import SearchError


@pytest.fixture(scope="module")
def answerer(corpus_searcher) -> Answerer:
    return Answerer(corpus_searcher)


def every_sentence(draft) -> list[str]:
    return [sentence for lines in draft.by_jurisdiction.values() for sentence in lines]


def test_an_international_answer_quotes_cets_197_art_13_and_every_sentence_is_in_its_passage(answerer):
    draft = answerer.ask("How long is the recovery and reflection period for victims?")
    assert not draft.abstained
    assert any(c.citation.startswith("CETS No 197, art 13") for c in draft.citations)
    sentences = every_sentence(draft)
    assert sentences and all(sentence_supported(s, draft) for s in sentences)
    assert draft.answer.count("[") >= len(sentences)


def test_two_jurisdictions_get_one_answer_each_within_their_scope(answerer, corpus_searcher):
    draft = answerer.ask("Can a victim get a residence permit while she helps the prosecution?", ["DE", "GB"])
    assert set(draft.by_jurisdiction) == {"DE", "GB"}
    scope = {code: set(corpus_searcher.in_scope([code])) for code in ("DE", "GB")}
    for code, sentences in draft.by_jurisdiction.items():
        for sentence in sentences:
            number = int(sentence.rsplit("[", 1)[1].split("]")[0].split(",")[0])
            assert draft.citations[number - 1].document_id in scope[code]
    assert any(c.document_id == "de-aufenthg-en" for c in draft.citations)


def test_a_draft_quotes_rules_not_a_statutes_title_or_a_treatys_recitals(answerer):
    # The Residence Act's introductory text names Directive 2004/81/EC on victims of trafficking.
    draft = answerer.ask("Can a trafficking victim get a residence permit in Germany?", ["DE"])
    assert draft.citations[0].citation == "AufenthG, s 25(4a)"
    assert not [c.citation for c in draft.citations if c.citation.endswith(("introductory text", "preamble"))]


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("How much does Italian citizenship cost, and how long does it take?", "no law of Italy"),
        ("What does section 45 of the Modern Slavery Act 2015 say about the defence?", "Modern Slavery Act"),
        ("What is the sentence under section 232a of the Criminal Code?", "Criminal Code 232a"),
        ("Can my landlord raise the rent in the middle of a fixed-term lease?", "outside what the corpus covers"),
        ("How many victims were identified in the UK in 2022?", "no statistics"),
        ("How much compensation does a trafficking victim receive in Germany?", "amount of money"),
        ("What phone number should a trafficking victim call for help?", "telephone number"),
    ],
)
def test_it_abstains_and_says_why_listing_the_nearest_passages(answerer, question, reason):
    draft = answerer.ask(question)
    assert draft.abstained
    assert reason in draft.answer
    assert draft.by_jurisdiction == {}
    assert 1 <= len(draft.citations) <= 3
    assert all(f"[{n}]" in draft.answer for n in range(1, len(draft.citations) + 1))


def test_a_state_whose_law_the_corpus_lacks_is_answered_from_the_treaties_binding_it_and_says_so(answerer):
    draft = answerer.ask("What residence permit can a trafficking victim get in France?")
    assert not draft.abstained
    assert draft.answer.startswith("The corpus holds no law of France itself.")
    assert set(draft.by_jurisdiction) <= {"UN", "COE", "EU"} and draft.citations
    assert "coe-cets197" in {c.document_id for c in draft.citations}
    assert all(c.layer != "national" for c in draft.citations)


def test_an_instrument_a_state_opted_out_of_is_not_quoted_for_it(answerer, monkeypatch):
    # As Denmark is bound by neither EU directive: here France, as if it had opted out of CETS 197.
    question = "What residence permit can a trafficking victim get in France?"
    assert "coe-cets197" in {c.document_id for c in answerer.ask(question).citations}
    monkeypatch.setitem(load_jurisdictions().not_bound, "coe-cets197", frozenset({"FR"}))
    assert "coe-cets197" not in {c.document_id for c in answerer.ask(question).citations}


def test_a_question_on_another_field_or_a_national_provision_of_such_a_state_abstains(answerer):
    for question in (
        "I study in Ghent on a Belgian student residence card. How do I renew it at the municipality?",
        "What penalty does article 177 bis of the Spanish Criminal Code set for trafficking in human beings?",
        "How much money a month does a trafficking victim in a Spanish NGO shelter receive?",
    ):
        draft = answerer.ask(question)
        assert draft.abstained and "no law of" in draft.answer, question


def test_a_state_without_law_is_named_in_the_questions_language(answerer):
    draft = answerer.ask("Ce permis de séjour peut obtenir une victime de la traite des êtres humains en Italie ?")
    assert draft.answer.startswith("Le corpus ne contient pas le droit propre de cet État (Italie).")


def test_an_instrument_named_with_its_state_is_one_the_corpus_holds(answerer):
    draft = answerer.ask("Under the German Residence Act, can a trafficking victim get a residence permit?")
    assert not draft.abstained
    assert any(c.document_id.startswith("de-aufenthg") for c in draft.citations)


def test_a_jurisdiction_asked_twice_or_unknown_is_refused(answerer):
    with pytest.raises(SearchError, match="twice"):
        answerer.ask("residence permit", ["DE", "de"])
    with pytest.raises(SearchError, match="Unknown jurisdiction"):
        answerer.ask("residence permit", ["XX"])


def test_the_compare_matrix_keeps_each_cell_to_its_state_and_topic(corpus_searcher):
    matrix = compare(corpus_searcher, ["DE", "GB", "US", "CA"], ["temporary_residence", "asylum_non_refoulement"])
    assert len(matrix.cells) == 10  # with the EU rule: Germany is bound by EU law
    for cell in matrix.cells:
        assert all(c.jurisdiction == cell.jurisdiction for c in cell.provisions)
    residence = matrix.cell("DE", "temporary_residence")
    assert residence.provisions[0].citation == "AufenthG, s 25(4a)"  # the implementation comes first
    assert [i.directive for i in residence.implemented(residence.provisions[0].id)] == ["Directive 2004/81/EC, art 8"]
    # The Directive is not in this corpus: the EU rule names it all the same.
    assert [a.citation for a in matrix.cell("EU", "temporary_residence").not_in_corpus] == [
        "Directive 2004/81/EC, art 8"
    ]
    markdown = matrix.as_markdown()
    assert markdown.splitlines()[0] == "| Topic | EU | DE | GB | US | CA |"
    assert "[AufenthG, s 25(4a)](https://" in markdown


def test_compare_refuses_unknown_topics(corpus_searcher):
    with pytest.raises(SearchError, match="Unknown topic 'visas'"):
        compare(corpus_searcher, ["DE"], ["visas"])


def test_a_cell_puts_first_the_provision_titled_with_the_topic(corpus_searcher):
    matrix = compare(corpus_searcher, ["UN", "US"], ["temporary_residence", "reflection_period"])
    cited = {(c.jurisdiction, c.topic): [p.citation for p in c.provisions] for c in matrix.cells}
    assert "Palermo Protocol, art 7" in cited[("UN", "temporary_residence")]  # "remain in its territory"
    assert cited[("US", "reflection_period")][0] == "22 U.S.C. § 7105(c)(3)"  # continued presence
    assert cited[("UN", "reflection_period")] == []
