"""Draft answers with a citation on every sentence, per jurisdiction, or an honest abstention.

The default drafter is extractive: it retrieves provisions as `kb search` does, keeps those similar
enough to the question (the support thresholds below, calibrated by eval/answers.py on the gold set
and eval/out_of_scope.toml), and quotes from each the statement(s) that share most words with the
question, verbatim, ordered by layer (international, regional, national). Each sentence of the
draft is `<citation>: "<quote>" [n]`, n pointing into the citations list. It abstains, listing the
nearest passages instead, when nothing is similar enough, when the question is about a state whose
law or an instrument the corpus lacks, when it is about another field of law or asks for figures
no legal text states, or when it asks for an amount or a number that no quoted statement gives
(kb/scope.py).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kb.alternatives import one_alternative
from kb.countries import states_without_law
from kb.generate import GenerationError, GenerativeDrafter, check, sentences_with_markers
from kb.jurisdictions import LAYERS, load_jurisdictions
from kb.model import Passage, SearchHit
from kb.national import canonical
from kb.phrases import jurisdiction_name, phrases
from kb.query_language import language_name, query_language
from kb.retrieve import Searcher, SearchError, SearchFilters
from kb.scope import FIGURES, OUTSIDE_FIELD, asks_for_figures, in_field, treaties_may_answer, unmet_expectation
from kb.statements import statements
from kb.text import terms

# Provisions retrieved, and at most quoted, for each jurisdiction asked (or for the whole corpus).
CANDIDATES = 8
MAX_PROVISIONS = 5
# Support: a provision is quoted when its passage's cosine similarity to the question is at least
# MIN_SIMILARITY and within SIMILARITY_MARGIN of the best one; the drafter abstains when none is.
# Questions the corpus cannot answer at all (another field of law, figures, absent states and
# instruments) are caught before similarity is weighed (kb/scope.py), so the floor only has to
# keep out passages nothing like the question. `python -m eval.answers --calibrate` finds every
# tuning out-of-scope question abstained on at any floor from 0.20 up, and no false abstention on
# the gold set up to 0.36; 0.30 and a margin of 0.25 give the best answer recall on the gold set.
NO_ANSWER = "The corpus holds no provision that answers this question."
MIN_SIMILARITY = 0.30
# A question in another language than English meets most of the law across languages, where the
# same relevance gives a lower cosine: on the cross-lingual development sets (heldout_xl5-7) a floor
# of 0.25 rather than 0.30 cut the false abstentions from 0.031-0.115 to 0.021-0.052 and raised answer
# recall by 0.010-0.041, for 3 more of the 287 development out-of-scope questions answered.
MIN_SIMILARITY_OTHER_LANGUAGES = 0.25
SIMILARITY_MARGIN = 0.25
# ... and when the search ranked it within SCORE_GAP of the best of its layer (national, regional,
# international: the learned ranker's scores; those of rank fusion, under 1, never differ by that
# much): a provision far behind the one that answers is another rule, however similar its words.
SCORE_GAP = 2.0
# A second statement of the same provision is quoted when it shares this share of the first's words.
SECOND_STATEMENT = 1.0
NEAREST_ON_ABSTENTION = 3


@dataclass
class Citation:
    id: str
    citation: str
    document_id: str
    jurisdiction: str
    title: str
    layer: str
    text: str
    url: str
    instrument_type: str = ""

    def as_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class Draft:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    by_jurisdiction: dict[str, list[str]]
    drafter: str = "extractive"
    support: dict[str, float] = field(default_factory=dict)  # the similarity it was judged on
    took_ms: float = 0.0
    notes: list[str] = field(default_factory=list)  # why it abstained, or why a generative draft was not used
    removed: list[dict[str, str]] = field(default_factory=list)  # generated sentences a check removed, and why
    lead: str = ""  # what the answer opens with: the law it could not quote, and what it quotes instead

    def as_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.as_json() for c in self.citations],
            "by_jurisdiction": self.by_jurisdiction,
            "drafter": self.drafter,
            "support": self.support,
            "notes": self.notes,
            "removed": self.removed,
            "took_ms": round(self.took_ms, 2),
            "lead": self.lead,
        }


@dataclass
class Supported:
    """A retrieved provision with the question's similarity to it."""

    hit: SearchHit
    similarity: float
    vector: list[float] | None = None


