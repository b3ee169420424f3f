"""Hybrid search under filters: validated input, cited passages out."""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from haystack import Document

from kb import citations
from kb.embed import QueryEmbedder, QueryVectors
from kb.glossary import translations
from kb.jurisdictions import load_jurisdictions
from kb.model import Passage, SearchHit, cites_overlap, cites_within, section_key, split_span
from kb.query_language import language_name, query_language
from kb.query_syntax import parse_query
from kb.rank import POOL_DEPTH, Candidate, QueryFacts, Ranker, union
from kb.store.live import LiveIndex, all_of, of_document
from kb.store.registry import DocumentRecord
from kb.text import terms, tokens
from kb.thesaurus import expansions
from kb.topics import topics_for
from kb.transpositions import transpositions

MAX_QUERY_CHARS = 2000
MAX_LIMIT = 100
# Facets count the best candidates of the query, under its filters.
FACET_DEPTH = 100
# The ranked list keeps at least this many candidates for the collapse of a provision's passages;
# each leg gives the ranker its POOL_DEPTH best (deeper when a search asks for more).
RERANK_DEPTH = 30
# How far around a passage (in characters of its document) its neighbours are looked for.
CONTEXT_CHARS = 20_000
# Without the learned ranker: a passage of a jurisdiction the query names ("in Germany", "the UN
# protocol") weighs this much more in the fused ranking, unless the search is already filtered by
# jurisdiction; a passage sharing a topic with the query (corpus/topics.toml terms) too. Both tuned
# on eval/gold_questions.toml.
NAMED_JURISDICTION_BOOST = 2.0
SHARED_TOPIC_BOOST = 1.5
FACET_FIELDS = ("jurisdiction", "instrument_type", "topics")
# A search that names no instrument type ranks the law. Judgment digests ("case") are listed beside
# it (SearchResponse.cases); the fictional training vignettes ("case_study"), written in the same lay
# narrative as users' questions, come only when their type is asked for.
LAW_TYPES = ("treaty", "statute", "regulation", "directive", "guidance")
CASES_BESIDE = 3
FUSED = Ranker(None)
# A result carries its whole provision's text up to this many passages (a US Code subsection such
# as 8 U.S.C. § 1101(a), dozens of passages, is read in its document instead).
PROVISION_PASSAGES = 12


class SearchError(ValueError):
    """Bad search input; the message says what is wrong and what is allowed."""


@dataclass
class SearchFilters:
    jurisdictions: list[str] = field(default_factory=list)
    instrument_types: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    # A state's jurisdiction means its own law plus the treaties binding it, unless only its own is asked.
    only: bool = False


@dataclass
class SearchResponse:
    query: str
    took_ms: float
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    cases: list[SearchHit] = field(default_factory=list)  # judgment digests beside the law, each its "why it matters"
    also_searched: list[str] = field(default_factory=list)  # terms for its lay words, its concepts in other languages
    languages: dict[str, Any] = field(default_factory=dict)  # the query's language and what each leg read

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "took_ms": round(self.took_ms, 2),
            "results": [h.as_json() for h in self.hits],
            "facets": self.facets,
            "cases": [h.as_json() for h in self.cases],
            "also_searched": self.also_searched,
            "languages": self.languages,
        }


@dataclass
class Pool:
    """A query made ready for ranking (Searcher.pool)."""

    text: str  # the query's natural-language part
    filters: SearchFilters
    plain: bool  # no instrument type asked: the law is ranked, judgment digests come beside it
    query_filters: dict[str, Any] | None  # the query's own constraints (phrases, AND / OR / NOT)
    cited: list[Document]
    added: list[str]  # statutory terms for its lay words, and its concepts' terms in other languages
    facts: QueryFacts
    candidates: list[Candidate]
    languages: dict[str, Any]  # the query's language; the passages' languages each leg read


_FILTER_FIELDS = {
    "jurisdictions": "jurisdiction",
    "instrument_types": "instrument_type",
    "languages": "language",
    "topics": "topics",
}


