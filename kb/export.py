"""Course packs: key provisions quoted with their pinpoint citations, case studies, discussion
questions and a bibliography, as Markdown and as DOCX (python-docx, real heading styles).

A pack is built from a collection (its items in order) or from topics and jurisdictions (the
compare matrix, plus the case studies nearest to each topic). What is missing (an empty topic, a
passage removed from the index since it was saved) is said in the pack, which still builds.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from pathlib import Path

from docx import Document as DocxDocument
from docx.shared import Pt

from kb.collections import Collections
from kb.compare import compare
from kb.retrieve import Searcher, SearchFilters
from kb.topics import load_topics

CASE_TYPES = ("case", "case_study")
# Per topic: the nearest judgment digests and the nearest fictional vignettes, so a section has both.
CASES_PER_TOPIC = {"case": 2, "case_study": 2}
# When no vignette in the pack brings its own questions.
DEFAULT_QUESTIONS = (
    "Which of the provisions above give the person a right, and which only allow or oblige the state to act?",
    "What must the person show, and to whom, before each provision applies?",
    "How do the international and national provisions differ, and which is more favourable to the person?",
)
# OSCOLA's groups of a bibliography, in its order, by instrument type.
BIBLIOGRAPHY_GROUPS = {
    "case": "Cases",
    "treaty": "Treaties",
    "statute": "Legislation",
    "regulation": "Legislation",
    "directive": "EU legislation",
    "guidance": "Guidance",
    "case_study": "Training materials",
}
_QUESTION = re.compile(r"^\s*\d+\.\s+(.*\S)", re.M)


@dataclass
class Quoted:
    citation: str
    title: str
    text: str
    url: str
    instrument_type: str
    document_id: str
    note: str = ""


@dataclass
class Section:
    heading: str
    provisions: list[Quoted] = field(default_factory=list)
    cases: list[Quoted] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)


@dataclass
class Pack:
    title: str
    subtitle: str
    sections: list[Section]
    missing: list[str] = field(default_factory=list)

    def sources(self) -> list[Quoted]:
        seen: dict[str, Quoted] = {}
        for section in self.sections:
            for item in [*section.provisions, *section.cases]:
                seen.setdefault(item.document_id, item)
        return list(seen.values())


def from_topics(searcher: Searcher, topics: list[str], jurisdictions: list[str], title: str = "") -> Pack:
    matrix = compare(searcher, jurisdictions, topics)
    labels = {t.id: t for t in load_topics()}
    sections, missing = [], []
    for topic in matrix.topics:
        section = Section(labels[topic].label)
        for code in matrix.jurisdictions:
            cell = matrix.cell(code, topic)
            if not cell.provisions:
                missing.append(f"No provision on {labels[topic].label.lower()} was found for {code}.")
            section.provisions += [
                Quoted(c.citation, c.title, c.text, c.url, c.instrument_type, c.document_id) for c in cell.provisions
            ]
        section.cases = _case_studies(searcher, f"{labels[topic].label}. {labels[topic].description}")
        if not section.cases:
            missing.append(f"No case study on {labels[topic].label.lower()} is in the index.")
        section.questions = _questions(searcher, section.cases)
        sections.append(section)
    names = ", ".join(matrix.jurisdictions)
    heading = title or " and ".join(labels[t].label for t in matrix.topics)
    return Pack(heading, f"Key provisions for {names}, case studies and discussion questions", sections, missing)


def from_collection(collections: Collections, searcher: Searcher, name: str, title: str = "") -> Pack:
    collection = collections.get(name)
    if not collection.items:
        return Pack(
            title or collection.name, "A collection", [Section("Provisions")], [f"The collection {name!r} is empty."]
        )
    gone = searcher.missing_passages([item.passage_id for item in collection.items])
    section, missing = Section("Provisions"), []
    for item in collection.items:
        quoted = Quoted(
            item.citation, item.title, item.text, item.url, item.instrument_type, item.document_id, item.note
        )
        if item.passage_id in gone:
            missing.append(f"{item.citation} is no longer in the index; it is quoted as saved on {item.added[:10]}.")
        (section.cases if item.instrument_type in CASE_TYPES else section.provisions).append(quoted)
    section.questions = _questions(searcher, section.cases)
    return Pack(title or collection.name, f"From the collection {collection.name!r}", [section], missing)


def _case_studies(searcher: Searcher, query: str) -> list[Quoted]:
    """The judgment digests and vignettes nearest to a topic, each whole (its questions and answer
    key apart); none when the index holds none."""
    picked: list[Quoted] = []
    for kind in sorted(set(CASE_TYPES) & searcher.known_values("instrument_type")):
        hits = searcher.search(query, SearchFilters(instrument_types=[kind]), CASES_PER_TOPIC[kind] * 4).hits
        nearest = {hit.passage.document_id: hit.passage for hit in reversed(hits)}  # first hit of each
        for document_id in list(dict.fromkeys(hit.passage.document_id for hit in hits))[: CASES_PER_TOPIC[kind]]:
            p = nearest[document_id]
            text = "\n\n".join(f"{heading}: {body}" for heading, body in _sections(searcher, document_id))
            picked.append(Quoted(p.citation.rsplit(", ", 1)[0], p.title, text, p.url, kind, document_id))
    return picked


def _sections(searcher: Searcher, document_id: str) -> list[tuple[str, str]]:
    """A case study's sections in order, without its summary line, discussion questions and the
    provisions a good answer cites (the trainer's key)."""
    sections: list[tuple[str, str]] = []
    for d in searcher.index.passages(document_id):
        heading, body = d.meta.get("heading") or "", " ".join((d.content or "").split())
        if not heading or heading.lower() in _NOT_IN_A_HANDOUT:
            continue
        if sections and sections[-1][0] == heading:  # a long section split into passages
            sections[-1] = (heading, f"{sections[-1][1]} {body}")
        else:
            sections.append((heading, body))
    return sections


_NOT_IN_A_HANDOUT = {"discussion questions", "provisions a good answer cites"}


def _questions(searcher: Searcher, cases: list[Quoted]) -> list[str]:
    """Discussion questions of the vignettes in the pack, else general ones."""
    questions: list[str] = []
    for case in cases:
        if case.instrument_type != "case_study":
            continue
        for passage in searcher.index.passages(case.document_id):
            if passage.meta["citation"].endswith(", discussion questions"):
                questions += _QUESTION.findall(passage.content or "")
    return questions or list(DEFAULT_QUESTIONS)


def bibliography(pack: Pack) -> dict[str, list[str]]:
    """OSCOLA-style entries by kind, sorted: cases by name, instruments by title."""
    groups: dict[str, list[str]] = {group: [] for group in dict.fromkeys(BIBLIOGRAPHY_GROUPS.values())}
    for source in pack.sources():
        entry = f"Haven, {source.title}" if source.instrument_type == "case_study" else source.title
        groups[BIBLIOGRAPHY_GROUPS.get(source.instrument_type, "Legislation")].append(entry)
    return {kind: sorted(set(entries)) for kind, entries in groups.items() if entries}


# --- Markdown -------------------------------------------------------------------------------
def to_markdown(pack: Pack) -> str:
    lines = [f"# {pack.title}", "", pack.subtitle, "", f"Prepared with Haven on {date.today().isoformat()}.", ""]
    if pack.missing:
        lines += ["**Missing from this pack:**", "", *[f"- {m}" for m in pack.missing], ""]
    lines += ["## Contents", ""]
    lines += [f"{i}. [{s.heading}](#{_anchor(s.heading)})" for i, s in enumerate(pack.sections, 1)]
    lines += [f"{len(pack.sections) + 1}. [Bibliography](#bibliography)", ""]
    for section in pack.sections:
        lines += [f"## {section.heading}", ""]
        if section.provisions:
            lines += ["### Key provisions", ""]
            for item in section.provisions:
                lines += [*_quote_md(item.text), "", f"— {item.citation}{_url_md(item.url)}", ""]
                if item.note:
                    lines += [f"*Note: {item.note}*", ""]
        if section.cases:
            lines += ["### Case studies", ""]
            for item in section.cases:
                kind = (
                    "fictional training vignette"
                    if item.instrument_type == "case_study"
                    else "editorial summary, to be verified against the judgment"
                )
                lines += [
                    f"#### {item.title}",
                    "",
                    f"*{kind}*",
                    "",
                    *_quote_md(item.text),
                    "",
                    f"— {item.citation}{_url_md(item.url)}",
                    "",
                ]
        lines += ["### Discussion questions", ""]
        lines += [f"{i}. {q}" for i, q in enumerate(section.questions, 1)] + [""]
    lines += ["## Bibliography", ""]
    for kind, entries in bibliography(pack).items():
        lines += [f"### {kind}", "", *[f"- {entry}" for entry in entries], ""]
    return "\n".join(lines)


def _quote_md(text: str) -> list[str]:
    return [f"> {line}" if line.strip() else ">" for line in text.strip().splitlines()]


def _url_md(url: str) -> str:
    return f", <{url}>" if url else ""


def _anchor(heading: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")


# --- DOCX ----------------------------------------------------------------------------------
def to_docx(pack: Pack, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(docx_bytes(pack))
    return path


def docx_bytes(pack: Pack) -> bytes:
    pack = _xml_safe(pack)
    doc = DocxDocument()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(pack.title, level=0)
    doc.add_paragraph(pack.subtitle, style="Subtitle")
    doc.add_paragraph(
        f"Prepared with Haven on {date.today().isoformat()}. Check every provision against its official source."
    )
    if pack.missing:
        doc.add_paragraph("Missing from this pack:", style="Intense Quote")
        for message in pack.missing:
            doc.add_paragraph(message, style="List Bullet")
    doc.add_page_break()
    doc.add_heading("Contents", level=1)
    for heading in [s.heading for s in pack.sections] + ["Bibliography"]:
        doc.add_paragraph(heading, style="List Number")
    for section in pack.sections:
        doc.add_page_break()
        doc.add_heading(section.heading, level=1)
        if section.provisions:
            doc.add_heading("Key provisions", level=2)
            for item in section.provisions:
                _quote_docx(doc, item)
        if section.cases:
            doc.add_heading("Case studies", level=2)
            for item in section.cases:
                doc.add_heading(item.title, level=3)
                kind = (
                    "Fictional training vignette."
                    if item.instrument_type == "case_study"
                    else "Editorial summary, to be verified against the judgment."
                )
                doc.add_paragraph(kind).runs[0].italic = True
                _quote_docx(doc, item)
        doc.add_heading("Discussion questions", level=2)
        for question in section.questions:
            doc.add_paragraph(question, style="List Number 2")
    doc.add_page_break()
    doc.add_heading("Bibliography", level=1)
    for kind, entries in bibliography(pack).items():
        doc.add_heading(kind, level=2)
        for entry in entries:
            paragraph = doc.add_paragraph(style="List Bullet")
            name, rest = _case_name(entry) if kind == "Cases" else (entry, "")
            paragraph.add_run(name).italic = kind == "Cases"  # OSCOLA italicises case names
            paragraph.add_run(rest)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# Characters XML 1.0 cannot hold (C0 controls but tab, newline, return; lone surrogates; U+FFFE/F).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(pack: Pack) -> Pack:
    """The pack with every character a DOCX (XML) cannot hold removed; Markdown keeps them."""

    def clean(value: object) -> object:
        if isinstance(value, str):
            return _NOT_IN_XML.sub("", value)
        if isinstance(value, list):
            return [clean(item) for item in value]
        if is_dataclass(value):
            return replace(value, **{f.name: clean(getattr(value, f.name)) for f in fields(value)})
        return value

    return clean(pack)  # type: ignore[return-value]


def _quote_docx(doc: DocxDocument, item: Quoted) -> None:
    for paragraph in [p for p in item.text.strip().split("\n\n") if p.strip()]:
        doc.add_paragraph(" ".join(paragraph.split()), style="Quote")
    cited = doc.add_paragraph()
    cited.add_run(f"— {item.citation}").bold = True
    if item.url:
        cited.add_run(f", {item.url}")
    if item.note:
        doc.add_paragraph(f"Note: {item.note}").runs[0].italic = True


def _case_name(entry: str) -> tuple[str, str]:
    """("Rantsev v Cyprus and Russia", " App no 25965/04 (ECtHR, 7 January 2010)")."""
    match = re.match(r"^(.*?)( App nos? .*| \[\d{4}\].*)$", entry)
    return (match.group(1), match.group(2)) if match else (entry, "")
