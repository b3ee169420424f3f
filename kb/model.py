"""The vocabulary every part of Haven speaks: jurisdictions, instrument types, passages and search hits."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from haystack import Document

from kb.jurisdictions import load_jurisdictions
from kb.national import canonical

JURISDICTION_NAMES = {
    "UN": "United Nations",
    "COE": "Council of Europe",
    "EU": "European Union",
    "ILO": "International Labour Organization",
    "GB": "United Kingdom",
    "US": "United States",
    "CA": "Canada",
    "DE": "Germany",
    "NL": "Netherlands",
}
INSTRUMENT_TYPES = ("treaty", "statute", "regulation", "directive", "case", "guidance", "case_study", "matter_document")
# A client's document in a matter (kb/matters.py): indexed only in the matter's own index.
MATTER_DOCUMENT = "matter_document"

# Fixed namespace so passage ids stay the same across machines and runs.
PASSAGE_NAMESPACE = uuid.UUID("5b2d7c1e-4f0a-4c55-9a43-0c3c8e2f6a11")


def passage_id(document_id: str, provision_path: list[str], part: int, version: str) -> str:
    """Deterministic: the same version of a document always gets the same ids, and a new version
    gets new ones, so it can be written beside the old until it is committed."""
    return str(uuid.uuid5(PASSAGE_NAMESPACE, f"{document_id}|{'/'.join(provision_path)}|{part}|{version}"))


def cites_within(citation: str, provision: str) -> bool:
    """Whether a citation points into a provision: "CETS No 197, art 13(1)" is within "CETS No 197, art 13";
    a part cited to a span of units holds each of them: "§ 3771(a)(1)-(6)" is within "§ 3771(a)(3)".
    German and Dutch labels compare in canonical form: "§ 232 Abs. 1 StGB" is within "§ 232 StGB"."""
    citation, provision = canonical(citation), canonical(provision)
    if citation == provision or citation.startswith(provision + "("):
        return True
    if "/" in provision and citation.startswith(provision + "."):  # Vc 2000 (B) B8/3.1 is within B8/3
        return True
    span = split_span(citation)
    if not span or not provision.startswith(span[0] + "("):
        return False
    unit = provision[len(span[0]) + 1 :].split(")", 1)[0]
    return unit_in_span(unit, span[1], span[2])


def cites_overlap(a: str, b: str) -> bool:
    """Whether one citation is, is within, or holds the other (a provision and its parts meet)."""
    return cites_within(a, b) or cites_within(b, a)


def section_key(citation: str) -> str:
    """What precedes a citation's first unit in brackets or after a slash, in canonical form: a
    citation lies within a provision (cites_within) only if the two share it."""
    return re.split(r"[(/]", canonical(citation), maxsplit=1)[0]


_SPAN = re.compile(r"^(?P<head>.*)\((?P<first>[^()]+)\)-\((?P<last>[^()]+)\)$")
_ROMAN = re.compile(r"^[ivxlc]+$", re.IGNORECASE)
_NUMBERED = re.compile(r"^(\d+)([a-zA-Z]{0,3})$")  # a subsection's number and the letters of one inserted after it


def split_span(citation: str) -> tuple[str, str, str] | None:
    """("18 U.S.C. § 3771(a)", "1", "6") from "18 U.S.C. § 3771(a)(1)-(6)"; None for a single unit."""
    match = _SPAN.match(citation)
    return (match["head"], match["first"], match["last"]) if match else None


def unit_in_span(unit: str, first: str, last: str) -> bool:
    """Whether a unit label lies between two of the same kind: numbers, letters or roman numerals."""
    numbered = [_NUMBERED.match(value) for value in (unit, first, last)]
    if _ROMAN.match(first) and _ROMAN.match(last) and _ROMAN.match(unit) and len(first + last) > 2:
        keys = [_roman(value) for value in (unit, first, last)]
    elif all(numbered):  # 4a after 4, 1A before 2
        keys = [(int(m[1]), m[2].lower()) for m in numbered if m]
    else:
        keys = [(len(value), value) for value in (unit, first, last)]  # a..z, then aa..zz
    return keys[1] <= keys[0] <= keys[2]


def _roman(value: str) -> int:
    numerals = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    digits = [numerals[c] for c in value.lower()]
    return sum(-d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits))


# A part that is only its number and a heading: short, and ending in no punctuation ("(3) Authority
# to permit continued presence in the United States", "(A) Trafficking victims").
_BARE_HEADING = re.compile(r".{1,100}(?<![.;:,!?\u2014\u2013-])", re.DOTALL)


@dataclass
class Passage:
    """One provision, or one part of a long provision, with its citation and metadata."""

    id: str
    document_id: str
    text: str
    citation: str
    heading: str
    provision_path: list[str]
    title: str
    short_title: str
    jurisdiction: str
    instrument_type: str
    language: str
    url: str
    start: int
    end: int
    content_hash: str
    passage_count: int
    part: int = 0
    page: int | None = None
    source: str = ""  # the file it was read from, to prune documents whose file is gone
    topics: list[str] = field(default_factory=list)
    # The provisions its text refers to, as citation labels ("StGB, s 232", "8 U.S.C. § 1101(a)(15)(T)"),
    # and the whole provisions they are in, for "cited by" look-ups on the keyword index.
    cites: list[str] = field(default_factory=list)
    cites_provisions: list[str] = field(default_factory=list)
    # What the search legs index before its text: the instrument, the headings above the provision,
    # its own heading and those of the provisions it cites (never shown).
    index_context: str = ""
    # "parallel": a translation printed beside the original in the same file (a treaty's Dutch text
    # after its English one), searched only in its own language; else "original".
    text_role: str = "original"
    # The parts of its text a citation can pinpoint, as [citation, start, end] ("art 7(1)" and "art 7(2)"
    # in a passage cited "art 7"); empty where the passage is one unit.
    units: list[list[Any]] = field(default_factory=list)

    def locate(self, statement: str) -> tuple[int, int] | None:
        """Where a statement quoted from the text lies in it, whatever its spacing; None if nowhere."""
        found = re.search(r"\s+".join(map(re.escape, statement.split())), self.text)
        return found.span() if found else None

    def units_over(self, span: tuple[int, int] | None) -> list[list[Any]]:
        """The parts (`units`) a span of the text overlaps, in order; none for no span."""
        at, end = span or (0, 0)
        return [unit for unit in self.units if unit[1] < end and unit[2] > at]

    def unit_of(self, statement: str) -> str:
        """The citation of the part of the text that holds a statement quoted from it (found whatever
        its spacing): the part it opens in, or, where it opens with bare headings and then lies in
        one part ("(1) Assistance (A) Eligibility for benefits ... an alien who ..."), that part."""
        spanned = self.units_over(self.locate(statement))
        rest = spanned
        while len(rest) > 1 and _BARE_HEADING.fullmatch(self.text[rest[0][1] : rest[0][2]].strip()):
            rest = rest[1:]
        # A lead-in and the list it opens ("(i) With respect to ... (1) ...; (2) ...") are the lead-in's.
        return (rest if len(rest) == 1 else spanned)[0][0] if spanned else self.citation

    def as_json(self) -> dict[str, Any]:
        """As the API and the CLI's --json show a passage."""
        return {
            "id": self.id,
            "document_id": self.document_id,
            "title": self.title,
            "citation": self.citation,
            "heading": self.heading,
            "path": self.provision_path,
            "jurisdiction": self.jurisdiction,
            "layer": load_jurisdictions().layer(self.jurisdiction),
            "instrument_type": self.instrument_type,
            "language": self.language,
            "text": self.text,
            "url": self.url,
            "page": self.page,
            "topics": self.topics,
            "cites": self.cites,
        }

    def to_document(self) -> Document:
        meta = asdict(self)
        del meta["id"], meta["text"]
        return Document(id=self.id, content=self.text, meta=meta)

    @classmethod
    def from_document(cls, document: Document) -> Passage:
        known = {name for name in cls.__dataclass_fields__}
        meta = {key: value for key, value in document.meta.items() if key in known}
        return cls(id=document.id, text=document.content or "", **meta)


