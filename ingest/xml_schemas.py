"""USLM (US Code), Akoma Ntoso and CLML (legislation.gov.uk): one reader, each schema described as data.

All three nest numbered units the same way: groups (Part, Chapter, ...) above provisions
(sections, articles), provisions holding numbered sub-units (subsections, paragraphs, points),
each unit with a number element and perhaps a heading. Notes, amendments and metadata are not law
and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ingest.structure import Provision
from ingest.xml_text import TextBuilder, XmlDocument, XmlFormatError, clean, local


@dataclass(frozen=True)
class Schema:
    name: str
    groups: frozenset[str]  # containers named in the provision's hierarchy path
    provisions: frozenset[str]  # one provision each
    nested: frozenset[str]  # numbered units inside a provision: one line each, led by the number
    skip: frozenset[str]  # not law: notes, commentary, metadata, tables of contents
    numbers: frozenset[str]  # the number element(s)
    heading: str  # the heading element
    # USLM: a subsection with a heading of its own is cited and searched as a provision, "1255(l)".
    headed_subsections: bool = False


def _set(*names: str) -> frozenset[str]:
    return frozenset(names)


USLM = Schema(
    "USLM",
    groups=_set("title", "subtitle", "chapter", "subchapter", "part", "subpart", "division", "subdivision"),
    provisions=_set("section"),
    nested=_set("subsection", "paragraph", "subparagraph", "clause", "subclause", "item", "subitem"),
    skip=_set("meta", "notes", "note", "sourceCredit", "toc", "footnote", "ref-footnote"),
    numbers=_set("num"),
    heading="heading",
    headed_subsections=True,
)
AKOMA_NTOSO = Schema(
    "Akoma Ntoso",
    groups=_set("book", "part", "subpart", "title", "subtitle", "chapter", "subchapter", "division"),
    provisions=_set("article", "section", "rule"),
    nested=_set("paragraph", "subparagraph", "point", "indent", "clause", "subclause", "subsection", "item"),
    skip=_set("meta", "authorialNote", "noteRef", "remark", "toc", "componentRef"),
    numbers=_set("num"),
    heading="heading",
)
CLML = Schema(
    "CLML",
    groups=_set("Part", "Chapter", "Pblock", "PsubBlock", "Schedule"),
    provisions=_set("P1group", "P1"),
    nested=_set("P2", "P3", "P4", "P5", "P6"),
    skip=_set("Metadata", "Contents", "Commentaries", "CommentaryRef", "Footnotes", "FootnoteRef", "Reference"),
    numbers=_set("Pnumber", "Number"),
    heading="Title",
)
SCHEMAS = {"uslm": USLM, "lawDoc": USLM, "akomaNtoso": AKOMA_NTOSO, "Legislation": CLML}

_WORD_BEFORE_NUMBER = re.compile(r"^(?:Article|Art\.|Section|Sec\.|§+|Rule|Regulation)\s*", re.I)


def _children(element: etree._Element, names: frozenset[str]) -> list[etree._Element]:
    return [child for child in element if local(child.tag) in names]


def _skipped(element: etree._Element, schema: Schema) -> bool:
    # USLM marks footnote references by class: <ref class="footnoteRef">.
    return local(element.tag) in schema.skip or "footnote" in (element.get("class") or "").lower()


def _flat(element: etree._Element, schema: Schema) -> str:
    """Text of an element with inline markup flattened and skipped elements left out."""
    parts = [element.text or ""]
    for child in element:
        if not _skipped(child, schema):
            parts.append(_flat(child, schema))
        parts.append(child.tail or "")
    return clean("".join(parts))


def _number(element: etree._Element, schema: Schema, as_printed: bool = False) -> str:
    """The unit's number: USLM's value attribute ("501") where there is one, else the printed number."""
    found = _children(element, schema.numbers)
    if not found:
        return ""
    printed = _flat(found[0], schema).strip(" -–—")
    return printed if as_printed else found[0].get("value") or printed


def _heading(element: etree._Element, schema: Schema) -> str:
    found = _children(element, frozenset({schema.heading}))
    return _flat(found[0], schema).strip(" -–—") if found else ""


def _label(number: str) -> str:
    """A sub-unit's number as it leads its line: CLML's bare "1" reads "(1)"; "(a)" and "1." stay."""
    return f"({number})" if number.isalnum() else number


def _has_nested(element: etree._Element, schema: Schema) -> bool:
    return any(local(d.tag) in schema.nested for d in element.iterdescendants())


def _lines(element: etree._Element, schema: Schema) -> list[str]:
    """A provision's text, one line per numbered unit, in reading order (lead-in, units, wrap-up)."""
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = clean(" ".join(buffer))
        if line:
            lines.append(line)
        buffer.clear()

    def visit(node: etree._Element, skip_own: bool) -> None:
        buffer.append(node.text or "")
        for child in node:
            name = local(child.tag)
            if _skipped(child, schema) or (skip_own and (name in schema.numbers or name == schema.heading)):
                pass
            elif name in schema.nested:
                flush()
                buffer.append(_label(_number(child, schema)))
                heading = _heading(child, schema)
                if heading:
                    buffer.append(heading + ".")
                visit(child, skip_own=True)
                flush()
            elif name in schema.provisions:  # CLML's P1 inside its P1group: number already cited
                visit(child, skip_own=True)
            elif _has_nested(child, schema):
                visit(child, skip_own=False)  # a wrapper such as CLML's P1para: its units follow
            else:
                buffer.append(_flat(child, schema))
            buffer.append(child.tail or "")

    visit(element, skip_own=True)
    flush()
    return lines


