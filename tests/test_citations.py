"""Citation lookup: parsing the citations users type, and grading passages' labels against them."""

from __future__ import annotations

import pytest

from kb.citations import loose, matches, parse, split_label
from kb.model import cites_within, section_key, split_span

NAMES = {
    loose(name): cite_as
    for name, cite_as in [
        ("CETS No 197", "CETS No 197"),
        ("Anti-Trafficking Convention", "CETS No 197"),
        ("Palermo Protocol", "Palermo Protocol"),
        ("8 U.S.C.", "8 U.S.C."),
        ("18 U.S.C.", "18 U.S.C."),
        ("AufenthG", "AufenthG"),
        ("Residence Act", "AufenthG"),
        ("IRPA", "IRPA"),
        ("VTS", "Immigration Rules, Appendix VTS"),
        ("Immigration Rules, Appendix VTS", "Immigration Rules, Appendix VTS"),
        ("ILO Forced Labour Protocol 2014", "ILO Forced Labour Protocol 2014"),
    ]
}


@pytest.mark.parametrize(
    ("query", "instrument", "designator", "rest"),
    [
        ("art 13 CETS 197", "CETS No 197", "13", ""),
        ("CETS No. 197, art. 13", "CETS No 197", "13", ""),
        ("Anti-Trafficking Convention article 26", "CETS No 197", "26", ""),
        ("Palermo Protocol article 7", "Palermo Protocol", "7", ""),
        ("Palermo Protocol, art 6(3)", "Palermo Protocol", "6(3)", ""),
        ("8 USC 1255(l)", "8 U.S.C.", "1255(l)", ""),
        ("8 U.S.C. § 1101(a)(15)(T)", "8 U.S.C.", "1101(a)(15)(T)", ""),
        ("18 USC 1589 forced labour", "18 U.S.C.", "1589", "forced labour"),
        ("s 25(4a) AufenthG", "AufenthG", "25(4a)", ""),
        ("section 25 (4a) of the Residence Act", "AufenthG", "25(4a)", "of the"),
        ("IRPA 24", "IRPA", "24", ""),
        ("VTS 3.1 reflection", "Immigration Rules, Appendix VTS", "3.1", "reflection"),
        # the label as Haven prints it, the appendix's letters after "para"
        ("Immigration Rules, Appendix VTS, para VTS 3.1", "Immigration Rules, Appendix VTS", "3.1", ""),
        ("ILO Forced Labour Protocol 2014 art 4", "ILO Forced Labour Protocol 2014", "4", ""),
    ],
)
def test_citations_users_type_are_parsed(query, instrument, designator, rest):
    cited = parse(query, NAMES)
    assert cited is not None
    assert (cited.instrument, cited.designator, cited.rest) == (instrument, designator, rest)


@pytest.mark.parametrize(
    "query",
    [
        "what does the palermo protocol say about residence",
        "IRPA victims 2 years",  # a number that neither follows a keyword nor touches the name
        "ILO Forced Labour Protocol 2014",  # the year belongs to the name
        "article 13 of which convention",  # no instrument
        "CETS 1970 art 2",  # a longer number is another instrument
    ],
)
def test_queries_without_a_citation_are_left_to_search(query):
    assert parse(query, NAMES) is None


def test_a_possessive_s_is_no_section():
    # "ILO's 2014" once read as "s 2014", and `kb ask` said the corpus lacked that provision.
    names = {**NAMES, loose("forced labour protocol"): "ILO Forced Labour Protocol 2014"}
    for apostrophe in "'’":
        cited = parse(f"What does the ILO{apostrophe}s 2014 forced labour protocol say about victims?", names)
        assert cited is None or not cited.keyed