@dataclass
class SearchHit:
    passage: Passage
    score: float
    match: str = "search"  # "citation" when the query cited this provision
    more_passages: list[str] = field(default_factory=list)  # other parts of the same provision
    # The passages just before and after it in the same provision, when asked for.
    context: dict[str, dict[str, str] | None] | None = None
    # The whole provision the passage is a part of ("§ 3771(a)" for "§ 3771(a)(1)-(6)"), and its text.
    provision: str = ""
    provision_text: str = ""
    # The same provision in the other language's version of its instrument (kb.retrieve.Parallel).
    parallel: dict[str, str] | None = None
    # Directive articles it implements, or national provisions implementing it (kb.transpositions).
    transpositions: list[dict[str, Any]] = field(default_factory=list)
    matter: str | None = None  # the matter whose document it is; None for the law
    # The part of the passage closest to the query by its words, where one stands out ("art 7(1)" of
    # "art 7"): a hint for the reader, not the result's citation.
    pinpoint: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            **self.passage.as_json(),
            "parallel": self.parallel,
            "transpositions": self.transpositions,
            "matter": self.matter,
            "score": round(self.score, 6),
            "match": self.match,
            "more_passages": self.more_passages,
            "pinpoint": self.pinpoint or None,
            "provision": self.provision or self.passage.citation,
            "provision_text": self.provision_text or self.passage.text,
            **({"context": self.context} if self.context is not None else {}),
        }