def _provision_number(element: etree._Element, schema: Schema) -> str:
    if local(element.tag) == "P1group":  # CLML: the heading is the group's, the number its first P1's
        first = _children(element, frozenset({"P1"}))
        return _number(first[0], schema) if first else ""
    return _WORD_BEFORE_NUMBER.sub("", _number(element, schema)).rstrip(".").strip()


def _anchor(element: etree._Element) -> str:
    """CLML states each provision's own address on legislation.gov.uk."""
    if local(element.tag) == "P1group":
        first = [child for child in element if local(child.tag) == "P1"]
        element = first[0] if first else element
    return element.get("DocumentURI") or ""


class _Reader:
    def __init__(self, schema: Schema):
        self.schema = schema
        self.builder = TextBuilder()
        self.provisions: list[Provision] = []

    def walk(self, element: etree._Element, groups: list[str]) -> None:
        schema = self.schema
        for child in element:
            name = local(child.tag)
            if not name or _skipped(child, schema):
                continue
            # An Akoma Ntoso section can hold articles: it is then a group (a CLML P1group holds its P1).
            holds_provisions = name != "P1group" and _children(child, schema.provisions)
            if name == "preamble":
                self.add(Provision("preamble", "", groups), _lines(child, schema))
            elif name in schema.provisions and not holds_provisions:
                self.provision(child, groups)
            elif name in schema.groups or name in schema.provisions:
                label = clean(f"{_number(child, schema, as_printed=True)} {_heading(child, schema)}")
                if label:
                    self.builder.add("Title", label)
                self.walk(child, [*groups, label] if label else groups)
            else:
                self.walk(child, groups)

    def provision(self, element: etree._Element, groups: list[str]) -> None:
        schema = self.schema
        number, heading = _provision_number(element, schema), _heading(element, schema)
        self.builder.add("Title", clean(f"{number} {heading}"))
        subsections = _children(element, frozenset({"subsection"})) if schema.headed_subsections else []
        if any(_heading(sub, schema) for sub in subsections):
            lead = [
                line
                for child in element
                if local(child.tag) in ("chapeau", "content")
                for line in [_flat(child, schema)]
            ]
            self.add(Provision(number, heading, groups, anchor=_anchor(element)), lead)
            for sub in subsections:
                cited = f"{number}{_label(_number(sub, schema))}"
                self.add(Provision(cited, _heading(sub, schema), groups), _lines(sub, schema))
            return
        self.add(Provision(number, heading, groups, anchor=_anchor(element)), _lines(element, schema))

    def add(self, provision: Provision, lines: list[str]) -> None:
        provision.language = "en"
        provision.blocks = [self.builder.add("NarrativeText", line) for line in lines if line]
        if provision.blocks:
            self.provisions.append(provision)


_TREATY_NAMES = {"convention", "treaty", "protocol", "agreement", "covenant", "charter"}


def _metadata(root: etree._Element, schema: Schema) -> tuple[str, dict[str, str]]:
    """The title and what the markup says about the instrument."""

    def first(xpath: str) -> str:
        found = root.xpath(xpath)
        value = found[0] if found else ""
        return clean(value if isinstance(value, str) else "".join(value.itertext()))

    if schema is USLM:
        title = first("//*[local-name()='meta']/*[local-name()='title']")
        number = first("//*[local-name()='meta']/*[local-name()='docNumber']")
        hints = {"jurisdiction": "US", "instrument_type": "statute", "style": "usc"}
        if number:
            hints["cite_as"] = f"{number} U.S.C."
        return title, hints
    if schema is CLML:
        title = first("//*[local-name()='Metadata']/*[local-name()='title']") or first(
            "//*[local-name()='PrimaryPrelims' or local-name()='SecondaryPrelims']/*[local-name()='Title']"
        )
        secondary = bool(root.xpath("//*[local-name()='Secondary']"))
        hints = {"jurisdiction": "GB", "instrument_type": "regulation" if secondary else "statute"}
        hints["style"] = "statute"
        if root.get("DocumentURI"):
            hints["url"] = root.get("DocumentURI")
        return title, hints
    title = first("//*[local-name()='docTitle']") or first(
        "//*[local-name()='FRBRWork']/*[local-name()='FRBRname']/@value"
    )
    country = first("//*[local-name()='FRBRWork']/*[local-name()='FRBRcountry']/@value").upper()
    hints = {"jurisdiction": country} if country else {}
    document = next((child for child in root if local(child.tag) not in ("meta", "")), None)
    if document is not None and local(document.tag) in ("act", "bill"):
        kind = (document.get("name") or "").lower()
        hints["instrument_type"] = "treaty" if kind in _TREATY_NAMES else "statute"
    has_articles = bool(root.xpath("//*[local-name()='article']"))
    hints["style"] = "treaty" if has_articles else "statute"  # cited "art 7(1)", else "s 7(1)"
    return title, hints


def read_schema(root: etree._Element, schema: Schema) -> XmlDocument:
    title, hints = _metadata(root, schema)
    reader = _Reader(schema)
    if title:
        reader.builder.add("Title", title)
    reader.walk(root, [])
    if not reader.provisions:
        raise XmlFormatError(f"no provisions found in the {schema.name} XML")
    return XmlDocument(reader.builder.blocks, reader.provisions, title, hints)