class Answerer:
    def __init__(self, searcher: Searcher, generator: GenerativeDrafter | None = None):
        self.searcher = searcher
        self.generator = generator

    def retrieve(
        self, question: str, jurisdictions: list[str], for_states: Sequence[str] = ()
    ) -> tuple[dict[str | None, list[Supported]], list[str]]:
        """Per jurisdiction asked (None: the whole corpus), the candidates with their similarity; and
        the terms search added to the question (statutory terms for its lay words, its concepts in
        the law's languages). Instruments that `for_states` opted out of are left out."""
        opted_out = load_jurisdictions().not_bound
        groups: dict[str | None, list[Supported]] = {}
        added: list[str] = []
        embedder = self.searcher.query_embedder
        vector = embedder.vector(question)
        for code in jurisdictions or [None]:
            filters = SearchFilters(jurisdictions=[code] if code else [], instrument_types=law_types(self.searcher))
            response = self.searcher.search(question, filters, CANDIDATES)
            added += [term for term in response.also_searched if term not in added]
            hits = [
                h
                for h in response.hits
                if states_rules(h.passage) and not opted_out.get(h.passage.document_id, frozenset()) & set(for_states)
            ]
            vectors = self.searcher.passage_vectors([h.passage for h in hits])
            groups[code] = [
                Supported(h, embedder.similarity(vector, vectors.get(h.passage.id)), vectors.get(h.passage.id))
                for h in hits
            ]
        return groups, added

    def ask(self, question: str, jurisdictions: list[str] | None = None) -> Draft:
        started = time.perf_counter()
        question = question.strip()
        codes = [c.upper() for c in jurisdictions or []]
        if len(set(codes)) != len(codes):
            raise SearchError("A jurisdiction is asked twice.")
        scope = load_jurisdictions()
        # A question that names jurisdictions ("a T visa", "the Home Office") is answered for those,
        # as if they were asked: an answer about one state's law never quotes another's.
        codes = codes or sorted(scope.named_in(question) & self.searcher.known_values("jurisdiction"))
        # A state named beside one the corpus covers ("from Nigeria to the UK") is not the question's law.
        absent = [] if codes or scope.named_in(question) else states_without_law(question, set(scope.by_code))
        # The answer's own words are in the question's language, where corpus/answer_phrases.toml has it.
        language = query_language(question)
        # Of a state whose own law the corpus lacks it may still hold the treaties and EU law binding
        # it: those alone are quoted, under a line that says so.
        bodies = self.bodies_binding(absent) if treaties_may_answer(question, language) else []
        groups, added = self.retrieve(question, codes or bodies, absent)
        reason = self.reason_to_abstain(question, [] if bodies else absent)
        floor = MIN_SIMILARITY if language == "en" else MIN_SIMILARITY_OTHER_LANGUAGES
        chosen = {code: [] if reason else select(candidates, floor) for code, candidates in groups.items()}
        if any(chosen.values()):
            draft = _compose(question, chosen, bool(codes), language, added)
            reason = unmet_expectation(question, [s for ss in draft.by_jurisdiction.values() for s in ss])
        if absent and (reason == OUTSIDE_FIELD or not any(chosen.values())):
            reason = _no_law(absent)  # what the corpus lacks first is the state's own law
        if reason or not any(chosen.values()):
            draft = _abstention(question, groups, reason or NO_ANSWER, language, absent)
        else:
            if self.generator:
                draft = self._generated(draft, chosen, asked=bool(codes))
            if absent:
                _say_treaties_only(draft, absent, language)
        best = max((c.similarity for candidates in groups.values() for c in candidates), default=0.0)
        draft.support = {"similarity": round(best, 4)}
        draft.took_ms = (time.perf_counter() - started) * 1000
        return draft

    def _generated(self, extractive: Draft, chosen: dict[str | None, list[Supported]], asked: bool) -> Draft:
        """The model's draft, sentence by sentence checked; the extractive draft when nothing survives."""
        assert self.generator is not None
        numbers = {c.id: i for i, c in enumerate(extractive.citations, 1)}
        by_jurisdiction: dict[str, list[str]] = {}
        removed: list[dict[str, str]] = []
        dense = self.searcher.query_embedder.dense
        for code, supported in chosen.items():
            if not supported:
                continue
            passages = [(s.hit.passage.citation, s.hit.passage.text) for s in supported]
            try:
                text = self.generator.write(extractive.question, passages)
            except GenerationError as error:
                extractive.notes.append(f"{str(error).rstrip('.')}. The extractive draft is given instead.")
                return extractive
            sentences = [] if text.strip().upper().startswith("NO ANSWER") else sentences_with_markers(text)
            vectors = dense.encode(sentences, "query") if sentences else []
            cited_texts = [f"{c}\n{t}" for c, t in passages]  # a sentence may name the provision it cites
            # The passages' own words, not their indexed vectors (which carry headings and context).
            cited_vectors = list(dense.encode(cited_texts)) if sentences else []
            for sentence, vector in zip(sentences, vectors, strict=True):
                verdict = check(sentence, cited_texts, cited_vectors, vector, self.searcher.query_embedder.similarity)
                if not verdict.kept:
                    removed.append({"sentence": sentence, "reason": verdict.reason})
                    continue
                cited = [supported[n - 1].hit.passage for n in verdict.numbers]
                marks = ", ".join(str(numbers[p.id]) for p in cited)
                claim = sentence[: sentence.rindex("[")].rstrip()
                key = code or cited[0].jurisdiction
                by_jurisdiction.setdefault(key, []).append(f"{claim} [{marks}]")
        if not by_jurisdiction:
            extractive.notes.append("The generative draft had no supported sentence; the extractive draft is given.")
            extractive.removed = removed
            return extractive
        return Draft(
            extractive.question,
            _render(by_jurisdiction, asked),
            False,
            extractive.citations,
            by_jurisdiction,
            drafter=f"generative ({self.generator.model})",
            removed=removed,
        )

    def bodies_binding(self, states: list[str]) -> list[str]:
        """The bodies in the corpus whose instruments may bind every one of these states."""
        if not states:
            return []
        scope = load_jurisdictions()
        shared = set.intersection(*(set(scope.bodies_of(state)) for state in states))
        held = shared & self.searcher.known_values("jurisdiction")
        return sorted(held, key=lambda code: LAYERS.index(scope.layer(code)))

    def reason_to_abstain(self, question: str, absent_states: list[str]) -> str | None:
        """Why the question cannot be answered from the corpus whatever is retrieved; None if it may be."""
        if absent_states:
            return _no_law(absent_states)
        missing = self.missing_sources(question)
        if missing:
            return f"The corpus does not hold {', '.join(missing)}, which the question asks about."
        if not in_field(question, self.searcher.instrument_names()):
            return OUTSIDE_FIELD
        return FIGURES if asks_for_figures(question) else None

    def missing_sources(self, question: str) -> list[str]:
        """What the question names that the corpus lacks: an instrument, or a provision of one it holds."""
        provision = self.searcher.missing_provision(question)
        return [*self.searcher.unknown_instruments(question), *([provision] if provision else [])]


