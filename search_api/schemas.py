"""The JSON API's contract: what each route under /api takes and answers, as Pydantic models, so
that /openapi.json describes every field.

The answers are the JSON the knowledge base already gives (`as_json()` of kb/model.py, kb/retrieve.py,
kb/answer.py, kb/compare.py, ingest/pipeline.py, and search_api/library.py): field for field the
same names, as `kb ... --json` prints them. Routes return those dicts and name the model as their
`response_model`; FastAPI validates each answer once and writes it straight to JSON.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from kb.collections import MAX_NAME, MAX_NOTE
from kb.model import INSTRUMENT_TYPES
from kb.retrieve import MAX_LIMIT, MAX_QUERY_CHARS


# --- requests -------------------------------------------------------------------------------------
class SearchQuery(BaseModel):
    """A search: the query parameters of `GET /api/search` and the body of `POST /api/search`."""

    q: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, description="A question, keywords or a citation.")
    jurisdiction: list[str] = Field(
        default_factory=list, max_length=20, description="Jurisdiction codes: a state's own law and its treaties."
    )
    type: list[str] = Field(default_factory=list, max_length=len(INSTRUMENT_TYPES), description="Instrument types.")
    language: list[str] = Field(default_factory=list, max_length=10, description="ISO 639-1 codes.")
    topic: list[str] = Field(default_factory=list, max_length=20, description="Topic ids of the taxonomy.")
    only: bool = Field(False, description="Keep to the states' own law, without the treaties binding them.")
    limit: int = Field(10, ge=1, le=MAX_LIMIT)
    facets: bool = Field(False, description="Count the best 100 passages by jurisdiction, type and topic.")
    context: bool = Field(False, description="Give each result's neighbouring passages in its provision.")
    matter: str | None = Field(
        None,
        max_length=64,
        description="A matter's id: search its documents and the law together (members only; a key is needed).",
    )


class AskBody(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUERY_CHARS)
    jurisdictions: list[str] = Field(default_factory=list, max_length=10)


class CompareBody(BaseModel):
    jurisdictions: list[str] = Field(min_length=1, max_length=10)
    topics: list[str] = Field(min_length=1, max_length=20)


class CollectionBody(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_NAME)


class ItemBody(BaseModel):
    passage_id: str = Field("", max_length=64, description="A passage id, as search results give it.")
    citation: str = Field("", max_length=300, description='Or a citation: "CETS No 197, art 13(1)".')
    note: str = Field("", max_length=MAX_NOTE)

    @model_validator(mode="after")
    def one_reference(self) -> ItemBody:
        if bool(self.passage_id) == bool(self.citation):
            raise ValueError("give passage_id or citation, one of the two")
        return self


class ItemChange(BaseModel):
    note: str | None = Field(None, max_length=MAX_NOTE)
    position: int | None = Field(None, ge=1, description="1 puts the item first.")


# --- passages and search --------------------------------------------------------------------------
class Passage(BaseModel):
    """One provision, or one part of a long one, with its pinpoint citation (Passage.as_json)."""

    id: str
    document_id: str
    title: str
    citation: str = Field(description='The pinpoint citation: "CETS No 197, art 13".')
    heading: str
    path: list[str] = Field(description="The provision's place in the document: Part, Chapter, section...")
    jurisdiction: str
    layer: str = Field(description="international, regional or national")
    instrument_type: str
    language: str
    text: str
    url: str
    page: int | None = Field(description="The PDF page it is on; null for other formats.")
    topics: list[str]
    cites: list[str] = Field(default_factory=list, description='Provisions its text refers to: "StGB, s 232".')


class Neighbour(BaseModel):
    id: str
    citation: str
    text: str


class Context(BaseModel):
    before: Neighbour | None
    after: Neighbour | None


class ParallelText(BaseModel):
    id: str = Field(description="Its first passage.")
    document_id: str
    title: str
    url: str
    citation: str = Field(description='Its citation there: "§ 25 Abs. 4a AufenthG" beside "AufenthG, s 25(4a)".')
    language: str
    text: str
    relation: str = Field(description='"authentic German text" or "English translation".')


class Transposition(BaseModel):
    """A transposition link (corpus/transpositions.toml), seen from the passage it is shown beside."""

    relation: str = Field(
        description='"implements" (beside a national provision) or "implemented in" (beside a directive\'s article).'
    )
    citation: str = Field(
        description='The provision at the other end: "Directive 2004/81/EC, art 8" or "§ 25 Abs. 4a AufenthG".'
    )
    about: str
    basis: str = Field(
        description='"national text" (the national instrument says it transposes the directive) or "subject" '
        "(no provision-level statement found: the team matched what the provision does to what the article requires)."
    )
    source: str = Field(description="Where a lawyer can check the link.")


class LinkedTransposition(Transposition):
    passage_id: str | None = Field(description="The passage at the other end; null when the corpus does not hold it.")
    document_id: str | None


class SearchResult(Passage):
    """A passage found (SearchHit.as_json)."""

    matter: str | None = Field(None, description="The matter whose document it is; null for the law.")
    score: float
    match: str = Field(description='"citation" when the query cited this provision, else "search".')
    more_passages: list[str] = Field(description="Ids of the provision's other passages.")
    pinpoint: str | None = Field(
        description='The part of the passage closest to the query by its words, where one stands out: "Palermo '
        'Protocol, art 7(1)" of a passage cited "Palermo Protocol, art 7"; null where none does. A hint: the '
        "passage's citation is the result's citation."
    )
    provision: str = Field(description='The whole provision the passage is part of: "18 U.S.C. § 3771(a)".')
    provision_text: str = Field(description="That provision's whole text (the passage's own where it is all of it).")
    context: Context | None = Field(None, description="Present when the search asked for context.")
    parallel: ParallelText | None = Field(
        None, description="The same provision in the other language's version of its instrument, where indexed."
    )
    transpositions: list[Transposition] = Field(
        description="The directive articles it implements, or the national provisions implementing it."
    )


class LanguagesSearched(BaseModel):
    query: str = Field(description='The language the query was read as (ISO 639-1; "en" when too short to tell).')
    bm25: list[str] = Field(
        description="The passages' languages the keyword (BM25) leg read: the query's own, where the index holds it."
    )
    dense: list[str] = Field(description='The passages\' languages the meaning-based leg read; ["all"] for every one.')


class SearchResponse(BaseModel):
    query: str
    took_ms: float
    results: list[SearchResult]
    facets: dict[str, dict[str, int]] = Field(description="Empty unless asked: counts per field and value.")
    cases: list[SearchResult] = Field(
        default_factory=list,
        description="Judgment digests beside the law (a search that names no instrument type), each by why it matters.",
    )
    also_searched: list[str] = Field(
        default_factory=list,
        description="Statutory terms searched as well: for the query's lay words, and its concepts' terms in the "
        "other languages the keyword leg read (corpus/glossary.toml).",
    )
    languages: LanguagesSearched | None = Field(None, description="Which languages were searched.")


# --- answers and comparisons ----------------------------------------------------------------------
class Citation(BaseModel):
    """A provision an answer quotes or a comparison cell lists (kb/answer.py Citation)."""

    id: str
    citation: str
    document_id: str
    jurisdiction: str
    title: str
    layer: str
    text: str
    url: str
    instrument_type: str


class RemovedSentence(BaseModel):
    sentence: str
    reason: str


class Draft(BaseModel):
    """A draft answer with citation markers, or an abstention (Draft.as_json)."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = Field(description="What the markers [1], [2]... point to, in order.")
    by_jurisdiction: dict[str, list[str]]
    drafter: str = Field(description="extractive or generative")
    support: dict[str, float]
    notes: list[str]
    removed: list[RemovedSentence] = Field(description="Generated sentences a check removed, and why.")
    took_ms: float
    lead: str = Field(
        "", description="What a treaty answer for a state without its own law in the corpus opens with; else empty."
    )


