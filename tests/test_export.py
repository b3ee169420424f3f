"""Course packs from a collection and from topics, checked by opening the DOCX with python-docx and
reading the Markdown: headings, every quote followed by its citation, case studies, bibliography."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import docx
import pytest

from ingest.metadata import Overrides
from ingest.pipeline import Indexer
from kb import export
from kb.collections import CollectionError, Collections
from kb.retrieve import Searcher

from .conftest import FIXTURES

CASE_STUDIES = Path(__file__).resolve().parent.parent / "corpus" / "case-studies"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory, passage_embedder, query_embedder):
    from kb.store import DocumentRegistry, EdgeDocumentStore, LiveIndex

    folder = tmp_path_factory.mktemp("export-index")
    store, registry = EdgeDocumentStore(folder / "passages"), DocumentRegistry(EdgeDocumentStore(folder / "registry"))
    index = LiveIndex(store, registry)
    Indexer(index, passage_embedder).ingest([FIXTURES / "legal", CASE_STUDIES], Overrides())
    yield Searcher(index, query_embedder, ["en"])
    store.close()
    registry.close()


@pytest.fixture
def collections(tmp_path):
    store = Collections(tmp_path / "collections.sqlite3")
    yield store
    store.close()


def quotes_are_cited_docx(document: docx.document.Document) -> list[str]:
    """The citations that follow each run of quoted paragraphs; fails if a quote run has none."""
    paragraphs = document.paragraphs
    citations = []
    for index, paragraph in enumerate(paragraphs):
        if paragraph.style.name == "Quote" and paragraphs[index + 1].style.name != "Quote":
            following = paragraphs[index + 1].text
            assert following.startswith("— "), f"quote not followed by its citation: {paragraph.text[:60]!r}"
            citations.append(following[2:].split(", http")[0])
    return citations


def test_a_pack_from_a_collection_quotes_each_item_with_its_citation(tmp_path, searcher, collections):
    collections.create("Module 1")
    waiting = searcher.cited_passage("Model Convention art 2")
    holding = searcher.cited_passage("Rantsev v Cyprus and Russia, holding") or next(
        p
        for p in (
            searcher.passage(d.id)
            for d in searcher.index.store.filter_documents(
                {"field": "meta.citation", "operator": "==", "value": "Rantsev v Cyprus and Russia, holding"}
            )
        )
        if p
    )
    collections.add("Module 1", waiting, "45 days")
    collections.add("Module 1", holding)
    collections.add("Module 1", replace(waiting, id="gone-passage", citation="Model Convention, art 9"))
    pack = export.from_collection(collections, searcher, "Module 1", "Waiting times")
    assert any("Model Convention, art 9 is no longer in the index" in m for m in pack.missing)

    path = export.to_docx(pack, tmp_path / "pack.docx")
    document = docx.Document(str(path))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", "Waiting times")
    assert ("Heading 1", "Contents") in headings and ("Heading 1", "Bibliography") in headings
    assert ("Heading 2", "Case studies") in headings and ("Heading 2", "Discussion questions") in headings
    assert quotes_are_cited_docx(document) == [
        "Model Convention, art 2",
        "Model Convention, art 9",
        "Rantsev v Cyprus and Russia, holding",
    ]
    bibliography = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    rantsev = next(p for p in bibliography if p.text.startswith("Rantsev"))
    assert rantsev.text == "Rantsev v Cyprus and Russia App no 25965/04 (ECtHR, 7 January 2010)"
    assert rantsev.runs[0].italic and rantsev.runs[0].text == "Rantsev v Cyprus and Russia"

    markdown = export.to_markdown(pack)
    blocks = re.findall(r"((?:^>.*\n)+)\n(.*)", markdown, re.M)
    assert blocks and all(cited.startswith("— ") for _, cited in blocks)
    assert "## Bibliography" in markdown and "### Cases" in markdown


def test_a_pack_from_topics_says_what_is_missing_and_still_builds(tmp_path, searcher):
    pack = export.from_topics(searcher, ["permanent_residence", "non_punishment"], ["US", "COE"], "Residence")
    assert [s.heading for s in pack.sections] == ["Permanent residence and durable solutions", "Non-punishment"]
    assert any("was found for" in m for m in pack.missing)
    assert all(section.questions for section in pack.sections)
    document = docx.Document(str(export.to_docx(pack, tmp_path / "topics.docx")))
    assert document.paragraphs[0].text == "Residence"


def test_each_topic_has_judgments_and_vignettes_whole_without_the_trainers_key(searcher):
    (section,) = export.from_topics(searcher, ["non_punishment"], ["GB"]).sections
    kinds = [case.instrument_type for case in section.cases]
    assert kinds.count("case") == 2 and kinds.count("case_study") == 2
    judgment = next(case for case in section.cases if case.instrument_type == "case")
    assert "Facts: " in judgment.text and "Holding: " in judgment.text and not judgment.citation.endswith("holding")
    vignette = next(case for case in section.cases if case.instrument_type == "case_study")
    assert vignette.text.startswith("Scenario: ")
    assert "Provisions a good answer cites" not in vignette.text and "Discussion questions" not in vignette.text
    assert section.questions != list(export.DEFAULT_QUESTIONS)  # the vignettes' own questions


def test_a_docx_pack_drops_what_xml_cannot_hold(searcher, collections, tmp_path):
    collections.create("Module one")
    collections.add("Module one", searcher.cited_passage("Model Convention, art 2"), "Check\x0b with\x00 client")
    pack = export.from_collection(collections, searcher, "Module one", "Title\x01 of the pack")
    document = docx.Document(export.to_docx(pack, tmp_path / "pack.docx"))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Title of the pack" and "Note: Check with client" in texts
    assert "Check\x0b with\x00 client" in export.to_markdown(pack)  # Markdown keeps the text as saved


def test_an_empty_or_unknown_collection(searcher, collections):
    collections.create("Empty")
    pack = export.from_collection(collections, searcher, "Empty")
    assert pack.missing == ["The collection 'Empty' is empty."]
    assert "The collection 'Empty' is empty." in export.to_markdown(pack)
    with pytest.raises(CollectionError, match="No collection named 'Nope'"):
        export.from_collection(collections, searcher, "Nope")


def test_answers_never_quote_fictional_vignettes_and_matrix_cells_hold_only_provisions(searcher):
    from kb.answer import Answerer
    from kb.compare import compare

    vignettes = {
        d.meta["document_id"]
        for d in searcher.index.store.filter_documents(
            {"field": "meta.instrument_type", "operator": "==", "value": "case_study"}
        )
    }
    manifest = json.loads((CASE_STUDIES / "MANIFEST.json").read_text(encoding="utf-8"))
    assert vignettes == {e["id"] for e in manifest if e["instrument_type"] == "case_study"}
    draft = Answerer(searcher).ask("Can a trafficked worker get a residence permit while helping the prosecutor?")
    assert draft.citations and not {c.document_id for c in draft.citations} & vignettes
    matrix = compare(
        searcher, ["US", "COE", "GB", "DE"], ["permanent_residence", "non_punishment", "temporary_residence"]
    )
    cited = {c.document_id for cell in matrix.cells for c in cell.provisions}
    assert not {d for d in cited if d.startswith(("case-", "vignette-"))}


@pytest.mark.corpus
def test_topic_pack_provisions_keep_the_instrument_type_of_their_document(corpus_searcher):
    pack = export.from_topics(corpus_searcher, ["temporary_residence"], ["CA", "COE"])
    quoted = [q for section in pack.sections for q in section.provisions]
    records = corpus_searcher.index.records()
    assert quoted and all(q.instrument_type == records[q.document_id].instrument_type for q in quoted)
    assert "regulation" in {q.instrument_type for q in quoted}  # IRPR: not a statute because it is national
    assert "Treaties" in export.bibliography(pack)


def test_the_bibliography_groups_sources_by_their_instrument_type():
    def source(kind: str, title: str) -> export.Quoted:
        return export.Quoted("cite", title, "text", "", kind, title)

    kinds = ["treaty", "statute", "regulation", "directive", "guidance", "case", "case_study"]
    section = export.Section("All", provisions=[source(kind, f"A {kind}") for kind in kinds])
    groups = export.bibliography(export.Pack("Pack", "", [section]))
    assert groups == {
        "Cases": ["A case"],
        "Treaties": ["A treaty"],
        "Legislation": ["A regulation", "A statute"],
        "EU legislation": ["A directive"],
        "Guidance": ["A guidance"],
        "Training materials": ["Haven, A case_study"],
    }