def test_passage_labels_are_graded_against_the_wanted_designator():
    assert split_label("Palermo Protocol, art 7(1)") == ("Palermo Protocol", "7(1)")
    assert split_label("8 U.S.C. § 1255(l)") == ("8 U.S.C.", "1255(l)")
    rules = "Immigration Rules, Appendix VTS"
    assert split_label(f"{rules}, para VTS 3.1") == (rules, "VTS 3.1")
    assert split_label("Palermo Protocol, preamble") is None
    assert matches("7", "7") == 3
    assert matches("7(1)", "7") == 2  # a part of the cited article
    assert matches("7", "7(1)") == 1  # the article that holds the cited paragraph
    assert matches("17", "7") == 0 and matches("7(1)", "7(10)") == 0
    assert matches("1101(a)(15)(T)", "1101(a)(15)(T)") == 3
    assert matches("1101(a)(15)(T)", "1101(a)(15)(t)") == 2  # case-blind ranks below exact
    assert matches("1101(a)(15)(t)", "1101(a)(15)(T)") == 2
    assert matches("VTS 3.1", "3.1") == 3


def test_a_part_cited_to_a_span_of_units_holds_each_of_them():
    part = "18 U.S.C. § 3771(a)(1)-(6)"
    assert cites_within(part, "18 U.S.C. § 3771(a)")  # the subsection it is part of
    assert cites_within(part, "18 U.S.C. § 3771(a)(1)") and cites_within(part, "18 U.S.C. § 3771(a)(6)")
    assert cites_within(part, "18 U.S.C. § 3771(a)(4)(B)")  # deeper inside a unit it holds
    assert not cites_within(part, "18 U.S.C. § 3771(a)(7)") and not cites_within(part, "18 U.S.C. § 3771(b)(2)")
    assert cites_within("8 U.S.C. § 1101(a)(15)(T)(i)-(iv)", "8 U.S.C. § 1101(a)(15)(T)(iii)")  # roman numerals
    assert not cites_within("8 U.S.C. § 1101(a)(15)(T)(i)-(iv)", "8 U.S.C. § 1101(a)(15)(T)(ix)")
    assert cites_within("8 U.S.C. § 1101(a)(15)(A)-(H)", "8 U.S.C. § 1101(a)(15)(C)")
    # Subsections inserted later: (4a) after (4), (1A) after (1), each before the next number.
    assert cites_within("AufenthG, s 25(4)-(5)", "AufenthG, s 25(4a)")
    assert cites_within("Modern Slavery Act 2015, s 49(1)-(2)", "Modern Slavery Act 2015, s 49(1A)")
    assert not cites_within("AufenthG, s 25(4a)-(5)", "AufenthG, s 25(4)")
    assert not cites_within("Modern Slavery Act 2015, s 49(1)-(2)", "Modern Slavery Act 2015, s 49(2A)")
    assert split_span(part) == ("18 U.S.C. § 3771(a)", "1", "6") and split_span("18 U.S.C. § 3771(a)(1)") is None
    # Looked up: the span answers a unit inside it as the provision holding it, and is a part of (a).
    assert matches("3771(a)(1)-(6)", "3771(a)(3)") == 1
    assert matches("3771(a)(1)-(6)", "3771(a)") == 2
    assert matches("3771(a)(1)-(6)", "3771(a)(8)") == 0


@pytest.mark.parametrize(
    ("citation", "provision"),
    [
        ("18 U.S.C. § 3771(a)(1)-(6)", "18 U.S.C. § 3771(a)(4)(B)"),
        ("8 U.S.C. § 1101(a)(15)(T)(i)", "8 U.S.C. § 1101"),
        ("CETS No 197, art 13(1)", "CETS No 197, art 13"),
        ("§ 232 Abs. 1 StGB", "§ 232 StGB"),
        ("art. 3.48 lid 1 onder a Vb 2000", "art. 3.48 Vb 2000"),
        ("Vc 2000 (B) B8/3.1", "Vc 2000 (B) B8/3"),
        ("Immigration Rules, Appendix VTS, para VTS 3.1", "Immigration Rules, Appendix VTS, para VTS 3.1"),
    ],
)
def test_a_citation_within_a_provision_shares_its_section_key(citation: str, provision: str):
    # The searcher looks for a provision's passages among the labels with its section key only.
    assert cites_within(citation, provision)
    assert section_key(citation) == section_key(provision)
    assert section_key("IRPR, s 250.1") != section_key("IRPR, s 250")
    assert not cites_within("IRPR, s 250.1", "IRPR, s 250")
