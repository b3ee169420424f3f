"""Cross-references: every form the parser must read, and how they resolve."""

from __future__ import annotations

import pytest

from ingest.references import Citing, Reference, cited_labels, find_references
from kb.references import in_range, label, provision_label, reference_data

AUFENTHG = Citing("AufenthG", "statute", "DE", "de-aufenthg-en", "25(4a)")
USC_1255 = Citing("8 U.S.C.", "usc", "US", "us-8usc-1255", "1255(l)(1)")
TVPA = Citing("22 U.S.C.", "usc", "US", "us-22usc-ch78-tvpa", "7105(c)(3)")
PALERMO = Citing("Palermo Protocol", "treaty", "UN", "un-palermo-protocol", "7")
AUFENTHG_DE = Citing("AufenthG", "de", "DE", "de-aufenthg-de", "25(4a)")
PROTOCOL_1967 = Citing("1967 Refugee Protocol", "treaty", "UN", "un-refugee-protocol-1967", "I")
IRPR = Citing("IRPR", "statute", "CA", "ca-irpr", "245")
VTS = Citing("Immigration Rules, Appendix VTS", "rules", "GB", "uk-immigration-rules-appendix-vts", "VTS 3.1")


def found(text: str, citing: Citing) -> list[tuple[str, str, str]]:
    return [(r.instrument, r.designator, r.last) for r in find_references(text, citing)]


@pytest.mark.parametrize(
    ("citing", "text", "expected"),
    [
        # inside the instrument
        (USC_1255, "as described in subsection (b)", [("8 U.S.C.", "1255(b)", "")]),
        (USC_1255, "under paragraph (2)", [("8 U.S.C.", "1255(l)(2)", "")]),
        (USC_1255, "subparagraph (C)(i) applies", [("8 U.S.C.", "1255(l)(1)(C)(i)", "")]),
        (TVPA, "under section 7105(c)(3) of this title", [("22 U.S.C.", "7105(c)(3)", "")]),
        (VTS, "meets paragraph VTS 3.1", [("Immigration Rules, Appendix VTS", "VTS 3.1", "")]),
        (VTS, "see paragraph SUI 2.2", [("Immigration Rules, Appendix SUI", "SUI 2.2", "")]),
        (PALERMO, "referred to in Article 4", [("Palermo Protocol", "4", "")]),
        (
            PALERMO,
            "offences established in accordance with article 5 of this Protocol",
            [("Palermo Protocol", "5", "")],
        ),
        (PALERMO, "pursuant to paragraph 2 (b) of this article", [("Palermo Protocol", "7(2)(b)", "")]),
        (PALERMO, "Articles 18 to 21", [("Palermo Protocol", "18", "21")]),
        (AUFENTHG, "in accordance with § 59 Abs. 7", [("AufenthG", "59(7)", "")]),
        (AUFENTHG, "section 25 (4a) and (4b)", [("AufenthG", "25(4a)", ""), ("AufenthG", "25(4b)", "")]),
        (
            AUFENTHG,
            "section 24 or section 25 (1) to (3)",
            [("AufenthG", "24", ""), ("AufenthG", "25(1)", ""), ("AufenthG", "25(3)", "")],
        ),
        (AUFENTHG, "subsection (1) nos. 1 to 2", [("AufenthG", "25(1)", "")]),
        # to other instruments
        (
            AUFENTHG,
            "an offence under sections 232 to 233a of the Criminal Code (_Strafgesetzbuch_)",
            [("StGB", "232", "233a")],
        ),
        (
            USC_1255,
            "section 101(a)(15)(T) of the Immigration and Nationality Act",
            [("8 U.S.C.", "1101(a)(15)(T)", "")],
        ),
        (TVPA, "section 1101(a)(15)(T)(i) of title 8", [("8 U.S.C.", "1101(a)(15)(T)(i)", "")]),
        (TVPA, "section 107 of the Trafficking Victims Protection Act of 2000", [("22 U.S.C.", "7105", "")]),
        (
            AUFENTHG,
            "a residence permit under Directive 2004/81/EC of 29 April 2004",
            [("Directive 2004/81/EC", "", "")],
        ),
        (PALERMO, "article 27 of the Convention", [("UNTOC", "27", "")]),
        (IRPR, "a permit issued under subsection 24(1) of the Act", [("IRPA", "24(1)", "")]),
        (IRPR, "for the purposes of section 65", [("IRPR", "65", "")]),
        (PROTOCOL_1967, "articles 2 to 34 inclusive of the Convention", [("Refugee Convention", "2", "34")]),
        # German texts name another law in the genitive after the reference
        (
            AUFENTHG_DE,
            "Opfer einer Straftat nach den §§ 232 bis 233a des Strafgesetzbuches wurde",
            [("StGB", "232", "233a")],
        ),
        (AUFENTHG_DE, "nach § 60 Absatz 5 Satz 1 des Asylgesetzes", [("AsylG", "60(5)", "")]),
        (AUFENTHG_DE, "des Hauptverfahrens (§ 207 der Strafprozeßordnung)", [("StPO", "207", "")]),
        (AUFENTHG_DE, "nach § 59 Absatz 7 Satz 1 Nummer 2", [("AufenthG", "59(7)", "")]),
        (AUFENTHG_DE, "nach § 25 Absatz 4a dieses Gesetzes", [("AufenthG", "25(4a)", "")]),
        (AUFENTHG_DE, "nach § 58 der Ausländerbehörde mitteilen", [("AufenthG", "58", "")]),
    ],
)
def test_reference_forms(citing, text, expected):
    assert found(text, citing) == expected