class Implementation(BaseModel):
    """A provision of a cell that implements a directive's article (corpus/transpositions.toml)."""

    id: str
    citation: str
    directive: str
    about: str
    basis: str
    source: str


class NotInCorpus(BaseModel):
    citation: str
    about: str


class Cell(BaseModel):
    jurisdiction: str
    topic: str
    found: bool
    provisions: list[Citation]
    implements: list[Implementation]
    not_in_corpus: list[NotInCorpus]


class Matrix(BaseModel):
    """The jurisdiction x topic matrix (Matrix.as_json)."""

    jurisdictions: list[str]
    topics: list[str]
    cells: list[Cell]
    took_ms: float


# --- documents and reference lists ----------------------------------------------------------------
class _DocumentFields(BaseModel):
    id: str
    title: str
    jurisdiction: str
    layer: str
    instrument_type: str
    cite_as: str


class DocumentSummary(_DocumentFields):
    passages: int = Field(description="How many passages it has.")


class Link(BaseModel):
    """A provision at the other end of a cross-reference (kb/related.py Link)."""

    citation: str
    heading: str = Field(description="Its heading; for a provision outside the corpus, what it is about.")
    passage_id: str | None = Field(description="The passage that holds it; null when the corpus does not.")
    document_id: str | None
    in_corpus: bool