# Recitals and a statute's introductory text (its title, its citation, the directives it transposes)
# state purposes, not rules: no draft quotes them and no compare cell holds them.
_PREAMBLE = re.compile(r", (?:preamble|introductory text)$")
# A judgment digest's case details, facts and list of provisions applied say what happened and what
# was cited; its summary, holding and why it matters say what the court decided.
_NOT_HELD = re.compile(r", (?:case details|facts|provisions applied)$")


def states_rules(passage: Passage) -> bool:
    return not (_PREAMBLE.search(passage.citation) or _NOT_HELD.search(passage.citation))


def law_types(searcher: Searcher, exclude: tuple[str, ...] = ("case_study",)) -> list[str]:
    """The indexed instrument types an answer may quote: never the fictional training vignettes."""
    return sorted(searcher.known_values("instrument_type") - set(exclude))


def select(candidates: list[Supported], minimum: float = MIN_SIMILARITY) -> list[Supported]:
    """The provisions that support an answer: similar enough (at least `minimum`), and not far
    behind the best."""
    if not candidates:
        return []
    best = max(c.similarity for c in candidates)
    floor = max(minimum, best - SIMILARITY_MARGIN)
    cited = [c for c in candidates if c.hit.match == "citation"]
    if not (best >= minimum or cited):
        return []
    # A state's own law answers beside the treaties binding it: the best of each layer is kept first,
    # and each layer's provisions are weighed against its best.
    layer = load_jurisdictions().layer
    top: dict[str, float] = {}
    for candidate in candidates:
        if candidate.hit.match != "citation":
            level = layer(candidate.hit.passage.jurisdiction)
            top[level] = max(top.get(level, candidate.hit.score), candidate.hit.score)
    similar = [
        c
        for c in candidates
        if c.hit.match != "citation"
        and c.similarity >= floor
        and c.hit.score >= top[layer(c.hit.passage.jurisdiction)] - SCORE_GAP
    ]
    firsts: dict[str, Supported] = {}
    for candidate in similar:
        firsts.setdefault(layer(candidate.hit.passage.jurisdiction), candidate)
    kept = cited + list(firsts.values())
    return (kept + [c for c in similar if c not in kept])[:MAX_PROVISIONS]


