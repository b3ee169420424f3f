"""Legislation XML: the provision tree taken from the markup, not from heuristics.

Canada's LIMS XML (Justice Laws: <Statute>/<Regulation>, <Heading level>, <Section>,
<Subsection>, <Paragraph>, ...) is read here. Other schemas (USLM, Akoma Ntoso, CLML) are
recognised by their root and reported as not read yet.
"""

from __future__ import annotations

from lxml import etree

from ingest.structure import Block, Provision

# Parsed without entity expansion or network access: a hostile file cannot pull in other files.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_SKIP = {"HistoricalNote", "MarginalNote", "Footnote", "RelatedOrNotInForce", "Label"}
_NESTED = {"Subsection", "Paragraph", "Subparagraph", "Clause", "Subclause", "Definition", "ContinuedSectionSubsection"}
_KNOWN_ROOTS = {"uslm": "USLM", "akomaNtoso": "Akoma Ntoso", "Legislation": "CLML"}


class XmlFormatError(Exception):
    pass


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _clean(text: str) -> str:
    return " ".join(text.split())


def _text_of(element: etree._Element) -> str:
    """The element's own text with inline markup (references, emphasis, defined terms) flattened,
    leaving out labels, marginal notes, historical notes and nested provisions."""
    parts = [element.text or ""]
    for child in element:
        name = _local(child.tag)
        if name not in _SKIP and name not in _NESTED:
            parts.append(_text_of(child))
        parts.append(child.tail or "")
    return _clean("".join(parts))


def _unit_text(element: etree._Element) -> list[str]:
    """Lines of a subsection (or section) with its paragraphs, each led by its label."""
    label = _clean(element.findtext("Label") or "")
    own = " ".join(_text_of(child) for child in element if _local(child.tag) in ("Text", "Repealed"))
    lines = [f"{label} {own}".strip()] if (label or own) else []
    for child in element:
        if _local(child.tag) in _NESTED:
            lines.extend(_unit_text(child))
    return [line for line in lines if line]


class _TextBuilder:
    """Keeps the document's normalised text as blocks joined by blank lines, with offsets."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.offset = 0

    def add(self, category: str, text: str) -> tuple[int, int, str]:
        start = self.offset
        self.blocks.append(Block(category, text))
        self.offset = start + len(text) + 2
        return start, start + len(text), text


def read_legislation_xml(data: bytes) -> tuple[list[Block], list[Provision], str]:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise XmlFormatError(f"invalid XML: {error}") from error
    name = _local(root.tag)
    if name in _KNOWN_ROOTS:
        raise XmlFormatError(f"{_KNOWN_ROOTS[name]} XML is not read yet (LIMS XML is)")
    if name not in ("Statute", "Regulation"):
        raise XmlFormatError(f"unrecognised XML root <{name}>; Haven reads Canada's LIMS legislation XML")
    return _read_lims(root)


def _read_lims(root: etree._Element) -> tuple[list[Block], list[Provision], str]:
    identification = root.find("Identification")
    title = ""
    if identification is not None:
        title = _clean(identification.findtext("ShortTitle") or identification.findtext("LongTitle") or "")
    builder = _TextBuilder()
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
            heading = _clean(" ".join(element.itertext()))
            groups = [(lvl, label) for lvl, label in groups if lvl < level] + [(level, heading)]
            builder.add("Title", heading)
            continue
        number = _clean(element.findtext("Label") or "")
        if not number:
            continue
        note = _clean(element.findtext("MarginalNote") or "")
        provision = Provision(number, note, [label for _, label in groups], language="en")
        builder.add("Title", f"{number} {note}".strip())
        units = [child for child in element if _local(child.tag) in ("Subsection", "Definition")]
        if units:
            lead = " ".join(_text_of(child) for child in element if _local(child.tag) == "Text")
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
    return builder.blocks, provisions, title
