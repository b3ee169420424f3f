"""From a client's facts to the law: the legal issues a statement raises (corpus/issues.toml), each
with the sentences that raise it and the provisions that apply in each jurisdiction asked, cited as
search cites them; and one ranked list of the provisions the whole statement engages."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kb.answer import law_types
from kb.jurisdictions import load_jurisdictions
from kb.model import Passage, SearchHit
from kb.query_language import query_language
from kb.query_syntax import as_written
from kb.retrieve import MAX_QUERY_CHARS, Searcher, SearchFilters
from kb.statements import statements
from kb.store.base import RRF_K

ISSUES_FILE = Path(__file__).resolve().parent.parent / "corpus" / "issues.toml"
PROVISIONS_PER_ISSUE = 5
# In the statement's ranking, a provision that governs an issue raised adds GOVERNING_WEIGHT times
# its provision weight (below) in rank-fusion units; a search on the facts adds its reciprocal ranks
# (the issues' own searches are shown per issue, not ranked: fusing them found less on the
# development fact patterns).
GOVERNING_WEIGHT = 4.0
# ... by half as much again for each further sentence raising the issue: a story told around an
# issue is about it.
SENTENCE_WEIGHT = 0.5
# A provision's own count over the development fact patterns is smoothed towards its issue's share
# as if by this many statements.
PRIOR_STATEMENTS = 10
# Each sentence of the statement is searched too, its best few adding this share of their reciprocal
# ranks: a long story searched whole is about its most frequent words, and a specific rule (a
# presumption about age, a duty to notify) is often engaged by one sentence alone.
SENTENCE_SEARCH_WEIGHT = 0.25
SENTENCE_SEARCH_RESULTS = 3
SENTENCE_MIN_WORDS = 4
RANKED = 10


@dataclass(frozen=True)
class Issue:
    id: str
    label: str
    kind: str
    query: str
    pattern: re.Pattern[str]
    applies: tuple[str, ...] = ()  # the provisions that govern it, in any system, most important first
    # Over the development fact patterns (eval/issue_weights.py): the statements raising it, as
    # (those in which one of its provisions applied, all); per provision, the statements raising it
    # in whose jurisdiction the provision holds, as (those in which it applied, all).
    applied: tuple[int, int] = (0, 0)
    provisions_applied: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)

    @property
    def share(self) -> float:
        """The smoothed share of the statements raising it to which one of its provisions applied."""
        applied, raised = self.applied
        return (applied + 1) / (raised + 2)


@lru_cache
def load_issues(path: Path = ISSUES_FILE) -> tuple[Issue, ...]:
    issues = []
    for issue_id, entry in tomllib.loads(path.read_text(encoding="utf-8")).items():
        cues = sorted((c.lower() for c in entry["cues"]), key=len, reverse=True)
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(c) for c in cues) + ")")
        applies = tuple(entry.get("applies", []))
        applied, raised = entry.get("applied", (0, 0))
        counts = {citation: (a, r) for citation, (a, r) in entry.get("provisions_applied", {}).items()}
        issues.append(
            Issue(issue_id, entry["label"], entry["kind"], entry["query"], pattern, applies, (applied, raised), counts)
        )
    return tuple(issues)


@lru_cache
def _mean_share() -> float:
    issues = load_issues()
    return sum(issue.share for issue in issues) / len(issues)


def provision_weight(issue: Issue, citation: str, position: int) -> float:
    """How much a provision governing the issue weighs, relative to the mean issue's share, at
    `position` among those that hold in the jurisdiction: the share of the development statements
    raising the issue in which it applied, smoothed towards the issue's own share, discounted by
    position as rank fusion would discount it. "The police" raises cooperation with the authorities
    in most stories; which of its provisions applied is another matter."""
    prior = issue.share * (RRF_K + 1) / (RRF_K + position + 1)
    applied, raised = issue.provisions_applied.get(citation, (0, 0))
    return (applied + PRIOR_STATEMENTS * prior) / (raised + PRIOR_STATEMENTS) / _mean_share()


@dataclass
class Sentence:
    text: str
    start: int
    end: int

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass
class Raised:
    issue: Issue
    sentences: list[Sentence]
    provisions: dict[str, list[SearchHit]] = field(default_factory=dict)  # jurisdiction -> hits

    @property
    def weight(self) -> float:
        return 1 + SENTENCE_WEIGHT * (len(self.sentences) - 1)

    def as_json(self, code: str) -> dict[str, Any]:
        return {
            "id": self.issue.id,
            "label": self.issue.label,
            "kind": self.issue.kind,
            "sentences": [s.as_json() for s in self.sentences],
            "provisions": [_cited(hit) for hit in self.provisions.get(code, [])],
        }


@dataclass
class Analysis:
    language: str
    issues: list[Raised]
    ranked: dict[str, list[SearchHit]]  # jurisdiction -> the provisions the statement engages, best first

    def as_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "jurisdictions": {
                code: {
                    "issues": [raised.as_json(code) for raised in self.issues],
                    "provisions": [_cited(hit) for hit in hits],
                }
                for code, hits in self.ranked.items()
            },
        }


def _cited(hit: SearchHit) -> dict[str, Any]:
    p = hit.passage
    return {
        "id": p.id,
        "citation": p.citation,
        "document_id": p.document_id,
        "jurisdiction": p.jurisdiction,
        "heading": p.heading,
        "text": p.text,
        "url": p.url,
    }


def sentences_of(text: str, language: str) -> list[Sentence]:
    """The statement's sentences with their places in it (what a lawyer checks a finding against)."""
    found, cursor = [], 0
    flat = re.sub(r"\s+", " ", text)
    for sentence in statements(text, language):
        start = flat.find(sentence, cursor)
        if start < 0:
            continue
        found.append(Sentence(sentence, start, start + len(sentence)))
        cursor = start + len(sentence)
    return found


