"""The compare matrix's EU rule: a directive's article and each member state's implementation in one
row, on a small library the team wrote (a model directive, and a statute in German with its English
translation from tests/fixtures_europe)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ingest.pipeline import Indexer
from kb.compare import compare
from kb.retrieve import Searcher
from kb.store import DocumentRegistry, EdgeDocumentStore, LiveIndex
from kb.transpositions import load_links

LIBRARY = Path(__file__).resolve().parent / "fixtures_europe"

DIRECTIVE = """---
title: "Directive 2099/1/EU on the residence of victims (test fixture)"
rank: "directive"
---
# Directive 2099/1/EU on the residence of victims

Whereas:

(1) A residence permit for victims of trafficking in human beings who cooperate with the authorities
is an incentive to cooperate, and victims need a period to recover before they decide.

HAVE ADOPTED THIS DIRECTIVE:

#### Article 6

##### Residence permit

1. Member States shall issue a residence permit to a victim of trafficking in human beings whose
presence is needed for the investigation or the judicial proceedings and who cooperates with the
competent authorities, for at least six months, renewable while the proceedings last.

#### Article 7

##### Review

The Commission shall report on the application of this Directive within five years.
"""

LINKS = """[[link]]
directive = "Directive 2099/1/EU, art 6"
about = "residence permit for victims who cooperate"
national = ["§ 2 MusterG", "MusterG, s 2"]
jurisdiction = "DE"
topics = ["temporary_residence"]
basis = "subject"
source = "MusterG s 2 grants the permit the article requires (test fixture)"

[[link]]
directive = "Directive 2098/9/EU, art 4"
about = "a reflection period"
national = ["MusterG, s 3"]
jurisdiction = "DE"
topics = ["temporary_residence"]
basis = "subject"
source = "a directive the library does not hold (test fixture)"
"""


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory, passage_embedder, query_embedder):
    folder = tmp_path_factory.mktemp("eu-rule")
    docs = folder / "docs"
    docs.mkdir()
    manifest = [e for e in json.loads((LIBRARY / "MANIFEST.json").read_text()) if e["id"].startswith("musterg")]
    for entry in manifest:
        shutil.copy(LIBRARY / entry["file"], docs / entry["file"])
    (docs / "dir-2099-1.md").write_text(DIRECTIVE, encoding="utf-8")
    manifest.append(
        {
            "id": "eu-dir-2099-1",
            "file": "dir-2099-1.md",
            "title": "Directive 2099/1/EU on the residence of victims (test fixture)",
            "short_title": "Directive 2099/1/EU",
            "jurisdiction": "EU",
            "instrument_type": "directive",
            "date": "2099-01-01",
            "language": "en",
            "official_url": "https://example.org/dir-2099-1",
        }
    )
    (docs / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    index = LiveIndex(EdgeDocumentStore(folder / "shard"), DocumentRegistry(EdgeDocumentStore(folder / "registry")))
    report = Indexer(index, passage_embedder).ingest([docs])
    assert not report.skipped and len(report.indexed) == 3
    yield Searcher(index, query_embedder, [])
    index.close()


@pytest.fixture
def links(tmp_path: Path):
    (tmp_path / "transpositions.toml").write_text(LINKS, encoding="utf-8")
    return load_links(tmp_path)


def test_a_member_states_row_shows_the_eu_rule_and_its_implementation(searcher: Searcher, links):
    matrix = compare(searcher, ["DE", "US"], ["temporary_residence"], links)
    assert matrix.jurisdictions == ["EU", "DE", "US"]
    eu, de = matrix.cell("EU", "temporary_residence"), matrix.cell("DE", "temporary_residence")
    assert eu.provisions[0].citation == "Directive 2099/1/EU, art 6"
    assert [(a.citation, a.about) for a in eu.not_in_corpus] == [("Directive 2098/9/EU, art 4", "a reflection period")]
    # Both language versions of the implementing section come first, each saying what it implements.
    first_two = {c.citation for c in de.provisions[:2]}
    assert first_two == {"§ 2 MusterG", "MusterG, s 2"}
    for citation in de.provisions[:2]:
        assert {i.directive for i in de.implemented(citation.id)} == {"Directive 2099/1/EU, art 6"}
    assert all(i.basis == "subject" and i.source for i in de.implements)
    assert not matrix.cell("US", "temporary_residence").provisions  # no US law in this library
    markdown = matrix.as_markdown()
    assert markdown.splitlines()[0] == "| Topic | EU | DE | US |"
    assert "(implements Directive 2099/1/EU, art 6; by subject)" in markdown
    assert "Directive 2098/9/EU, art 4 (not in the corpus: a reflection period)" in markdown
    row = matrix.as_json()["cells"][1]
    assert row["jurisdiction"] == "DE" and row["implements"][0]["directive"] == "Directive 2099/1/EU, art 6"


def test_recitals_are_never_a_cell(searcher: Searcher, links):
    matrix = compare(searcher, ["EU"], ["temporary_residence", "reflection_period"], links)
    cited = [c.citation for cell in matrix.cells for c in cell.provisions]
    assert cited and not any(c.endswith("preamble") for c in cited)


def test_no_eu_column_for_states_outside_the_eu(searcher: Searcher, links):
    assert compare(searcher, ["US"], ["temporary_residence"], links).jurisdictions == ["US"]
