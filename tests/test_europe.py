"""EU, German, Dutch and UK texts in their own form: each family's provision tree and citations, on
small fixtures the team wrote in each source's layout (the wording is invented)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.load import load_file
from ingest.metadata import DocumentInfo
from ingest.passages import build_passages
from kb import citations
from kb.model import cites_within
from kb.national import canonical, query_pinpoints
from kb.references import label, provision_label

GERMAN = """---
Title: Mustergesetz
jurabk: MusterG
---

# Mustergesetz (MusterG)

## Erster Abschnitt - Schutz

##### § 1 Zweck

Dieses Gesetz schützt die Opfer von Ausbeutung und regelt ihren Aufenthalt in einfachen Worten.

##### § 2 Aufenthalt der Opfer

(1) Einem Opfer einer Straftat nach § 1 wird eine Erlaubnis zum Aufenthalt erteilt, auch wenn es
zur Ausreise verpflichtet ist, solange das Strafverfahren gegen die Täter andauert und seine
Anwesenheit von der Staatsanwaltschaft für sachgerecht erachtet wird, weil ohne seine Angaben
die Erforschung des Sachverhalts erschwert wäre und die Täter sonst unbehelligt blieben.

(2) Die Erlaubnis wird für sechs Monate erteilt und verlängert, wenn die Voraussetzungen nach
Absatz 1 fortbestehen; die Behörde prüft dabei auch die persönliche Lage des Opfers, seine
Gesundheit, seine Familie im Herkunftsland und die Gefahren, die ihm bei einer Rückkehr drohen,
sowie die Möglichkeit einer Arbeit, einer Ausbildung oder eines Studiums im Bundesgebiet.

(3) Das Opfer wird über seine Rechte in einer Sprache unterrichtet, die es versteht; die Kosten
eines Dolmetschers trägt der Staat, und eine Beratungsstelle seiner Wahl darf es begleiten.
"""

DUTCH = """<meta http-equiv='Content-Type' content='text/html; charset=utf-8' />

##Besluit van 1 januari 2001 houdende een modelregeling

### Hoofdstuk  3

####Verblijf

### Artikel  3.48

1.  De verblijfsvergunning kan worden verleend aan de vreemdeling die slachtoffer is van uitbuiting, zolang
het opsporingsonderzoek naar de verdachte loopt en de vreemdeling daaraan zijn medewerking verleent, ook
wanneer hij geen geldige verblijfstitel heeft en niet over middelen van bestaan beschikt.

a. slachtoffer-aangever is van uitbuiting;

b. getuige-aangever is van uitbuiting.
2.  De aanvraag wordt niet afgewezen omdat de vreemdeling geen paspoort heeft, indien hij aannemelijk
maakt dat hij dat niet kan krijgen, en de beslissing wordt binnen vier weken genomen, waarbij de
vreemdeling tijdig wordt gehoord en een tolk krijgt als hij de taal niet begrijpt.
3.  Bij regeling van Onze Minister kunnen nadere regels worden gesteld over de bedenktijd, de opvang,
de medische zorg en de rechtsbijstand van de vreemdeling, en over de termijn waarbinnen hij vertrekt.

### Artikel  3.49

De verblijfsvergunning wordt verleend voor ten hoogste een jaar.
"""

CIRCULAR = """<meta http-equiv='Content-Type' content='text/html; charset=utf-8' />

##Modelcirculaire (B)

### B8

####Humanitair tijdelijk

### 3

####Slachtoffers van uitbuiting

De dienst verleent een bedenktijd van drie maanden aan de vreemdeling die mogelijk slachtoffer is.

### 3.1

####Beleidsregels

De dienst verleent de verblijfsvergunning als de officier van justitie verklaart dat het onderzoek loopt.
"""

UK_ACT = """---
title: "Model Protection Act 2020"
document_main_type: "UnitedKingdomPublicGeneralAct"
---
# Model Protection Act 2020

## PART 1 — Protection

### Victims

#### Defence for victims who commit an offence

##### 4

- (1) A person is not guilty of an offence if the person does the act because the person is compelled to do it.

- (2) Subsection (1) does not apply to an offence listed in Schedule 1.

#### Interpretation

##### 5

In this Act “victim” means a person who has been exploited.

## SCHEDULE 1

#### Offences excluded from the defence