class Searcher:
    def __init__(
        self,
        index: LiveIndex,
        query_embedder: QueryEmbedder,
        default_languages: list[str],
        ranker: Ranker | None = None,
    ):
        self.index = index
        self.query_embedder = query_embedder
        self.default_languages = default_languages
        self.ranker = ranker or Ranker()
        # Filter values, instrument names and citation labels, kept while no document changes.
        self._cached: tuple[int, dict[Any, Any]] = (0, {})

    def _cache(self) -> dict[Any, Any]:
        generation = self.index.generation()
        if self._cached[0] != generation:
            self._cached = (generation, {})
        return self._cached[1]

    def close(self) -> None:
        self.index.close()

    def known_values(self, field_name: str) -> set[str]:
        cache = self._cache()
        if ("known", field_name) not in cache:
            cache["known", field_name] = set(self.index.facets(field_name))
        return cache["known", field_name]

    def search(
        self,
        query: str,
        filters: SearchFilters | None = None,
        limit: int = 10,
        facets: bool = False,
        context: bool = False,
    ) -> SearchResponse:
        started = time.perf_counter()
        query = query.strip()
        if not 1 <= limit <= MAX_LIMIT:
            raise SearchError(f"The limit must be between 1 and {MAX_LIMIT}, got {limit}.")
        depth = max(limit, FACET_DEPTH if facets else RERANK_DEPTH)
        pool = self.pool(query, filters, depth)
        filters, cited = pool.filters, pool.cited
        # What is nearest to a cited provision, and a query in a language no text is in (one leg,
        # the dense one), are ordered by the legs' ranks alone: the model learned from both legs.
        ranker = FUSED if cited or not pool.languages["bm25"] else self.ranker
        ordered = ranker.order(pool.facts, pool.candidates)
        if ranker.learned:  # only what is shown or counted is copied with its score
            ordered = ordered[: depth + len(cited)]
        current = [replace(c.document, score=score) for c, score in ordered]
        if not cited and not ranker.learned:
            named = set() if filters.jurisdictions else pool.facts.jurisdictions
            current = _favour(current, set(named), set() if filters.topics else set(pool.facts.topics))
        current = current[: depth + len(cited)]
        seen = {d.id for d in cited}
        hits = [SearchHit(Passage.from_document(d), 1.0, "citation") for d in cited]
        hits += [SearchHit(Passage.from_document(d), d.score or 0.0) for d in current if d.id not in seen]
        counts = {name: _count(current, name) for name in FACET_FIELDS} if facets else {}
        hits = _collapse(hits)[:limit]
        wanted = terms(" ".join([pool.text, *pool.added]))
        for hit in hits:
            hit.pinpoint = pinpoint(hit.passage, wanted)
            hit.provision, hit.provision_text = self.provision_of(hit.passage)
            hit.parallel = self.parallel_of(hit.passage)
            hit.transpositions = [t.as_json() for t in transpositions(hit.passage.citation)]
        if context:
            for hit in hits:
                hit.context = self._neighbours(hit.passage)
        vectors = self.query_embedder.embed(pool.text) if pool.plain else None
        cases = self._cases_beside(vectors, filters, pool.query_filters) if vectors else []
        took = (time.perf_counter() - started) * 1000
        return SearchResponse(query, took, hits, counts, cases, pool.added, pool.languages)

    def pool(self, query: str, filters: SearchFilters | None = None, depth: int = POOL_DEPTH) -> Pool:
        """What a search ranks: the query checked and parsed, its filters (the law only unless a
        type is asked for), the provision it cites, its statutory terms and the legs' candidates."""
        query = query.strip()
        if not query:
            raise SearchError("The query is empty.")
        if len(query) > MAX_QUERY_CHARS:
            raise SearchError(f"The query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}.")
        filters = filters or SearchFilters()
        plain = not filters.instrument_types
        if plain and self.known_values("instrument_type") - set(LAW_TYPES):
            filters = replace(filters, instrument_types=sorted(self.known_values("instrument_type") & set(LAW_TYPES)))
        parsed = parse_query(query)
        if not parsed.text.strip():
            raise SearchError("The query has nothing to search for besides what it excludes (NOT ...).")
        language = query_language(parsed.text)
        store_filters = all_of(self._store_filters(filters, language), parsed.filters())
        cited = self._cited(parsed.text, store_filters)
        # The thesaurus's lay words and statutory terms are English.
        english = language == "en"
        added = [] if cited or not english else expansions(parsed.text, [c.upper() for c in filters.jurisdictions])
        lexical = self._lexical_languages(filters, language)
        named = set() if cited else load_jurisdictions().named_in(parsed.text)
        translated = {} if cited else self._translations(parsed.text, filters, language, named)
        glossed = added + translated.get("en", [])
        # A search filtered to a state is about that state, as if the query named it.
        asked = {code.upper() for code in filters.jurisdictions}
        facts = QueryFacts(frozenset()) if cited else self.facts(parsed.text, glossed, named | asked, english)
        scope = None if filters.jurisdictions else _named_scope(facts)
        candidates = self._candidates(
            parsed.text, cited, added, store_filters, max(depth + len(cited), POOL_DEPTH), lexical, translated, scope
        )
        searched = {
            "query": language,
            "bm25": list(dict.fromkeys(lexical + list(translated))),
            "dense": [v.lower() for v in filters.languages] or ["all"],
        }
        shown = added + [term for terms_ in translated.values() for term in terms_]
        return Pool(parsed.text, filters, plain, parsed.filters(), cited, shown, facts, candidates, searched)

    def _translations(self, text: str, filters: SearchFilters, language: str, named: set[str]) -> dict[str, list[str]]:
        """The query's concepts in the languages the BM25 leg reads (corpus/glossary.toml): English,
        where most of the law is, the languages of the states it names (`named`) or is filtered to
        (or those the filter asks for), and its own, where the index holds texts in them."""
        if filters.languages:
            wanted = [v.lower() for v in filters.languages]
        else:
            scope = load_jurisdictions()
            states = {code.upper() for code in filters.jurisdictions} | named
            national = [code for code in sorted(states) if scope.layer(code) == "national"]
            wanted = ["en", *(v for code in national for v in scope.languages(code))]
            # The query's own law language too, for the statutory words of what it says in others
            # (English questions have the thesaurus).
            wanted.append(language)
        held = self.known_values("language")
        targets = [v for v in dict.fromkeys(wanted) if v in held and (v, language) != ("en", "en")]
        return translations(text, language, targets)

    def _lexical_languages(self, filters: SearchFilters, language: str) -> list[str]:
        """The passages' languages the BM25 leg reads: the query's own, where the index holds it
        (a word stemmed in one language matches nothing in another)."""
        wanted = [v.lower() for v in filters.languages] or [language]
        return [v for v in wanted if v == language and v in self.known_values("language")]

    def _candidates(
        self,
        text: str,
        cited: list[Document],
        added: list[str],
        store_filters: dict[str, Any] | None,
        depth: int,
        lexical: list[str],
        translated: dict[str, list[str]] | None = None,
        named: dict[str, Any] | None = None,
    ) -> list[Candidate]:
        """The union of the legs' best passages: nearest to the cited provision (its stored vector,
        its words) when the query cites one; else to the query, the lay words' statutory terms
        searched on the BM25 leg (in `lexical`, the query's language) and, as a second dense
        query, with the question. The BM25 leg also reads each language of `translated` for the
        query's concepts in it, each on its own, and merges what they find by relative score; those
        terms join the second dense query. The question's vector also searches the law of the
        jurisdictions and instruments it names (`named`), whose provisions the whole corpus may crowd out."""
        sparse = self.query_embedder.sparse
        if cited:
            own = cited[0].content or ""
            language = cited[0].meta.get("language") or "en"
            dense = cited[0].embedding or self.query_embedder.dense.encode([own])[0].tolist()
            queries: dict[str, Any] = {"dense": dense, "sparse": sparse.query(own, language)}
            lexical = [language]
        else:
            expanded = " ".join([text, *added])
            queries = {"dense": self.query_embedder.embed(text).dense}
            if lexical:
                queries["sparse"] = sparse.query(expanded, lexical[0])
            # The question also meets the texts in other languages in their own terms.
            foreign = [term for words in (translated or {}).values() for term in words]
            if added or foreign:
                queries["expanded"] = self.query_embedder.embed(" ".join([expanded, *foreign])).dense
        leg_filters = {"sparse": {"field": "meta.language", "operator": "in", "value": lexical}}
        if named and not cited:
            queries["named"], leg_filters["named"] = queries["dense"], named
        for language, words in (translated or {}).items():
            queries[f"sparse {language}"] = sparse.query(" ".join(words), language)
            leg_filters[f"sparse {language}"] = {"field": "meta.language", "operator": "==", "value": language}
        return union(_merge_sparse(self.index.legs(queries, store_filters, depth, leg_filters), depth))

    def facts(self, text: str, added: list[str], named: set[str], english: bool = True) -> QueryFacts:
        """What the ranker knows of a query besides the legs' scores (`named`: the jurisdictions it names)."""
        own = frozenset(terms(text))
        return QueryFacts(
            terms=own,
            expansion_terms=frozenset(terms(" ".join(added))) - own,
            jurisdictions=frozenset(named),
            instruments=frozenset(self._named_documents(text)),
            topics=frozenset(topics_for("", text)),
            words=len(tokens(text)),
            foreign=not english,
        )

    def _named_documents(self, text: str) -> set[str]:
        """The indexed documents a query names by title, citation name or alias ("Palermo Protocol")."""
        cache = self._cache()
        if "by_name" not in cache:
            by_name: dict[str, set[str]] = {}
            for record in self.index.records().values():
                known = citations.known_as().get(record.document_id, [])
                for name in (record.title, record.cite_as, *record.aliases, *known):
                    if name and len(citations.loose(name)) >= 4:
                        by_name.setdefault(citations.loose(name), set()).add(record.document_id)
            cache["by_name"] = by_name
        padded = f" {citations.loose(text)} "
        return {doc for name, docs in cache["by_name"].items() if f" {name} " in padded for doc in docs}

    def _cases_beside(
        self, vectors: QueryVectors, filters: SearchFilters, query_filters: dict[str, Any] | None
    ) -> list[SearchHit]:
        """The judgment digests nearest to the query (its vectors, under its other filters), each
        shown by why it matters (else its best part)."""
        if "case" not in self.known_values("instrument_type") or not filters.instrument_types:
            return []
        scoped = all_of(self._store_filters(replace(filters, instrument_types=["case"])), query_filters)
        found = self.index.search(vectors.dense, vectors.sparse, scoped, CASES_BESIDE * 3)
        best = {d.meta["document_id"]: d for d in reversed(found)}  # the first passage of each case
        chosen = list(dict.fromkeys(d.meta["document_id"] for d in found))[:CASES_BESIDE]
        ids = [passage_id for case in chosen if (passage_id := self._why_it_matters(case))]
        why = {d.meta["document_id"]: d for d in self.index.by_ids(ids)}
        return [SearchHit(Passage.from_document(why.get(case, best[case])), best[case].score or 0.0) for case in chosen]

    def _why_it_matters(self, document_id: str) -> str:
        """The id of a judgment digest's "why it matters" passage ("" when it has none), kept."""
        cache = self._cache()
        if ("why", document_id) not in cache:
            parts = self.index.passages(document_id)
            why = [d.id for d in parts if (d.meta.get("heading") or "").lower().startswith("why it matters")]
            cache["why", document_id] = why[0] if why else ""
        return cache["why", document_id]

    def _neighbours(self, passage: Passage) -> dict[str, dict[str, str] | None]:
        """The passages just before and after this one within its provision (document order)."""
        conditions = [
            of_document(passage.document_id),
            {"field": "meta.language", "operator": "==", "value": passage.language},
            {"field": "meta.start", "operator": ">=", "value": passage.start - CONTEXT_CHARS},
            {"field": "meta.start", "operator": "<=", "value": passage.end + CONTEXT_CHARS},
        ]
        nearby = self.index.filter({"operator": "AND", "conditions": conditions})
        same = sorted(
            (d for d in nearby if _provision(d.meta["provision_path"]) == _provision(passage.provision_path)),
            key=lambda d: d.meta["start"],
        )
        index = next((i for i, d in enumerate(same) if d.id == passage.id), None)
        if index is None:
            return {"before": None, "after": None}

        def brief(position: int) -> dict[str, str] | None:
            if not 0 <= position < len(same):
                return None
            d = same[position]
            return {"id": d.id, "citation": d.meta["citation"], "text": d.content or ""}

        return {"before": brief(index - 1), "after": brief(index + 1)}

    def provision_of(self, passage: Passage) -> tuple[str, str]:
        """The provision a passage is part of (its citation without a span of units) and that
        provision's whole text, its passages in order; the passage's own text where it is the
        whole provision or the provision has more than PROVISION_PASSAGES passages."""
        span = split_span(passage.citation)
        unit = span[0] if span else passage.citation
        record = self.index.record(passage.document_id)
        counts = self._labels(record) if record else {}
        candidates = self._labels_by_section(record).get(section_key(unit), []) if record else []
        within = sorted(label for label in candidates if cites_within(label, unit))
        if not 1 < sum(counts[label] for label in within) <= PROVISION_PASSAGES:
            return unit, passage.text
        cache = self._cache()
        key = ("provision", passage.document_id, passage.language, unit)
        if key not in cache:
            conditions = [
                of_document(passage.document_id),
                {"field": "meta.citation", "operator": "in", "value": within},
                {"field": "meta.language", "operator": "==", "value": passage.language},
            ]
            parts = sorted(self.index.filter({"operator": "AND", "conditions": conditions}), key=_reading_order)
            cache[key] = "\n\n".join(d.content or "" for d in parts)
        return unit, cache[key] or passage.text

    def parallel_of(self, passage: Passage) -> dict[str, str] | None:
        """The same provision in the other language's version of its instrument (the German
        original of the Residence Act beside its English translation, provision by provision, by
        their common citation): citation, language, text, and which of the two is authentic."""
        record = self.index.record(passage.document_id)
        if record is None or not record.cite_as:
            return None
        cache = self._cache()
        key = ("parallel", passage.id)
        if key not in cache:
            cache[key] = None
            versions = [
                r
                for r in self.index.records().values()
                if r.cite_as == record.cite_as and r.jurisdiction == record.jurisdiction
                and r.document_id != record.document_id
            ]  # fmt: skip
            for other in versions:
                labels = [label for label in self._labels(other) if cites_overlap(label, passage.citation)]
                if not labels:
                    continue
                conditions = [
                    of_document(other.document_id),
                    {"field": "meta.citation", "operator": "in", "value": labels},
                ]
                parts = sorted(self.index.filter({"operator": "AND", "conditions": conditions}), key=_reading_order)
                parts = [p for p in parts if p.meta.get("language") != passage.language][:PROVISION_PASSAGES]
                if parts:
                    language = parts[0].meta.get("language") or ""
                    authentic = language in load_jurisdictions().languages(record.jurisdiction)
                    labels = list(dict.fromkeys(p.meta["citation"] for p in parts))
                    cache[key] = {
                        "id": parts[0].id,
                        "document_id": other.document_id,
                        "title": other.title,
                        "url": parts[0].meta.get("url") or "",
                        "citation": ", ".join(labels),
                        "citations": labels,
                        "language": language,
                        "text": "\n\n".join(p.content or "" for p in parts),
                        "relation": f"authentic {language_name(language)} text"
                        if authentic
                        else f"{language_name(language)} translation",
                    }
                    break
        return cache[key]

    def passage(self, passage_id: str) -> Passage | None:
        """A passage of a live document version by id; None when there is none."""
        current = self.index.by_ids([passage_id])
        return Passage.from_document(current[0]) if current else None

    def missing_passages(self, passage_ids: list[str]) -> set[str]:
        """Those of these passage ids that are no longer in a live document version."""
        return set(passage_ids) - {d.id for d in self.index.by_ids(passage_ids)}

    def cited_passage(self, citation: str) -> Passage | None:
        """The first passage of the provision a citation names ("CETS No 197, art 13(1)")."""
        cited = self._cited(citation, self._store_filters(SearchFilters()))
        return Passage.from_document(cited[0]) if cited else None

    def cited_versions(self, citation: str) -> list[Passage]:
        """The first passage of the provision a citation names in each document that holds it: an
        instrument's authentic text and its translation are cited alike and both found."""
        firsts: dict[str, Passage] = {}
        for document in self._cited(citation, self._store_filters(SearchFilters())):
            passage = Passage.from_document(document)
            firsts.setdefault(passage.document_id, passage)
        return list(firsts.values())

    def passage_vectors(self, passages: list[Passage]) -> dict[str, list[float]]:
        """The stored dense vectors of these passages (point look-ups)."""
        found = self.index.by_ids([p.id for p in passages])
        return {d.id: d.embedding for d in found if d.embedding is not None}

    def instrument_names(self) -> dict[str, str]:
        """Loose names and aliases of the indexed instruments -> the names their citations use."""
        cache = self._cache()
        if "names" not in cache:
            names: dict[str, str] = {}
            for record in self.index.records().values():
                for name in [*record.aliases, record.cite_as]:
                    if record.cite_as and citations.loose(name):
                        names[citations.loose(name)] = record.cite_as
            cache["names"] = names
        return cache["names"]

    def _cited(self, query: str, store_filters: dict[str, Any] | None) -> list[Document]:
        """The passages of the provision a query cites, in document order; [] when it cites none."""
        wanted = citations.parse(query, self.instrument_names())
        if not wanted:
            return []
        records, graded = self._graded(wanted)
        # The cited part itself and its parts; where there are none, or the filters leave none of them
        # (a treaty's Dutch text numbers the paragraphs its English text holds in one passage), the
        # deepest provision holding it.
        holding = {label: g for label, g in graded.items() if g[0] == 1}
        deepest = max((depth for _, depth in holding.values()), default=0)
        passages: list[Document] = []
        for chosen in (
            {label: grade for label, (grade, _) in graded.items() if grade > 1},
            {label: grade for label, (grade, depth) in holding.items() if depth == deepest},
        ):
            if not chosen:
                continue
            conditions = [
                {"field": "meta.document_id", "operator": "in", "value": [r.document_id for r in records]},
                {"field": "meta.citation", "operator": "in", "value": sorted(chosen)},
                *([store_filters] if store_filters else []),
            ]
            passages = self.index.filter({"operator": "AND", "conditions": conditions})
            if passages:
                break
        return sorted(passages, key=lambda d: (-chosen[d.meta["citation"]], d.meta["document_id"], d.meta["start"]))

    def _graded(self, wanted: citations.CitationQuery) -> tuple[list[DocumentRecord], dict[str, tuple[int, int]]]:
        """The documents cited as `wanted.instrument`, and their labels that match the designator
        with (grade, depth)."""
        records = [r for r in self.index.records().values() if r.cite_as == wanted.instrument]
        graded = {}
        for label in {label for record in records for label in self._labels(record)}:
            parts = citations.split_label(label)
            grade = citations.matches(parts[1], wanted.designator) if parts else 0
            if grade:
                graded[label] = (grade, len(parts[1]) if parts else 0)
        return records, graded

    def missing_provision(self, query: str) -> str | None:
        """The provision a query cites when the corpus holds its instrument but not that provision
        ("Criminal Code s 232a"); None when it cites none or the provision is there."""
        wanted = citations.parse(query, self.instrument_names())
        # Only a keyed designator: in "the 2014 forced labour protocol" the number is no provision.
        if not wanted or not wanted.keyed or self._graded(wanted)[1]:
            return None
        return f"{wanted.instrument} {wanted.designator}"

    def unknown_instruments(self, query: str) -> list[str]:
        """Instruments the query names by title that no indexed document is ("Modern Slavery Act")."""
        known = self._known_titles()

        def indexed(name: str) -> bool:
            words = citations.loose(name).split()
            # "Under the Trafficking Victims Protection": a leading word of the sentence is not the name.
            tails = [" ".join(words[i:]) for i in range(max(len(words) - 2, 1))]
            # "the German Residence Act": a two-word tail counts when it is a whole name ("residence act").
            return any(tail in k for tail in tails for k in known) or " ".join(words[-2:]) in known

        return [name for name in citations.named_instruments(query) if not indexed(name)]

    def _known_titles(self) -> list[str]:
        """Every loose name the indexed documents go by: titles, citation names, aliases, Acts codified."""
        cache = self._cache()
        if "titles" not in cache:
            cache["titles"] = [
                citations.loose(name)
                for record in self.index.records().values()
                for name in (
                    record.title,
                    record.cite_as,
                    *record.aliases,
                    *citations.known_as().get(record.document_id, []),
                )
                if name
            ]
        return cache["titles"]

    def _labels(self, record: DocumentRecord) -> dict[str, int]:
        """The citation labels of a document's live version, each with its number of passages (a
        facet on the keyword index), kept."""
        cache = self._cache()
        if ("labels", record.document_id) not in cache:
            cache["labels", record.document_id] = self.index.facets("citation", of_document(record.document_id))
        return cache["labels", record.document_id]

    def _labels_by_section(self, record: DocumentRecord) -> dict[str, list[str]]:
        """A document's citation labels grouped by section_key, kept: a provision's passages are
        looked for among the labels of its own section rather than all of the document's."""
        cache = self._cache()
        if ("sections", record.document_id) not in cache:
            groups: dict[str, list[str]] = {}
            for label in self._labels(record):
                groups.setdefault(section_key(label), []).append(label)
            cache["sections", record.document_id] = groups
        return cache["sections", record.document_id]

    def _store_filters(self, filters: SearchFilters, query_language: str = "en") -> dict[str, Any] | None:
        conditions = []
        languages = filters.languages or self.default_languages
        if not languages:  # every language, but a parallel translation only in the query's own
            conditions.append(
                {
                    "operator": "OR",
                    "conditions": [
                        {"field": "meta.text_role", "operator": "==", "value": "original"},
                        {"field": "meta.language", "operator": "==", "value": query_language},
                    ],
                }
            )
        for attribute, values in (
            ("jurisdictions", [v.upper() for v in filters.jurisdictions]),
            ("instrument_types", [v.lower() for v in filters.instrument_types]),
            ("languages", [v.lower() for v in languages]),
            ("topics", [v.lower() for v in filters.topics]),
        ):
            if not values:
                continue
            field_name = _FILTER_FIELDS[attribute]
            known = self.known_values(field_name)
            if attribute == "jurisdictions":
                known = known | set(load_jurisdictions().by_code)
            unknown = sorted(set(values) - known)
            # The default languages are a preference, not a demand: never an error.
            if unknown and not (attribute == "languages" and not filters.languages):
                raise SearchError(
                    f"Unknown {field_name.replace('_', ' ')} {', '.join(map(repr, unknown))}; "
                    f"known: {', '.join(sorted(known)) or '(the index is empty)'}."
                )
            if attribute == "jurisdictions" and not filters.only:
                conditions.append({"field": "meta.document_id", "operator": "in", "value": self.in_scope(values)})
            else:
                conditions.append({"field": f"meta.{field_name}", "operator": "in", "value": values})
        if not conditions:
            return None
        return {"operator": "AND", "conditions": conditions}

    def in_scope(self, codes: list[str]) -> list[str]:
        """The documents that speak for these jurisdictions: their own, and the treaties binding them."""
        scope = load_jurisdictions()
        return sorted(
            record.document_id
            for record in self.index.records().values()
            if any(scope.binds(record.document_id, record.jurisdiction, code) for code in codes)
        )


