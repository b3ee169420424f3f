"""The team's case studies in corpus/case-studies/: judgment digests and fictional vignettes, marked
as what they are, carrying what a lawyer needs to find the source, and indexed like the rest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.metadata import Overrides
from ingest.pipeline import Indexer
from kb.model import INSTRUMENT_TYPES

CASE_STUDIES = Path(__file__).resolve().parent.parent / "corpus" / "case-studies"
MANIFEST = json.loads((CASE_STUDIES / "MANIFEST.json").read_text(encoding="utf-8"))
DIGESTS = [e for e in MANIFEST if e["instrument_type"] == "case"]
VIGNETTES = [e for e in MANIFEST if e["instrument_type"] == "case_study"]
DIGEST_SECTIONS = ["Case details", "Facts", "Holding", "Provisions applied", "Why it matters for victims' rights"]


def sections(entry: dict) -> list[str]:
    return re.findall(r"^## (.+)$", (CASE_STUDIES / entry["file"]).read_text(encoding="utf-8"), re.M)


def test_the_manifest_lists_every_file_once_with_known_types():
    files = sorted(p.name for p in CASE_STUDIES.glob("*.md"))
    assert sorted(e["file"] for e in MANIFEST) == files
    assert len({e["id"] for e in MANIFEST}) == len(MANIFEST)
    assert {e["instrument_type"] for e in MANIFEST} <= set(INSTRUMENT_TYPES)
    assert len(DIGESTS) >= 8 and len(VIGNETTES) >= 6


@pytest.mark.parametrize("entry", DIGESTS, ids=lambda e: e["id"])
def test_a_digest_is_marked_as_a_summary_and_names_its_source(entry):
    text = (CASE_STUDIES / entry["file"]).read_text(encoding="utf-8")
    assert "Editorial summary written by the Haven team" in text and "to be verified against the judgment" in text
    assert sections(entry) == DIGEST_SECTIONS
    assert re.search(r"^- Court: .+$", text, re.M) and re.search(r"^- Judgment: \d{1,2} \w+ \d{4}$", text, re.M)
    assert re.search(r"^- (Application nos?|Neutral citation): .+$", text, re.M)
    assert re.search(r"^- Official source: https://", text, re.M) and entry["official_url"].startswith("https://")


@pytest.mark.parametrize("entry", VIGNETTES, ids=lambda e: e["id"])
def test_a_vignette_is_labelled_fictional_and_points_to_provisions(entry):
    text = (CASE_STUDIES / entry["file"]).read_text(encoding="utf-8")
    assert "*Fictional training vignette" in text
    assert sections(entry) == ["Scenario", "Discussion questions", "Provisions a good answer cites"]
    assert len(re.findall(r"^\d+\. ", text, re.M)) >= 3  # discussion questions
    assert len(re.findall(r"^- .+ — ", text, re.M)) >= 2  # provisions, each with why it matters


def test_case_studies_are_indexed_with_their_own_types_and_section_citations(tmp_path, passage_embedder):
    from kb.store import DocumentRegistry, EdgeDocumentStore, LiveIndex

    store, registry = EdgeDocumentStore(tmp_path / "passages"), DocumentRegistry(EdgeDocumentStore(tmp_path / "reg"))
    try:
        report = Indexer(LiveIndex(store, registry), passage_embedder).ingest([CASE_STUDIES], Overrides())
        assert not report.skipped and len(report.indexed) == len(MANIFEST)
        rantsev = store.filter_documents(
            {"field": "meta.document_id", "operator": "==", "value": "case-rantsev-v-cyprus-and-russia"}
        )
        labels = {d.meta["citation"] for d in rantsev}
        assert {"Rantsev v Cyprus and Russia, facts", "Rantsev v Cyprus and Russia, holding"} <= labels
        assert {d.meta["instrument_type"] for d in rantsev} == {"case"}
        assert store.value_counts("instrument_type").keys() == {e["instrument_type"] for e in MANIFEST}
    finally:
        store.close()
        registry.close()