##### 1

Murder.

[^key-0a1b2c3d4e5f60718293a4b5c6d7e8f9]: Sch. 1 para. 1 in force at 1.1.2021 by S.I. 2020/1.
"""

EU = """---
title: "Directive 2099/1/EU of the European Parliament and of the Council on model protection"
identifier: "32099L0001"
rank: "directive"
---
# Directive 2099/1/EU on model protection

#### Article 3

##### Assistance and support

1. Member States shall ensure that victims receive assistance and support before, during and after
criminal proceedings, for an appropriate period of time, and that this does not depend on their
willingness to cooperate in the criminal investigation, prosecution or trial.

2. Member States shall provide victims with appropriate and safe accommodation, material assistance,
necessary medical treatment including psychological assistance, counselling and information, and
translation and interpretation services where appropriate.
"""


@pytest.fixture(autouse=True)
def _small_passages(monkeypatch: pytest.MonkeyPatch):
    """Passages of at most 300 characters, so that the small fixtures split at their paragraphs."""
    import ingest.passages

    monkeypatch.setattr(ingest.passages, "MAX_PART_CHARS", 300)


def _passages(tmp_path: Path, name: str, text: str, style: str, cite_as: str, language: str = ""):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    info = DocumentInfo(path.stem, "A title", "Short", "XX", "statute", cite_as, style, language=language)
    return build_passages(load_file(path), info, "digest")


def test_german_statutes_are_cited_by_paragraph_and_absatz(tmp_path: Path):
    passages = _passages(tmp_path, "musterg.md", GERMAN, "de", "MusterG", "de")
    by_citation = {p.citation: p for p in passages}
    assert {"§ 1 MusterG", "§ 2 Abs. 1 MusterG", "§ 2 Abs. 2 MusterG"} <= set(by_citation)
    assert by_citation["§ 2 Abs. 1 MusterG"].heading == "Aufenthalt der Opfer"
    assert all(p.language == "de" for p in passages)  # the manifest's word, not a guess per passage
    assert "Erster Abschnitt" in by_citation["§ 1 MusterG"].provision_path[0]


def test_dutch_decrees_are_cited_by_article_and_lid(tmp_path: Path):
    passages = _passages(tmp_path, "vb.md", DUTCH, "nl", "Vb 2000", "nl")
    citations_ = [p.citation for p in passages]
    assert "art. 3.48 lid 1 Vb 2000" in citations_ and "art. 3.48 lid 2 Vb 2000" in citations_
    assert "art. 3.49 Vb 2000" in citations_  # a dotted number is one article, not article 3
    # its lettered items stay in their lid
    assert any(p.citation.startswith("art. 3.48 lid 1") and "getuige-aangever" in p.text for p in passages)


def test_a_part_that_continues_a_lid_is_indexed_with_its_lead_in(tmp_path: Path):
    # Lid 1 is longer than a passage: its lettered items go on in a part of their own, which says
    # nothing of what they list unless the lid's opening sentence comes with it.
    parts = [
        p for p in _passages(tmp_path, "vb.md", DUTCH, "nl", "Vb 2000", "nl") if p.citation == "art. 3.48 lid 1 Vb 2000"
    ]
    assert len(parts) == 2
    first, items = parts
    assert items.text.startswith("a. slachtoffer-aangever")
    assert "De verblijfsvergunning kan worden verleend" in items.index_context
    assert "De verblijfsvergunning kan worden verleend" not in first.index_context  # its own text already


def test_the_aliens_circular_is_cited_by_chapter_and_paragraph(tmp_path: Path):
    passages = _passages(tmp_path, "vc.md", CIRCULAR, "circular", "Vc 2000 (B)", "nl")
    by_citation = {p.citation: p for p in passages}
    assert set(by_citation) == {"Vc 2000 (B) B8/3", "Vc 2000 (B) B8/3.1"}
    assert by_citation["Vc 2000 (B) B8/3"].heading == "Slachtoffers van uitbuiting"
    assert cites_within("Vc 2000 (B) B8/3.1", "Vc 2000 (B) B8/3")


def test_uk_acts_take_the_heading_before_the_number_and_cite_schedules(tmp_path: Path):
    passages = _passages(tmp_path, "act.md", UK_ACT, "statute", "Model Protection Act 2020")
    by_citation = {p.citation: p for p in passages}
    assert by_citation["Model Protection Act 2020, s 4"].heading == "Defence for victims who commit an offence"
    assert "Interpretation" not in by_citation["Model Protection Act 2020, s 4"].text  # the next heading
    assert by_citation["Model Protection Act 2020, s 5"].heading == "Interpretation"
    schedule = by_citation["Model Protection Act 2020, Sch 1 para 1"]
    assert schedule.text == "Murder."  # the amendment note is editorial history, not the law


UK_AMENDING_ACT = """---
title: "Model Aid Act 2020"
document_main_type: "UnitedKingdomPublicGeneralAct"
---
# Model Aid Act 2020