def _merge_sparse(legs: dict[str, list[Document]], depth: int) -> dict[str, list[Document]]:
    """One BM25 leg from its readings in several languages: each scored relative to its own best
    (BM25 scores of different queries have no common scale), best first."""
    parts = [legs.pop(name) for name in [n for n in legs if n.startswith("sparse")]]
    if parts:
        scored = {}
        for part in parts:
            top = max((d.score or 0.0 for d in part), default=0.0) or 1.0
            for document in part:
                relative = (document.score or 0.0) / top
                if document.id not in scored or relative > (scored[document.id].score or 0.0):
                    scored[document.id] = replace(document, score=relative)
        legs["sparse"] = sorted(scored.values(), key=lambda d: -(d.score or 0.0))[:depth]
    return legs


def _named_scope(facts: QueryFacts) -> dict[str, Any] | None:
    """The passages of the jurisdictions and instruments a query names; None when it names none."""
    conditions = [
        {"field": field_name, "operator": "in", "value": sorted(values)}
        for field_name, values in (("meta.jurisdiction", facts.jurisdictions), ("meta.document_id", facts.instruments))
        if values
    ]
    return {"operator": "OR", "conditions": conditions} if conditions else None


def _favour(documents: list[Document], jurisdictions: set[str], topics: set[str]) -> list[Document]:
    """Passages of the jurisdictions a query names, and on its topics, move up."""
    if not jurisdictions and not topics:
        return documents

    def weight(document: Document) -> float:
        named = NAMED_JURISDICTION_BOOST if document.meta["jurisdiction"] in jurisdictions else 1.0
        shared = SHARED_TOPIC_BOOST if topics & set(document.meta.get("topics") or []) else 1.0
        return named * shared

    boosted = [replace(d, score=(d.score or 0.0) * weight(d)) for d in documents]
    return sorted(boosted, key=lambda d: -(d.score or 0.0))