def raised_issues(text: str, language: str = "en", sentences: list[Sentence] | None = None) -> list[Raised]:
    """The issues the statement raises, each with its sentences (`sentences_of` the text, unless
    given), most cues first."""
    sentences = sentences_of(text, language) if sentences is None else sentences
    raised = []
    for issue in load_issues():
        hits = [s for s in sentences if issue.pattern.search(s.text.lower())]
        if hits:
            raised.append(Raised(issue, hits))
    return sorted(raised, key=lambda r: -len(r.sentences))


def analyse(searcher: Searcher, text: str, jurisdictions: list[str]) -> Analysis:
    """Per jurisdiction (none: the whole corpus), the provisions for each issue raised (those that
    govern it in that jurisdiction's scope first, then what a search for it finds), and the
    statement's provisions ranked by fusing both with a search on the facts and on each sentence."""
    language = query_language(text)
    all_sentences = sentences_of(text, language)
    issues = raised_issues(text, language, all_sentences)
    types = law_types(searcher)
    # Each governing provision looked up once, for every jurisdiction asked.
    versions = {citation: searcher.cited_versions(citation) for r in issues for citation in r.issue.applies}
    sentences = [s.text for s in all_sentences if len(s.text.split()) >= SENTENCE_MIN_WORDS]
    ranked: dict[str, list[SearchHit]] = {}
    for code in jurisdictions or [""]:
        filters = SearchFilters(jurisdictions=[code] if code else [], instrument_types=types)
        plain = searcher.search(facts_query(text), filters, RANKED).hits
        scored = [(hit, 1 / (RRF_K + rank + 1)) for rank, hit in enumerate(plain)]
        for sentence in sentences:
            found = searcher.search(facts_query(sentence), filters, SENTENCE_SEARCH_RESULTS).hits
            scored += [(hit, SENTENCE_SEARCH_WEIGHT / (RRF_K + rank + 1)) for rank, hit in enumerate(found)]
        for raised in issues:
            governing = governing_provisions(raised.issue, versions, code, language)
            hits = searcher.search(raised.issue.query, filters, RANKED).hits
            held = {hit.passage.id for _, hit in governing}
            shown = [hit for _, hit in governing] + [h for h in hits if h.passage.id not in held]
            raised.provisions[code] = shown[:PROVISIONS_PER_ISSUE]
            for position, (citation, hit) in enumerate(governing):
                weight = provision_weight(raised.issue, citation, position)
                scored.append((hit, GOVERNING_WEIGHT * raised.weight * weight / (RRF_K + 1)))
        ranked[code] = _summed(scored)[:RANKED]
    return Analysis(language, issues, ranked)


def facts_query(text: str) -> str:
    """The statement as one search, its quotation marks and capitals those of its speakers (a phrase
    in quotes would otherwise have to occur in the law word for word), cut to a query's length."""
    return as_written(text)[:MAX_QUERY_CHARS]


def governing_provisions(
    issue: Issue, versions: dict[str, list[Passage]], code: str, language: str
) -> list[tuple[str, SearchHit]]:
    """The provisions that govern an issue, each with its citation in corpus/issues.toml, as the
    index holds them (`versions`: each citation's passage in every document that holds it), in the
    jurisdiction's scope (its own law and the treaties binding it, as for the EU, whose directives
    are its law; for a body made of treaties, as for a state of the Council of Europe outside the
    corpus, the international and regional treaties; all where none is asked), each once: in the
    statement's language where the instrument is in several."""
    scope = load_jurisdictions()

    def applies_in(p: Passage) -> bool:
        if not code:
            return True
        if scope.treaty_body(code):
            return scope.treaty_body(p.jurisdiction)
        return scope.binds(p.document_id, p.jurisdiction, code)

    found: list[tuple[str, SearchHit]] = []
    for citation in issue.applies:
        held = [p for p in versions[citation] if applies_in(p)]
        if held:
            chosen = next((p for p in held if p.language == language), held[0])
            found.append((citation, SearchHit(chosen, 1.0, "citation")))
    return found


def _summed(scored: list[tuple[SearchHit, float]]) -> list[SearchHit]:
    """The hits by the sum of their scores, by passage."""
    totals: dict[str, float] = {}
    first: dict[str, SearchHit] = {}
    for hit, score in scored:
        totals[hit.passage.id] = totals.get(hit.passage.id, 0.0) + score
        first.setdefault(hit.passage.id, hit)
    return [first[pid] for pid in sorted(totals, key=lambda pid: -totals[pid])]