class OutlineCite(BaseModel):
    citation: str
    heading: str = Field(description="What a provision outside the corpus is about; empty otherwise.")
    indexed: bool = Field(description="Whether its instrument is indexed (a citation search finds it).")


class OutlineEntry(BaseModel):
    id: str
    citation: str
    heading: str
    path: list[str]
    language: str
    text: str
    url: str
    page: int | None
    cites: list[OutlineCite] = Field(description="The provisions its text refers to.")
    cited_by: list[Link] = Field(description="The passages whose text refers to it.")
    transpositions: list[Transposition] = Field(description="What it implements, or where it is implemented.")


class Related(BaseModel):
    """A passage's cross-references both ways."""

    id: str
    citation: str
    cites: list[Link]
    cited_by: list[Link]
    transpositions: list[LinkedTransposition]


class Document(_DocumentFields):
    """A document's metadata and outline: every passage in reading order."""

    url: str = Field(description="The address of its first passage.")
    passages: list[OutlineEntry]


class Jurisdiction(BaseModel):
    code: str
    name: str
    layer: str
    member_of: list[str]
    passages: int


class Topic(BaseModel):
    id: str
    label: str
    description: str
    passages: int


# --- collections ----------------------------------------------------------------------------------
class CollectionSummary(BaseModel):
    name: str
    owner: str = Field(description='Its owner\'s account name; "" for the shared workspace.')
    created: str
    updated: str
    count: int


class Item(BaseModel):
    """A saved passage: a copy of what was saved, with the note."""

    id: int
    position: int
    passage_id: str
    document_id: str
    citation: str
    title: str
    jurisdiction: str
    instrument_type: str
    url: str
    text: str
    note: str
    added: str
    in_index: bool = Field(description="Whether the passage is still in the index.")


class Collection(BaseModel):
    name: str
    created: str
    updated: str
    items: list[Item]
    count: int


# --- writing and health ---------------------------------------------------------------------------
class IndexedFile(BaseModel):
    path: str
    document_id: str
    passages: int


class UnchangedFile(BaseModel):
    path: str
    document_id: str


class SkippedFile(BaseModel):
    path: str
    reason: str


class IngestReport(BaseModel):
    """What an upload did (IngestReport.as_json)."""

    indexed: list[IndexedFile]
    unchanged: list[UnchangedFile]
    skipped: list[SkippedFile]
    ignored: list[str]
    pruned: list[str]
    passages_written: int
    seconds: float
    timings: dict[str, float] = Field(description="Seconds spent parsing, embedding and writing.")


class RemovedDocument(BaseModel):
    removed: str = Field(description="The document id.")
    passages: int = Field(description="How many passages were removed.")


class Health(BaseModel):
    status: Literal["ok"]
    documents: int
    passages: int
    store: Literal["embedded", "server"]
    drafter: Literal["extractive", "generative"]


class MatterBody(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="The matter's name, as its team knows it.")


class MemberBody(BaseModel):
    user: str = Field(min_length=1, max_length=64, description="The account to add.")


class Matter(BaseModel):
    """A client's private workspace (kb/matters.py)."""

    id: str
    name: str
    owner: str
    members: list[str]


class AuditEntry(BaseModel):
    at: str = Field(description="UTC, ISO 8601.")
    user: str
    action: str
    detail: str = ""


class AnalyseBody(BaseModel):
    jurisdictions: list[str] = Field(min_length=1, max_length=10, description="The law to apply: jurisdiction codes.")
    document_id: str | None = Field(None, max_length=200, description="A document of the matter: the statement.")
    text: str | None = Field(None, max_length=20000, description="Or the statement's text itself.")


class StatementSentence(BaseModel):
    text: str
    start: int = Field(description="Where it starts in the statement (spaces run together).")
    end: int


class AppliedProvision(BaseModel):
    id: str
    citation: str
    document_id: str
    jurisdiction: str
    heading: str
    text: str
    url: str


class RaisedIssue(BaseModel):
    id: str = Field(description="An issue of corpus/issues.toml.")
    label: str
    kind: str = Field(description='"offence element", "victim\'s right" or "state duty".')
    sentences: list[StatementSentence] = Field(description="The statement's sentences that raise it.")
    provisions: list[AppliedProvision] = Field(description="The provisions that apply to it in this jurisdiction.")


class JurisdictionAnalysis(BaseModel):
    issues: list[RaisedIssue]
    provisions: list[AppliedProvision] = Field(description="The provisions the whole statement engages, best first.")


class Analysis(BaseModel):
    language: str
    jurisdictions: dict[str, JurisdictionAnalysis]


class NoteBody(BaseModel):
    text: str = Field(min_length=1, max_length=20000)


class Note(BaseModel):
    at: str = Field(description="UTC, ISO 8601.")
    user: str
    text: str
