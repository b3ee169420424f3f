"""A provision's place in the citation graph: what it cites and what cites it.

References are parsed at ingest (ingest/references.py) and kept on each passage as citation labels;
they are resolved here, at read time, like typed citations, so that a reference to a document
indexed later resolves too. A provision outside the corpus is named by corpus/references.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kb import citations
from kb.model import Passage, cites_overlap
from kb.references import provision_label, reference_data
from kb.retrieve import Searcher
from kb.transpositions import transpositions

# At most this many passages are listed as citing a provision.
CITED_BY_LIMIT = 50


@dataclass
class Link:
    citation: str
    heading: str
    passage_id: str | None = None  # None: the corpus does not hold it
    document_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "citation": self.citation,
            "heading": self.heading,
            "passage_id": self.passage_id,
            "document_id": self.document_id,
            "in_corpus": self.passage_id is not None,
        }


@dataclass
class Related:
    passage: Passage
    cites: list[Link] = field(default_factory=list)
    cited_by: list[Link] = field(default_factory=list)
    # Transposition links (kb.transpositions), each with the passage at the other end where indexed.
    transpositions: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.passage.id,
            "citation": self.passage.citation,
            "cites": [link.as_json() for link in self.cites],
            "cited_by": [link.as_json() for link in self.cited_by],
            "transpositions": self.transpositions,
        }


def related(searcher: Searcher, passage: Passage) -> Related:
    return Related(
        passage,
        resolve_cites(searcher, passage),
        cited_by(searcher, [passage])[passage.id],
        resolve_transpositions(searcher, passage),
    )


def resolve_transpositions(searcher: Searcher, passage: Passage) -> list[dict[str, Any]]:
    found = []
    for link in transpositions(passage.citation):
        target = searcher.cited_passage(link.citation)
        found.append(
            {
                **link.as_json(),
                "passage_id": target.id if target else None,
                "document_id": target.document_id if target else None,
            }
        )
    return found


def resolve_cites(searcher: Searcher, passage: Passage) -> list[Link]:
    """What the passage cites, each linked to the passage that holds it where the corpus does."""
    data = reference_data()
    links = []
    for citation in passage.cites:
        target = searcher.cited_passage(citation)
        if target is not None:
            links.append(Link(citation, target.heading, target.id, target.document_id))
        else:
            links.append(Link(citation, data.about(citation)))
    return links


def cited_by(searcher: Searcher, passages: list[Passage]) -> dict[str, list[Link]]:
    """For each passage, those whose references point into its provision or to a part of it (one
    look-up for them all, so that a whole document's are found at once)."""
    provisions = sorted({provision_label(p.citation) for p in passages})
    condition = {"field": "meta.cites_provisions", "operator": "in", "value": provisions}
    # Each citing passage under the whole provisions it cites, so that a passage meets only its own.
    citing: dict[str, list[tuple[Passage, str]]] = {}
    for document in searcher.index.filter(condition):
        other = Passage.from_document(document)
        for citation in other.cites:
            citing.setdefault(provision_label(citation), []).append((other, citation))
    found: dict[str, list[Link]] = {}
    for passage in passages:
        candidates = sorted(
            citing.get(provision_label(passage.citation), []), key=lambda o: (o[0].document_id, o[0].start)
        )
        links = {
            other.citation: Link(other.citation, other.heading, other.id, other.document_id)
            for other, citation in candidates
            if other.id != passage.id and cites_overlap(citation, passage.citation)
        }
        found[passage.id] = list(links.values())[:CITED_BY_LIMIT]
    return found


def cites_in_outline(searcher: Searcher, passages: list[Passage]) -> dict[str, list[dict[str, Any]]]:
    """What each passage cites, for a document's outline: without a look-up per reference, each says
    whether its instrument is indexed (then a citation search finds it) or what it is about."""
    data = reference_data()
    indexed = set(searcher.instrument_names().values())

    def shown(citation: str) -> dict[str, Any]:
        parts = citations.split_label(citation)
        return {
            "citation": citation,
            "heading": data.about(citation),
            "indexed": (parts[0] if parts else citation) in indexed,
        }

    return {passage.id: [shown(citation) for citation in passage.cites] for passage in passages}