def _count(documents: list[Document], name: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for document in documents:
        value = document.meta.get(name)
        for item in value if isinstance(value, list) else [value]:
            if item:
                counts[str(item)] = counts.get(str(item), 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _collapse(hits: list[SearchHit]) -> list[SearchHit]:
    """Two passages of one provision (same document and citation, or spans of one unit: § 3771(a)(1)-(6)
    and (7)-(10)) are one result: the better one, which lists the other's id so that it can be shown as well."""
    kept: dict[tuple[str, str], SearchHit] = {}
    for hit in hits:
        span = split_span(hit.passage.citation)
        key = (hit.passage.document_id, span[0] if span else hit.passage.citation)
        if key in kept:
            kept[key].more_passages.append(hit.passage.id)
        else:
            kept[key] = hit
    return list(kept.values())


def pinpoint(passage: Passage, wanted: set[str]) -> str:
    """The part of a passage ("art 7(1)" of "art 7") that shares the query's rarer words most, where
    one part does (words every part has do not count); "" where none stands out."""
    if not passage.units:
        return ""
    words = [terms(passage.text[start:end]) for _, start, end in passage.units]
    spread = Counter(word for part in words for word in part)
    weight = [sum(math.log(len(words) / spread[word]) for word in wanted & part) for part in words]
    best = max(range(len(words)), key=weight.__getitem__)
    if weight[best] <= 0 or sorted(weight)[-2] == weight[best]:
        return ""
    label = passage.units[best][0]
    return "" if label == passage.citation else label


def _reading_order(document: Document) -> tuple[int, int]:
    return document.meta.get("start", 0), document.meta.get("part", 0)


def _provision(path: list[str]) -> list[str]:
    """A passage's provision: its path without the paragraph pinpoint ("(1)", "(a)(15)(T)")."""
    return path[:-1] if path and path[-1].startswith("(") else path


def interleave(first: list[SearchHit], second: list[SearchHit]) -> list[SearchHit]:
    """Two rankings of different indexes (a matter's documents, the law) as one, rank by rank: their
    scores are not comparable, their ranks are."""
    merged: list[SearchHit] = []
    for rank in range(max(len(first), len(second))):
        merged += [hits[rank] for hits in (first, second) if rank < len(hits)]
    return merged
