"""The citation graph over the real corpus: references parsed at ingest, resolved both ways."""

from __future__ import annotations

from kb.model import Passage
from kb.related import related


def provision(searcher, citation: str) -> Passage:
    found = searcher.cited_passage(citation)
    assert found is not None, citation
    return found


def test_a_statute_speaking_by_cross_reference_is_indexed_with_what_it_cites(corpus_searcher):
    residence = provision(corpus_searcher, "AufenthG s 25(4a)")
    assert {"§ 232 StGB", "§ 232a StGB", "§ 233a StGB"} <= set(residence.cites)
    assert "Trafficking in human beings" in residence.index_context  # the word its text never uses
    links = {link.citation: link for link in related(corpus_searcher, residence).cites}
    assert links["§ 232 StGB"].heading == "Trafficking in human beings" and links["§ 232 StGB"].passage_id is None


def test_ina_sections_resolve_to_the_us_code(corpus_searcher):
    adjustment = provision(corpus_searcher, "8 U.S.C. § 1255(l)(1)")
    assert "8 U.S.C. § 1101(a)(15)(T)(i)" in adjustment.cites
    links = related(corpus_searcher, adjustment).cites
    t_visa = next(link for link in links if link.citation.startswith("8 U.S.C. § 1101(a)(15)(T)"))
    assert t_visa.document_id == "us-8usc-1101" and t_visa.passage_id


def test_cited_by_finds_the_provisions_that_refer_to_one(corpus_searcher):
    definitions = provision(corpus_searcher, "8 U.S.C. § 1101(a)(15)(T)")
    citing = {link.document_id for link in related(corpus_searcher, definitions).cited_by}
    assert {"us-8usc-1255", "us-22usc-ch78-tvpa"} <= citing


def test_a_protocol_cites_its_parent_convention_and_its_own_articles(corpus_searcher):
    passages = corpus_searcher.index.passages("un-palermo-protocol")
    cited = {c for d in passages for c in d.meta.get("cites") or []}
    assert any(c.startswith("UNTOC, art ") for c in cited)
    assert any(c.startswith("Palermo Protocol, art 5") for c in cited)