#### Civil legal aid for victims

##### 7

- (1) Schedule 1 to the Model Legal Aid Act 2012 (availability of civil legal services to individuals who
qualify for them on the grounds of their means and of the merits of their case) is amended as follows.

- (2) In Part 1 (services), after paragraph 32 insert—

> (32A)
>   (1) Civil legal services provided to an individual in relation to an application by the individual for
leave to enter, or to remain in, the United Kingdom where there has been a conclusive determination that the
individual is a victim of slavery, servitude or forced or compulsory labour.
>   (2) Civil legal services provided in relation to a claim under employment law arising in connection with
the conduct by virtue of which an individual who is a victim of slavery is such a victim, but only where the
services are provided to the individual or to the individual's personal representative.

- (3) In Part 3 (advocacy: exclusion and exceptions), in paragraph 13, after "32" insert ", 32A", and in
paragraph 15 for "paragraph 32" substitute "paragraphs 32 and 32A", so that advocacy is funded as well.
"""


def test_text_an_amending_section_inserts_belongs_to_its_subsection(tmp_path: Path):
    passages = _passages(tmp_path, "aid.md", UK_AMENDING_ACT, "statute", "Model Aid Act 2020")
    by_citation = {p.citation: p for p in passages}
    assert set(by_citation) == {f"Model Aid Act 2020, s 7({n})" for n in (1, 2, 3)}  # no "s 7(32A)"
    assert "Civil legal services provided to an individual" in by_citation["Model Aid Act 2020, s 7(2)"].text


def test_eu_directives_are_cited_by_article_and_paragraph(tmp_path: Path):
    passages = _passages(tmp_path, "dir.md", EU, "treaty", "Directive 2099/1/EU")
    by_citation = {p.citation: p for p in passages}
    assert {"Directive 2099/1/EU, art 3(1)", "Directive 2099/1/EU, art 3(2)"} <= set(by_citation)
    assert by_citation["Directive 2099/1/EU, art 3(1)"].heading == "Assistance and support"


def test_a_file_in_two_languages_marks_its_second_as_a_parallel_translation(tmp_path: Path):
    english = "Article 1\n\nEach Party shall protect victims and shall give them a place to stay while they recover.\n"
    dutch = "Artikel 1\n\nIedere Partij beschermt de slachtoffers en geeft hun een verblijfplaats om te herstellen.\n"
    english += (
        "\nArticle 2\n\nEach Party shall ensure that victims receive legal aid and an interpreter free of charge.\n"
    )
    dutch += (
        "\nArtikel 2\n\nIedere Partij zorgt ervoor dat de slachtoffers kosteloos rechtsbijstand en een tolk krijgen.\n"
        "\nArtikel 3\n\nDit Verdrag treedt voor het Koninkrijk in werking op de eerste dag van de maand.\n"
    )  # the translation has more passages than the text it translates (a Dutch treaty record's own article)
    passages = _passages(tmp_path, "treaty.md", english + "\n" + dutch, "treaty", "Model Treaty")
    roles = {(p.language, p.text_role) for p in passages}
    assert roles == {("en", "original"), ("nl", "parallel")}


@pytest.mark.parametrize(
    ("national", "canonical_form"),
    [
        ("§ 232 Abs. 1 StGB", "StGB, s 232(1)"),
        ("§ 25 Abs. 4a AufenthG", "AufenthG, s 25(4a)"),
        ("§ 232 StGB", "StGB, s 232"),
        ("§ 232 Abs. 1-3 StGB", "StGB, s 232(1)-(3)"),
        ("art. 273f lid 1 onder a Sr", "Sr, art 273f(1)(a)"),
        ("art. 3.48 lid 1 onder a Vb 2000", "Vb 2000, art 3.48(1)(a)"),
        ("art. 71 onder 3° Sr", "Sr, art 71(3°)"),
        ("Vc 2000 (B) B8/3.1", "Vc 2000 (B), para B8/3.1"),
        ("CETS No 197, art 13(1)", "CETS No 197, art 13(1)"),  # other styles are their own canonical form
        ("18 U.S.C. § 3771(a)", "18 U.S.C. § 3771(a)"),
    ],
)
def test_national_labels_have_a_canonical_form(national: str, canonical_form: str):
    assert canonical(national) == canonical_form


def test_national_labels_are_rendered_from_designators_and_compare_in_any_form():
    assert label("StGB", "232(1)", "de") == "§ 232 Abs. 1 StGB"
    assert label("Sr", "273f(1)(a)", "nl") == "art. 273f lid 1 onder a Sr"
    assert provision_label("§ 232 Abs. 1 StGB") == "§ 232 StGB"
    assert provision_label("art. 3.48 lid 1 onder a Vb 2000") == "art. 3.48 Vb 2000"
    assert cites_within("§ 232 Abs. 1 StGB", "StGB, s 232")  # a reference in English form finds the German text
    assert cites_within("§ 232 Abs. 1 StGB", "§ 232 StGB")
    assert not cites_within("§ 232a Abs. 1 StGB", "§ 232 StGB")
    assert not cites_within("IRPR, s 196.2", "IRPR, s 196")  # a dotted section is no paragraph elsewhere


@pytest.mark.parametrize(
    ("query", "instrument", "designator"),
    [
        ("§ 232 StGB", "StGB", "232"),
        ("§ 232 Abs. 1 StGB", "StGB", "232(1)"),
        ("§ 232 Absatz 3 Satz 2 StGB", "StGB", "232(3)"),
        ("artikel 273f Sr", "Sr", "273f"),
        ("art. 3.48 lid 1 onder a Vb 2000", "Vb 2000", "3.48(1)(a)"),
        ("Vc 2000 (B) B8/3.1", "Vc 2000 (B)", "B8/3.1"),
        ("Art. 11 RL 2011/36/EU", "Directive 2011/36/EU", "11"),
        ("MSA 2015 s 45", "Modern Slavery Act 2015", "45"),
    ],
)
def test_citations_are_looked_up_in_each_systems_form(query: str, instrument: str, designator: str):
    names = {
        citations.loose(name): cite_as
        for cite_as, aliases in {
            "StGB": ["StGB"],
            "Sr": ["Sr"],
            "Vb 2000": ["Vb 2000"],
            "Vc 2000 (B)": ["Vc 2000 (B)"],
            "Directive 2011/36/EU": ["Directive 2011/36/EU", "RL 2011/36/EU"],
            "Modern Slavery Act 2015": ["Modern Slavery Act 2015", "MSA 2015"],
        }.items()
        for name in aliases
    }
    parsed = citations.parse(query, names)
    assert parsed is not None and (parsed.instrument, parsed.designator) == (instrument, designator)


def test_query_pinpoints_are_read_in_german_and_dutch_words():
    assert query_pinpoints("§ 232 Abs. 1 StGB") == "§ 232(1) StGB"
    assert query_pinpoints("artikel 273f lid 1 onder a Sr") == "artikel 273f(1)(a) Sr"
    assert query_pinpoints("does the lid of the jar fit") == "does the lid of the jar fit"  # no number: prose


@pytest.mark.parametrize("directive", ["eu-dir-2011-36", "eu-dir-2012-29"])
def test_eu_law_is_in_scope_for_member_states_taking_part_only(directive: str):
    from kb.jurisdictions import load_jurisdictions

    scope = load_jurisdictions()
    assert scope.binds(directive, "EU", "DE") and scope.binds(directive, "EU", "NL")
    assert not scope.binds(directive, "EU", "GB")  # bound until 31 December 2020 only
    assert not scope.binds(directive, "EU", "US") and not scope.binds(directive, "EU", "DK")
    assert scope.layer("EU") == "regional"


def test_transposition_links_read_both_ways():
    from kb.transpositions import transpositions

    def seen(citation: str) -> set[tuple[str, str]]:
        return {(t.relation, t.citation) for t in transpositions(citation)}

    assert ("implements", "Directive 2004/81/EC, art 8") in seen("§ 25 Abs. 4a AufenthG")
    assert ("implements", "Directive 2004/81/EC, art 8") in seen("AufenthG, s 25(4a)")  # the translation too
    assert seen("Vc 2000 (B) B8/3.1") == {
        ("implements", "Directive 2004/81/EC, art 6"),
        ("implements", "Directive 2004/81/EC, art 8"),
    }
    assert ("implemented in", "§ 233a StGB") in seen("Directive 2011/36/EU, art 2(1)")  # a part of the article
    assert ("implemented in", "art. 273f Sr") in seen("Directive 2011/36/EU, art 2")
    assert seen("AufenthG, s 25(5)") == set() and seen("Directive 2011/36/EU, art 20") == set()
    assert seen("Directive 2011/36/EU, art 21") == set()  # not art 2's sub-unit, despite the prefix


def test_a_transposition_link_without_its_source_is_refused(tmp_path: Path):
    from kb.transpositions import load_links

    (tmp_path / "transpositions.toml").write_text(
        '[[link]]\ndirective = "Directive 2004/81/EC, art 8"\nabout = "x"\nnational = ["AufenthG, s 25(4a)"]\n'
        'jurisdiction = "DE"\nbasis = "subject"\nsource = ""\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="source"):
        load_links(tmp_path)


def test_each_link_names_a_state_bound_by_eu_law_and_known_topics():
    from kb.jurisdictions import load_jurisdictions
    from kb.topics import load_topics
    from kb.transpositions import load_links

    known = {t.id for t in load_topics()}
    members = {"DE", "NL", "GB"}  # GB: bound until 31 December 2020 (corpus/jurisdictions.toml)
    for link in load_links():
        assert link.jurisdiction in members and link.jurisdiction in load_jurisdictions().by_code
        assert link.topics and set(link.topics) <= known, link


def test_a_link_on_the_national_text_is_backed_by_that_text(corpus_searcher):
    """A link whose basis is the national text: the instrument that holds the provision names the
    directive (the AufenthG's list of the directives it transposes)."""
    import re

    from kb.transpositions import load_links

    checked = 0
    for link in load_links():
        if link.basis != "national text":
            continue
        number = re.search(r"\d{4}/\d+", link.directive).group()
        held = [p for p in map(corpus_searcher.cited_passage, link.national) if p is not None]
        assert held, f"none of {link.national} is in the corpus"
        text = " ".join(d.content or "" for d in corpus_searcher.index.passages(held[0].document_id))
        assert number in text, f"{held[0].document_id} does not name {link.directive}"
        checked += 1
    assert checked


def test_search_results_and_related_carry_transpositions(corpus_searcher):
    from kb.related import related

    hit = corpus_searcher.search("AufenthG, s 25(4a)").hits[0]
    assert hit.passage.citation.startswith("AufenthG, s 25(4a)")
    assert {"relation": "implements", "citation": "Directive 2004/81/EC, art 8"}.items() <= hit.transpositions[
        0
    ].items()
    links = related(corpus_searcher, hit.passage).transpositions
    assert links and links[0]["passage_id"] is None  # the 2004 Directive is not in the corpus


@pytest.mark.parametrize(
    ("treaty", "body"),
    [("un-palermo-protocol", "UN"), ("un-refugee-convention-1951", "UN"), ("coe-cets197", "COE"), ("coe-echr", "COE")],
)
def test_the_netherlands_is_bound_by_the_treaties_it_ratified(treaty: str, body: str):
    from kb.jurisdictions import load_jurisdictions

    assert load_jurisdictions().binds(treaty, body, "NL")


def test_a_state_outside_the_file_is_bound_through_the_bodies_it_belongs_to():
    from kb.jurisdictions import load_jurisdictions

    scope = load_jurisdictions()
    assert scope.bodies_of("IT") == ["UN", "COE", "EU"]
    assert scope.bodies_of("UA") == ["UN", "COE"] and scope.bodies_of("NG") == ["UN"]
    assert "EU" not in scope.bodies_of("GB")  # left on 31 December 2020
    assert all("DK" in scope.not_bound[d] for d in ("eu-dir-2011-36", "eu-dir-2012-29"))
