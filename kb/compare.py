"""The jurisdiction x topic matrix: for each state and victim-rights topic, the provisions of that
state's own law on the topic, best first, or a plain statement that the corpus holds none.

A cell searches with the topic's label and description as the query, filtered to the
jurisdiction's own law (`--only`) and to passages tagged with the topic (corpus/topics.toml).
Provisions whose heading or title line uses one of the topic's key terms come first; the others
must use a key term or be similar to the topic's description.

When a state asked is bound by EU law, the row also shows the EU rule: a column "EU" holds the
directives' articles on the topic, and a state's cell puts first its provisions that implement
them (corpus/transpositions.toml), each saying which article it implements and on what basis.
"""

from __future__ import annotations

import copy
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from kb.answer import Citation, citation_of, law_types, states_rules
from kb.jurisdictions import load_jurisdictions
from kb.model import Passage, SearchHit
from kb.rank import Ranker
from kb.retrieve import Searcher, SearchError, SearchFilters
from kb.topics import load_topics
from kb.transpositions import Link, load_links

PROVISIONS_PER_CELL = 2
# Topic tags come from term lists and are loose (kb/topics.py); a cell keeps a tagged provision only
# when it is also this similar (cosine) to the topic's description. Set by reading the DE/GB/US/CA
# matrix over all topics: below it, tagged provisions were mostly off-topic.
MIN_CELL_SIMILARITY = 0.30
# What a provision about victims of trafficking and exploitation says, in its text or indexed context.
_VICTIMS = re.compile(r"victim|traffick|exploit|slave|servitude|forced (?:labou?r|prostitution)", re.I)
CANDIDATES_PER_CELL = 8
NOT_FOUND = "no provision found in the corpus"
EU = "EU"


@dataclass(frozen=True)
class Implementation:
    """A provision of a cell that implements an article of a directive (a transposition link)."""

    id: str  # the passage of the national provision
    citation: str
    directive: str
    about: str
    basis: str
    source: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Absent:
    """A directive's article that a link names but the corpus does not hold."""

    citation: str
    about: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Cell:
    jurisdiction: str
    topic: str
    provisions: list[Citation] = field(default_factory=list)
    implements: list[Implementation] = field(default_factory=list)  # a state's provisions implementing EU law
    not_in_corpus: list[Absent] = field(default_factory=list)  # the EU column's articles the corpus lacks

    def as_json(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction,
            "topic": self.topic,
            "found": bool(self.provisions),
            "provisions": [c.as_json() for c in self.provisions],
            "implements": [i.as_json() for i in self.implements],
            "not_in_corpus": [a.as_json() for a in self.not_in_corpus],
        }

    def implemented(self, passage_id: str) -> list[Implementation]:
        return [i for i in self.implements if i.id == passage_id]


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
                row.append("<br>".join(_md_entries(self.cell(code, topic))) or f"_{NOT_FOUND}_")
            lines.append(f"| {_md_escape(labels.get(topic, topic))} | " + " | ".join(row) + " |")
        return "\n".join(lines) + "\n"


def compare(
    searcher: Searcher, jurisdictions: list[str], topics: list[str], links: tuple[Link, ...] | None = None
) -> Matrix:
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
    links = load_links() if links is None else links
    rows = {topic: [link for link in links if topic in link.topics and link.jurisdiction in codes] for topic in wanted}
    codes = _with_eu_column(searcher, codes, any(rows.values()))
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
                hits = [h for h in hits if states_rules(h.passage)]
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
            if code == EU:
                _add_directives(searcher, cell, rows[topic])
            else:
                _add_implementations(searcher, cell, rows[topic])
            cells.append(cell)
    return Matrix(codes, wanted, cells, (time.perf_counter() - started) * 1000)


def _with_eu_column(searcher: Searcher, codes: list[str], linked: bool) -> list[str]:
    """The columns: the EU rule first when a state asked is bound by EU law and the index holds it
    (or a transposition link on a topic asked names one of the states)."""
    scope = load_jurisdictions()
    members = [code for code in codes if code in scope.by_code and EU in scope.by_code[code].member_of]
    if EU in codes or not (linked or (members and EU in searcher.known_values("jurisdiction"))):
        return codes
    return [EU, *codes]


def _add_directives(searcher: Searcher, cell: Cell, links: list[Link]) -> None:
    """The EU column: first the directives' articles that the row's states implement, then those found."""
    linked: list[Citation] = []
    for link in links:
        passage = searcher.cited_passage(link.directive)
        if passage is None:
            if all(a.citation != link.directive for a in cell.not_in_corpus):
                cell.not_in_corpus.append(Absent(link.directive, link.about))
        elif all(c.id != passage.id for c in linked):
            linked.append(_citation(passage))
    _put_first(cell, linked)


def _add_implementations(searcher: Searcher, cell: Cell, links: list[Link]) -> None:
    """A state's cell: first its provisions that implement a directive's article on the topic."""
    linked: list[Citation] = []
    for link in links:
        if link.jurisdiction != cell.jurisdiction:
            continue
        held = {p.id: p for national in link.national for p in searcher.cited_versions(national)}
        for passage in held.values():
            if passage.jurisdiction != cell.jurisdiction:
                continue
            if all(c.id != passage.id for c in linked):
                linked.append(_citation(passage))
            cell.implements.append(
                Implementation(passage.id, passage.citation, link.directive, link.about, link.basis, link.source)
            )
    _put_first(cell, linked)


def _put_first(cell: Cell, linked: list[Citation]) -> None:
    """The linked provisions first in the cell, then those the search found, each once."""
    ids = {c.id for c in linked}
    cell.provisions = linked + [c for c in cell.provisions if c.id not in ids]


def _citation(passage: Passage) -> Citation:
    return citation_of(SearchHit(passage, 0.0))


def _title_line(text: str) -> str:
    """A provision's own title ("(3) Authority to permit continued presence"): its first line, if short."""
    first = text.strip().split("\n", 1)[0]
    return first if len(first) <= 100 else ""


def _md_entries(cell: Cell) -> list[str]:
    entries = [_md_link(c) + "".join(map(_md_implements, cell.implemented(c.id))) for c in cell.provisions]
    absent = [f"{_md_escape(a.citation)} (not in the corpus: {_md_escape(a.about)})" for a in cell.not_in_corpus]
    return entries + absent


def _md_implements(implementation: Implementation) -> str:
    basis = "the national text says so" if implementation.basis == "national text" else "by subject"
    return f" (implements {_md_escape(implementation.directive)}; {basis})"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_link(citation: Citation) -> str:
    label = _md_escape(citation.citation)
    return f"[{label}]({citation.url})" if citation.url else label


def _concerns_victims(hit: SearchHit) -> bool:
    return bool(_VICTIMS.search(f"{hit.passage.index_context}\n{hit.passage.text}"))


def _any(hit: SearchHit) -> bool:
    return True
