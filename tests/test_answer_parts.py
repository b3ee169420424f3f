"""The parts of draft answers that need no index: statements, quotes, selection, names of states
and instruments, and the check that a drafted sentence is in the passage it cites."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eval.answers import gold_share, sentence_supported
from eval.datasets import GoldQuestion
from kb.answer import (
    MIN_SIMILARITY,
    MIN_SIMILARITY_OTHER_LANGUAGES,
    SCORE_GAP,
    Citation,
    Draft,
    Supported,
    quote,
    select,
    states_rules,
)
from kb.citations import named_instruments
from kb.countries import states_named, states_without_law
from kb.model import Passage, SearchHit
from kb.statements import normalise, statements
from kb.text import stem

CONDITIONS = (
    "(4a) A foreigner who has been the victim of a criminal offence is to be granted a permit.\n\n"
    "The permit may only be issued if\n\n1.\n\nthe public prosecutor considers the presence appropriate,\n\n"
    "2.\n\nthe foreigner has broken off contact and\n\n3.\n\nthe foreigner is willing to testify."
)


def test_a_list_stays_whole_under_its_lead_in():
    found = statements(CONDITIONS)
    assert len(found) == 2
    assert found[1].startswith("The permit may only be issued if 1. the public prosecutor")
    assert found[1].endswith("3. the foreigner is willing to testify.")


def test_a_rule_paragraph_s_number_opens_its_statement_and_is_never_quoted_alone():
    text = "VTS 5.1. Permission to stay will be granted for up to 30 months. VTS 5.2. It may be extended."
    assert statements(text) == [
        "VTS 5.1. Permission to stay will be granted for up to 30 months.",
        "VTS 5.2. It may be extended.",
    ]


def test_a_statement_is_the_text_s_own_words_where_an_item_number_touches_its_text():
    text = "1. Elke Staat stelt strafbaar, indien opzettelijk gepleegd:\n\na.\n\ni.De omzetting van goederen;"
    (statement,) = statements(text, "nl")
    assert "i.De omzetting" in statement and normalise(statement) in normalise(text)


def test_the_statement_sharing_the_question_s_words_is_quoted():
    text = "1. Each Party shall provide a recovery period of 30 days. 2. Parties shall exchange data on routes."
    terms = {"recovery": 1, "period": 2, "days": 3, "exchange": 4, "data": 5, "routes": 6}

    def terms_of(unit: str) -> set[int]:
        return {v for k, v in terms.items() if k in unit.lower()}

    assert quote(text, {1, 2}, terms_of) == ["1. Each Party shall provide a recovery period of 30 days."]
    assert quote(text, {5, 6}, terms_of) == ["2. Parties shall exchange data on routes."]


def test_a_fragment_opening_mid_sentence_is_not_quoted():
    text = "and the person held a permit up to that time. The permit shall be renewed on request."
    assert quote(text, set(), lambda unit: set()) == ["The permit shall be renewed on request."]


def test_a_quote_is_cited_to_the_part_that_states_it_not_to_the_headings_it_opens_with():
    text = (
        "(1) Assistance  (A) Eligibility for benefits  Notwithstanding title IV, a victim shall be eligible.  "
        "(B) Expansion. The Secretary shall expand them.  (2) Scope, as follows— (A) one; (B) two."
    )
    labels = ["(b)(1)", "(b)(1)(A)", "(b)(1)(B)", "(b)(2)", "(b)(2)(A)", "(b)(2)(B)"]
    starts = [
        0,
        text.index("(A) Elig"),
        text.index("(B) Exp"),
        text.index("(2)"),
        text.index("(A) one"),
        text.index("(B) two"),
    ]
    passage = replace(
        _hit("s 1(b)").passage,
        text=text,
        units=[
            [f"s 1{label}", start, end]
            for label, start, end in zip(labels, starts, [*starts[1:], len(text)], strict=True)
        ],
    )
    # the statements come spaced as statements() gives them, not as the text is
    assert (
        passage.unit_of(
            "(1) Assistance (A) Eligibility for benefits Notwithstanding title IV, a victim shall be eligible."
        )
        == "s 1(b)(1)(A)"
    )
    assert passage.unit_of("The Secretary shall expand them.") == "s 1(b)(1)(B)"
    assert passage.unit_of("(2) Scope, as follows— (A) one; (B) two.") == "s 1(b)(2)"  # a list is its lead-in's
    assert passage.unit_of("Not in the text.") == "s 1(b)"
    # headings opening a statement that goes on over several parts: the first part's
    listed = replace(passage, text="(i) For each alien (1) the Secretary shall refer; (2) grant work.")
    one, two = listed.text.index("(1)"), listed.text.index("(2)")
    listed.units = [["s 1(i)", 0, one], ["s 1(i)(1)", one, two], ["s 1(i)(2)", two, len(listed.text)]]
    assert listed.unit_of("(i) For each alien (1) the Secretary shall refer; (2) grant work.") == "s 1(i)"


def _hit(citation: str, match: str = "search") -> SearchHit:
    passage = Passage(
        id=citation,
        document_id="doc",
        text="Text.",
        citation=citation,
        heading="",
        provision_path=[],
        title="T",
        short_title="T",
        jurisdiction="UN",
        instrument_type="treaty",
        language="en",
        url="",
        start=0,
        end=5,
        content_hash="h",
        passage_count=1,
    )
    return SearchHit(passage, 1.0, match)


def test_a_draft_quotes_what_a_court_held_not_a_digest_s_facts_or_its_list_of_provisions():
    assert states_rules(_hit("R v L, HVN, THN and T, holding").passage)
    assert states_rules(_hit("Rantsev v Cyprus and Russia, why it matters for victims' rights").passage)
    for part in ("facts", "case details", "provisions applied"):
        assert not states_rules(_hit(f"MS (Pakistan) v SSHD, {part}").passage)
    assert not states_rules(_hit("CETS No 197, preamble").passage)


def test_selection_keeps_what_is_close_to_the_best_and_abstains_below_the_floor():
    chosen = select([Supported(_hit("a"), 0.70), Supported(_hit("b"), 0.62), Supported(_hit("c"), 0.41)])
    assert [c.hit.passage.citation for c in chosen] == ["a", "b"]
    below = MIN_SIMILARITY - 0.01
    assert select([Supported(_hit("a"), below), Supported(_hit("b"), below - 0.05)]) == []
    cited = select([Supported(_hit("art 7", "citation"), 0.20)])  # the user cited it: always quoted
    assert [c.hit.passage.citation for c in cited] == ["art 7"]
    # a question in another language meets the law across languages, at lower cosines
    assert below > MIN_SIMILARITY_OTHER_LANGUAGES
    across = select([Supported(_hit("a"), below)], MIN_SIMILARITY_OTHER_LANGUAGES)
    assert [c.hit.passage.citation for c in across] == ["a"]


def test_selection_leaves_out_what_the_search_ranked_far_behind_the_best():
    def ranked(citation: str, score: float, similarity: float, jurisdiction: str = "DE") -> Supported:
        hit = _hit(citation)
        hit.passage = replace(hit.passage, jurisdiction=jurisdiction)
        hit.score = score
        return Supported(hit, similarity)

    # Equally similar in words, but the ranker put "s 17" far behind "s 25(4a)": another rule.
    candidates = [ranked("s 25(4a)", 3.2, 0.80), ranked("s 52(5)", 3.2 - SCORE_GAP / 2, 0.79)]
    chosen = select([*candidates, ranked("s 17", 3.2 - SCORE_GAP - 0.1, 0.80)])
    assert [c.hit.passage.citation for c in chosen] == ["s 25(4a)", "s 52(5)"]
    # Each layer is weighed against its own best: a treaty far ahead leaves the state's law in.
    treaty = ranked("art 14(1)", 3.2 + 2 * SCORE_GAP, 0.80, "COE")
    assert {c.hit.passage.citation for c in select([treaty, *candidates])} == {"art 14(1)", "s 25(4a)", "s 52(5)"}


@pytest.mark.parametrize(
    ("question", "absent"),
    [
        ("Does Dutch law give a reflection period?", ["NL"]),
        ("What residence permit can a victim get in France?", ["FR"]),
        ("T visa in the United States", []),
        ("residence permit in Germany", []),
        ("she wore a jersey and ate turkey", []),
        # where a person comes from or goes back to is not the law asked about
        ("A boy from Vietnam was found working in a cannabis house. Who must look after him?", []),
        ("She wants to go home to Moldova but they burned her passport.", []),
        ("Ein Junge aus Guinea sagt, er sei 16, und hat keine Papiere.", []),
        ("She came from Nigeria and was exploited in France. Can she stay in France?", ["FR"]),
        # an adjective written in lower case names the state with the law it qualifies, not alone
        ("¿Qué pena prevé el artículo 177 bis del Código Penal español?", ["ES"]),
        ("Jaka kara grozi według art. 189a polskiego kodeksu karnego?", ["PL"]),
        ("Solo hablo español y no tengo abogado. ¿Me pueden deportar?", []),
        # a large city names its state
        ("Policja dała mi mandat w Krakowie. Czy to wpłynie na moją kartę pobytu?", ["PL"]),
        ("tengo residencia en Madrid, puedo canjear mi licencia de conducir?", ["ES"]),
        ("Tôi làm việc ở Úc 2 năm theo visa working holiday.", ["AU"]),
        ("ما هي شروط الإقامة الذهبية في دبي؟", ["AE"]),
        # a city that names an instrument or a person is not a place
        ("What does the Palermo Protocol say about repatriation?", []),
        ("My client Milan was forced to work on a farm.", []),
    ],
)
def test_states_without_law_in_the_corpus(question, absent):
    assert states_without_law(question, {"US", "GB", "DE", "CA"}) == absent


def test_states_are_named_with_their_capitals():
    assert states_named("victims from Nigeria and Viet Nam") == {"Nigeria": "NG", "Vietnam": "VN"}


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("What does section 45 of the Modern Slavery Act 2015 say?", ["Modern Slavery Act"]),
        ("What does Directive 2011/36/EU require?", ["Directive 2011/36/EU"]),
        ("What did the court hold in Rantsev v Cyprus and Russia?", ["Rantsev v Cyprus"]),
        ("Is the T visa under the Act renewable?", []),
        ("What does the Modern Slavery Statutory Guidance say?", ["Modern Slavery Statutory Guidance"]),
        ("Which tiers does the TIP report use?", []),
    ],
)
def test_instruments_named_by_title(question, names):
    assert named_instruments(question) == names


def test_stems_match_inflections():
    assert stem("victims") == stem("victim")
    assert stem("identified") == stem("identify")


def test_a_sentence_is_supported_only_by_the_passage_that_holds_its_quote():
    holder = Citation("1", "art 13(1)", "doc", "COE", "T", "regional", "Each Party shall\nprovide a period.", "")
    other = Citation("2", "art 14(1)", "doc", "COE", "T", "regional", "Each Party shall issue a permit.", "")
    draft = Draft("q", "", False, [holder, other], {})
    assert sentence_supported('art 13(1): "Each Party shall provide a period." [1]', draft)
    assert not sentence_supported('art 13(1): "Each Party shall provide a period." [2]', draft)
    assert not sentence_supported('art 13(1): "Each Party shall provide a period." [3]', draft)
    assert not sentence_supported("Each Party shall provide a period.", draft)


def test_the_share_of_citations_on_gold_counts_parts_of_an_answering_provision_as_on_it():
    def cited(citation: str, document_id: str = "coe") -> Citation:
        return Citation(citation, citation, document_id, "COE", "T", "regional", "Text.", "")

    question = GoldQuestion("q1", "?", [("coe", "CETS No 197, art 13"), ("un", "Palermo Protocol, art 7")])
    on_gold = [cited("CETS No 197, art 13(1)"), cited("Palermo Protocol, art 7", "un")]
    off_gold = [cited("CETS No 197, art 14(1)"), cited("Palermo Protocol, art 7")]  # wrong document
    assert gold_share(Draft("q", "", False, on_gold + off_gold, {}), question) == 0.5
    assert gold_share(Draft("q", "", True, [], {}), question) == 0.0
