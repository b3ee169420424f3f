"""Legislation XML: the provision tree taken from the markup, not from heuristics.

The schema is told by the root element: Canada's LIMS XML (Justice Laws: <Statute>/<Regulation>,
<Heading level>, <Section>, <Subsection>, <Paragraph>, ...) is read here; USLM, Akoma Ntoso and
CLML by ingest.xml_schemas.
"""

from __future__ import annotations

from lxml import etree

from ingest.structure import Provision
from ingest.xml_schemas import SCHEMAS, read_schema
from ingest.xml_text import PARSER, TextBuilder, XmlDocument, XmlFormatError, clean, local

_SKIP = {"HistoricalNote", "MarginalNote", "Footnote", "RelatedOrNotInForce", "Label"}
_NESTED = {"Subsection", "Paragraph", "Subparagraph", "Clause", "Subclause", "Definition", "ContinuedSectionSubsection"}


def _text_of(element: etree._Element) -> str:
    """The element's own text with inline markup (references, emphasis, defined terms) flattened,
    leaving out labels, marginal notes, historical notes and nested provisions."""
    parts = [element.text or ""]
    for child in element:
        name = local(child.tag)
        if name not in _SKIP and name not in _NESTED:
            parts.append(_text_of(child))
        parts.append(child.tail or "")
    return clean("".join(parts))


def _unit_text(element: etree._Element) -> list[str]:
    """Lines of a subsection (or section) with its paragraphs, each led by its label."""
    label = clean(element.findtext("Label") or "")
    own = " ".join(_text_of(child) for child in element if local(child.tag) in ("Text", "Repealed"))
    lines = [f"{label} {own}".strip()] if (label or own) else []
    for child in element:
        if local(child.tag) in _NESTED:
            lines.extend(_unit_text(child))
    return [line for line in lines if line]


def read_legislation_xml(data: bytes) -> XmlDocument:
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as error:
        raise XmlFormatError(f"invalid XML: {error}") from error
    name = local(root.tag)
    if name in ("Statute", "Regulation"):
        return _read_lims(root)
    if name in SCHEMAS:
        return read_schema(root, SCHEMAS[name])
    raise XmlFormatError(
        f"unrecognised XML root <{name}>; Haven reads LIMS (Canada), USLM (US Code), Akoma Ntoso and CLML"
    )


def _read_lims(root: etree._Element) -> XmlDocument:
    identification = root.find("Identification")
    title = ""
    if identification is not None:
        title = clean(identification.findtext("ShortTitle") or identification.findtext("LongTitle") or "")
    builder = TextBuilder()
    if title:
        builder.add("Title", title)
    provisions: list[Provision] = []
    groups: list[tuple[int, str]] = []
    body = root.find("Body")
    if body is None:
        raise XmlFormatError("LIMS XML without a <Body>")
    for element in body.iter("Heading", "Section"):
        if element.tag == "Heading":
            level = int(element.get("level") or 1)
            heading = clean(" ".join(element.itertext()))
            groups = [(lvl, label) for lvl, label in groups if lvl < level] + [(level, heading)]
            builder.add("Title", heading)
            continue
        number = clean(element.findtext("Label") or "")
        if not number:
            continue
        note = clean(element.findtext("MarginalNote") or "")
        # Justice Laws' HTML gives each section the id "s-<number>", as the XML numbers it.
        provision = Provision(number, note, [label for _, label in groups], language="en", anchor=f"s-{number}")
        builder.add("Title", f"{number} {note}".strip())
        units = [child for child in element if local(child.tag) in ("Subsection", "Definition")]
        if units:
            lead = " ".join(_text_of(child) for child in element if local(child.tag) == "Text")
            if lead:
                provision.blocks.append(builder.add("NarrativeText", lead))
            for unit in units:
                for line in _unit_text(unit):
                    provision.blocks.append(builder.add("NarrativeText", line))
        else:
            lines = _unit_text(element)
            # The section's own label is its number, already in the citation.
            if lines and lines[0].startswith(number + " "):
                lines[0] = lines[0][len(number) + 1 :]
            for line in lines:
                provision.blocks.append(builder.add("NarrativeText", line))
        # Sections that only say "[Repealed, ...]" or "[Amendments]" carry no law to search.
        if any(not (text.startswith("[") and text.endswith("]")) for _, _, text in provision.blocks):
            provisions.append(provision)
    if not provisions:
        raise XmlFormatError("no sections found in the LIMS XML")
    kind = "regulation" if local(root.tag) == "Regulation" else "statute"
    return XmlDocument(builder.blocks, provisions, title, {"jurisdiction": "CA", "instrument_type": kind})
