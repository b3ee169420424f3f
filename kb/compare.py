"""The jurisdiction x topic matrix: for each state and victim-rights topic, the provisions of that
state's own law on the topic, best first, or a plain statement that the corpus holds none.

A cell searches with the topic's label and description as the query, filtered to the
jurisdiction's own law (`--only`) and to passages tagged with the topic (corpus/topics.toml).
Provisions whose heading or title line uses one of the topic's key terms come first; the others
must use a key term or be similar to the topic's description.
"""

from __future__ import annotations

import copy
import re
import time
from dataclasses import dataclass, field
from typing import Any

from kb.answer import Citation, citation_of, law_types
from kb.jurisdictions import load_jurisdictions
from kb.model import SearchHit
from kb.rank import Ranker
from kb.retrieve import Searcher, SearchError, SearchFilters
from kb.topics import load_topics

PROVISIONS_PER_CELL = 2
# Topic tags come from term lists and are loose (kb/topics.py); a cell keeps a tagged provision only
# when it is also this similar (cosine) to the topic's description. Set by reading the DE/GB/US/CA
# matrix over all topics: below it, tagged provisions were mostly off-topic.
MIN_CELL_SIMILARITY = 0.30
# What a provision about victims of trafficking and exploitation says, in its text or indexed context.
_VICTIMS = re.compile(r"victim|traffick|exploit|slave|servitude|forced (?:labou?r|prostitution)", re.I)
CANDIDATES_PER_CELL = 8
NOT_FOUND = "no provision found in the corpus"


@dataclass
class Cell:
    jurisdiction: str
    topic: str
    provisions: list[Citation] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction,
            "topic": self.topic,
            "found": bool(self.provisions),
            "provisions": [c.as_json() for c in self.provisions],
        }


@dataclass
class Matrix:
    jurisdictions: list[str]
    topics: list[str]
    cells: list[Cell]
    took_ms: float = 0.0

    def cell(self, jurisdiction: str, topic: str) -> Cell:
        return next(c for c in self.cells if c.jurisdiction == jurisdiction and c.topic == topic)

    def as_json(self) -> dict[str, Any]:
        return {
            "jurisdictions": self.jurisdictions,
            "topics": self.topics,
            "cells": [c.as_json() for c in self.cells],
            "took_ms": round(self.took_ms, 2),
        }

    def as_markdown(self) -> str:
        labels = {t.id: t.label for t in load_topics()}
        lines = [
            "| Topic | " + " | ".join(self.jurisdictions) + " |",
            "|---|" + "---|" * len(self.jurisdictions),
        ]
        for topic in self.topics:
            row = []
            for code in self.jurisdictions:
                provisions = self.cell(code, topic).provisions
                row.append("<br>".join(_md_link(c) for c in provisions) or f"_{NOT_FOUND}_")
            lines.append(f"| {_md_escape(labels.get(topic, topic))} | " + " | ".join(row) + " |")
        return "\n".join(lines) + "\n"


def compare(searcher: Searcher, jurisdictions: list[str], topics: list[str]) -> Matrix:
    started = time.perf_counter()
    codes = [code.strip().upper() for code in jurisdictions if code.strip()]
    wanted = [topic.strip().lower() for topic in topics if topic.strip()]
    if not codes or not wanted:
        raise SearchError("Name at least one jurisdiction and one topic.")
    taxonomy = {t.id: t for t in load_topics()}
    unknown = sorted(set(wanted) - set(taxonomy))
    if unknown:
        raise SearchError(f"Unknown topic {', '.join(map(repr, unknown))}; known: {', '.join(sorted(taxonomy))}.")
    known_codes = set(load_jurisdictions().by_code) | searcher.known_values("jurisdiction")
    strange = sorted(set(codes) - known_codes)
    if strange:
        raise SearchError(
            f"Unknown jurisdiction {', '.join(map(repr, strange))}; known: {', '.join(sorted(known_codes))}."
        )
    indexed = searcher.known_values("topics")
    # A cell is searched with a topic's description, not a user's question: the learned ranker,
    # trained on questions, is left out for the legs' fused order (on which the cell rules were set).
    searcher = copy.copy(searcher)
    searcher.ranker = Ranker(None)
    cells = []
    for topic in wanted:
        query = f"{taxonomy[topic].label}. {taxonomy[topic].description}"
        vector = searcher.query_embedder.vector(query)
        for code in codes:
            cell = Cell(code, topic)
            if topic in indexed and code in searcher.known_values("jurisdiction"):
                # Provisions only: no case digests or fictional vignettes in a cell.
                kinds = law_types(searcher, exclude=("case", "case_study"))
                filters = SearchFilters(jurisdictions=[code], instrument_types=kinds, topics=[topic], only=True)
                hits = searcher.search(query, filters, CANDIDATES_PER_CELL).hits
                vectors = searcher.passage_vectors([hit.passage for hit in hits])
                about = taxonomy[topic].has_key_term
                # First the provisions whose heading or title line names the topic ("Recovery and
                # reflection period"), then, in search order, those that use a key term or are similar.
                # A topic defined as victims' ("granted to victims") takes the provisions that concern
                # them where the state has any (not a residence permit's extension in general, AufenthG
                # s 8, titled as it is), else its general ones (IRPA s 24's permits never say victims).
                victims = "victim" in taxonomy[topic].description.lower() and any(map(_concerns_victims, hits))
                concerns = _concerns_victims if victims else _any
                titled = [h for h in hits if concerns(h) and about(h.passage.heading, _title_line(h.passage.text))]
                rest = [
                    h
                    for h in hits
                    if h not in titled
                    and concerns(h)
                    and (
                        about("", h.passage.text)
                        or searcher.query_embedder.similarity(vector, vectors.get(h.passage.id)) >= MIN_CELL_SIMILARITY
                    )
                ]
                cell.provisions = [citation_of(hit) for hit in (titled + rest)[:PROVISIONS_PER_CELL]]
            cells.append(cell)
    return Matrix(codes, wanted, cells, (time.perf_counter() - started) * 1000)


def _title_line(text: str) -> str:
    """A provision's own title ("(3) Authority to permit continued presence"): its first line, if short."""
    first = text.strip().split("\n", 1)[0]
    return first if len(first) <= 100 else ""


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_link(citation: Citation) -> str:
    label = _md_escape(citation.citation)
    return f"[{label}]({citation.url})" if citation.url else label


def _concerns_victims(hit: SearchHit) -> bool:
    return bool(_VICTIMS.search(f"{hit.passage.index_context}\n{hit.passage.text}"))


def _any(hit: SearchHit) -> bool:
    return True