def quote(text: str, question_terms: set[Any], terms_of: Any, language: str = "en") -> list[str]:
    """The statement(s) of a provision that share most words with the question, in document order."""
    units = statements(text, language)
    # A long provision's later part may open mid-sentence ("and the foreigner ..."): not a quote.
    units = [u for u in units if not u[0].islower()] or units
    if len(units) <= 1:
        return units
    overlap = [len(question_terms & terms_of(unit)) for unit in units]
    best = max(range(len(units)), key=lambda i: (overlap[i], -i))
    picked = {best}
    second = max((i for i in range(len(units)) if i != best), key=lambda i: (overlap[i], -i))
    if overlap[best] and overlap[second] >= SECOND_STATEMENT * overlap[best]:
        picked.add(second)
    return [units[i] for i in sorted(picked)]


def _compose(
    question: str,
    chosen: dict[str | None, list[Supported]],
    asked: bool,
    language: str = "en",
    added: Sequence[str] = (),
) -> Draft:
    # A provision's statement is picked by the question's words and those search added to them: a
    # client's words rarely are the statute's, and a question in Spanish shares none with it.
    question_terms = terms(" ".join([question, *added]))

    def weigh(text: str) -> int:
        return len(question_terms & terms(text))

    scope = load_jurisdictions()
    citations: list[Citation] = []
    numbers: dict[str, int] = {}
    by_jurisdiction: dict[str, list[str]] = {}
    quoted: set[str] = set()  # provisions quoted, in canonical form: one provision, once, in both its languages

    def number(cited: Citation) -> int:
        if cited.id not in numbers:
            citations.append(cited)
            numbers[cited.id] = len(citations)
        return numbers[cited.id]

    for code, supported in chosen.items():
        ordered = sorted(supported, key=lambda s: LAYERS.index(scope.layer(s.hit.passage.jurisdiction)))
        for item in ordered:
            passage = item.hit.passage
            if canonical(passage.citation) in quoted:
                continue
            key = code or passage.jurisdiction
            # An English question about a provision whose authentic text is in another language gets
            # the authentic text quoted first, with the English translation beside it.
            versions = _two_versions(item.hit, question_terms) if language == "en" and item.hit.parallel else None
            for cited, relation, units in versions or [(citation_of(item.hit), "", None)]:
                quoted.add(canonical(cited.citation))
                units = units or quote(cited.text, question_terms, terms, item.hit.passage.language)
                for unit in units:
                    # A quote is cited to the part of the passage that holds it: "art 7(1)" in "art 7".
                    said = f"{cited.citation} ({relation})" if relation else passage.unit_of(unit)
                    alternative = None if relation else one_alternative(passage, unit, weigh)
                    if alternative:
                        unit, said = alternative
                    by_jurisdiction.setdefault(key, []).append(f'{said}: "{unit}" [{number(cited)}]')
        if asked and not supported:
            by_jurisdiction[code or ""] = [phrases(language)["none"].format(code=code)]
    return Draft(question, _render(by_jurisdiction, asked, language), False, citations, by_jurisdiction)