@pytest.mark.parametrize(
    "text",
    [
        "sections 13 and 13a (1) of the Federal Training Assistance Act",  # an Act Haven has no name for
        "Article 16a of the Basic Law",  # no article of a statute
        "section 7 of Book Four of the Social Code",  # a Book of the Code: not guessed
        "in the year 2004 the 12 Member States",  # numbers without a keyword
    ],
)
def test_what_cannot_be_resolved_is_left_out(text):
    assert found(text, AUFENTHG) == []


def test_a_german_text_cites_other_german_laws_in_its_own_form():
    references = find_references("nach § 60 Absatz 5 des Asylgesetzes", AUFENTHG_DE)
    assert cited_labels(references, AUFENTHG_DE, ["25", "60"]) == ["§ 60 Abs. 5 AsylG"]


def test_a_german_reference_to_a_law_haven_has_no_name_for_is_left_out():
    # It used to be read as the citing law's own § 613a.
    assert found("der Betriebsübergang nach § 613a des Bürgerlichen Gesetzbuchs", AUFENTHG_DE) == []


def test_an_own_reference_a_whole_instrument_does_not_hold_is_left_out():
    naba = Citing("Nationality and Borders Act 2022", "statute", "GB", "uk-naba-2022", "2(2)")
    # "section 17A" sits in text the Act inserts into the British Nationality Act 1981.
    act = naba.cite_as
    references = [Reference(act, "17A"), Reference(act, "3(1)"), Reference(act, "17C", "17F")]
    assert cited_labels(references, naba, ["1", "2", "3"]) == ["Nationality and Borders Act 2022, s 3(1)"]
    # A document holding some sections of a Code keeps its references to the others.
    assert cited_labels([Reference("8 U.S.C.", "1182(a)")], USC_1255, ["1255"]) == ["8 U.S.C. § 1182(a)"]


def test_an_act_section_without_a_code_section_is_left_out():
    assert found("section 999 of the Immigration and Nationality Act", USC_1255) == []


def test_a_range_becomes_each_provision_known_in_it():
    references = [Reference("StGB", "232", "233a")]
    assert cited_labels(references, AUFENTHG, []) == [
        "§ 232 StGB",
        "§ 232a StGB",
        "§ 232b StGB",
        "§ 233 StGB",
        "§ 233a StGB",
    ]
    own = cited_labels([Reference("AufenthG", "25", "25b")], AUFENTHG, ["24", "25", "25a", "25b", "26"])
    assert own == ["AufenthG, s 25", "AufenthG, s 25a", "AufenthG, s 25b"]
    # Nothing known in the range: its ends.
    assert cited_labels([Reference("AufenthG", "300", "302")], AUFENTHG, []) == ["AufenthG, s 300", "AufenthG, s 302"]


def test_labels_take_the_passages_forms():
    assert label("8 U.S.C.", "1101(a)(15)(T)", "usc") == "8 U.S.C. § 1101(a)(15)(T)"
    assert label("Palermo Protocol", "7(1)", "treaty") == "Palermo Protocol, art 7(1)"
    assert label("StGB", "232", "statute") == "StGB, s 232"
    assert (
        label("Immigration Rules, Appendix VTS", "VTS 3.1", "rules") == "Immigration Rules, Appendix VTS, para VTS 3.1"
    )
    assert provision_label("8 U.S.C. § 1101(a)(15)(T)") == "8 U.S.C. § 1101"
    assert in_range("232b", "232", "233a") and not in_range("233b", "232", "233a") and not in_range("231", "232", "233")
    assert in_range("159.3", "159.2", "159.7") and in_range("35", "34", "35.1")
    assert not in_range("159.8", "159.2", "159.7")


def test_every_codified_act_and_curated_provision_is_well_formed():
    data = reference_data()
    assert data.codified["INA"][1]["245"] == "1255" and data.codified["INA"][1]["101"] == "1101"
    assert data.codified["INA"][1]["214"] == "1184"
    for citation, heading in data.outside.items():
        instrument = citation.split(",")[0]
        assert heading and instrument in data.styles, citation
    named = {cite_as for names in data.names.values() for cite_as in names.values()}
    assert named <= set(data.styles) | set(data.codified), named - set(data.styles) - set(data.codified)