def _two_versions(hit: SearchHit, question_terms: set[Any]) -> list[tuple[Citation, str, list[str]]]:
    """The authentic text and its English translation of one provision, each with its quote: the
    English statements that answer, and the authentic ones in the same places (where the two split
    into different numbers of statements, at the same relative place)."""
    parallel = hit.parallel or {}
    # Both sides quote whole provisions: a translation's passages need not split where the original's do.
    own = replace(
        citation_of(hit), citation=hit.provision or hit.passage.citation, text=hit.provision_text or hit.passage.text
    )
    other = replace(
        own, id=parallel["id"], citation=parallel["citation"], document_id=parallel["document_id"],
        title=parallel["title"], text=parallel["text"], url=parallel["url"],
    )  # fmt: skip
    own_relation = "English translation" if parallel["relation"].startswith("authentic") else "authentic text"
    if own_relation == "English translation":
        authentic, english, language = (other, parallel["relation"]), (own, own_relation), parallel["language"]
    elif parallel["relation"] == "English translation":
        own_relation = f"authentic {language_name(hit.passage.language)} text"
        authentic, english, language = (own, own_relation), (other, parallel["relation"]), hit.passage.language
    else:
        return []  # neither version is English
    english_units = statements(english[0].text, "en")
    picked = quote(english[0].text, question_terms, terms, "en")
    authentic_units = statements(authentic[0].text, language)
    places = sorted({english_units.index(unit) * len(authentic_units) // len(english_units) for unit in picked})
    aligned = [authentic_units[place] for place in places]
    return [(authentic[0], authentic[1], aligned), (english[0], english[1], picked)]


def _render(by_jurisdiction: dict[str, list[str]], asked: bool, language: str = "en") -> str:
    """The answer's text: a heading per jurisdiction (in the question's language), its quotes."""
    words = phrases(language)
    blocks = []
    for code, sentences in by_jurisdiction.items():
        heading = words["own_law" if asked else "heading"].format(name=jurisdiction_name(code, language), code=code)
        blocks.append("\n".join([heading, *sentences]))
    return "\n\n".join(blocks)


def _abstention(
    question: str,
    groups: dict[str | None, list[Supported]],
    reason: str,
    language: str = "en",
    absent: list[str] | None = None,
) -> Draft:
    nearest = sorted((c for group in groups.values() for c in group), key=lambda c: -c.similarity)
    seen: set[str] = set()
    citations = []
    for item in nearest:
        if item.hit.passage.id not in seen and len(citations) < NEAREST_ON_ABSTENTION:
            seen.add(item.hit.passage.id)
            citations.append(citation_of(item.hit))
    listed = "; ".join(f"[{i}] {c.citation}" for i, c in enumerate(citations, 1))
    words = phrases(language)
    said = {OUTSIDE_FIELD: words["outside"], NO_ANSWER: words["no_answer"]}.get(reason, reason)
    if absent and reason == _no_law(absent):
        said = _no_law(absent, language)
    answer = f"{said} {words['nearest']} {listed}." if citations else said
    return Draft(question, answer, True, citations, {}, notes=[reason])


def _no_law(states: list[str], language: str = "en") -> str:
    return phrases(language)["no_law"].format(states=_named(states, language))


def _named(states: list[str], language: str) -> str:
    return ", ".join(jurisdiction_name(code, language) for code in states)


def _say_treaties_only(draft: Draft, states: list[str], language: str) -> None:
    """Heads an answer for states whose own law the corpus lacks with what it quotes instead."""
    draft.lead = phrases(language)["treaties_only"].format(states=_named(states, language))
    draft.answer = f"{draft.lead}\n\n{draft.answer}"


def citation_of(hit: SearchHit) -> Citation:
    p = hit.passage
    layer = load_jurisdictions().layer(p.jurisdiction)
    return Citation(p.id, p.citation, p.document_id, p.jurisdiction, p.title, layer, p.text, p.url, p.instrument_type)
