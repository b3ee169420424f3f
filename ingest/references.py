"""Cross-references in a provision's text: "subsection (b)", "section 7105(c)(3)", "paragraph VTS 3.1",
"Article 4", "§ 59 Abs. 7", "sections 232 to 233a of the Criminal Code", "section 101(a)(15)(T) of the
Immigration and Nationality Act", "Directive 2004/81/EC", "article 27 of the Convention".

Each becomes a Reference to the cited instrument (by the name Haven cites it by) and designator, in
the form of the passages' own citation labels, so that it resolves like a typed citation. A
reference to an instrument Haven has no name for ("section 12 of the Federal Training Assistance
Act") is left out rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.national import NATIONAL_STYLES
from kb.references import ReferenceData, in_range, label, reference_data

_KEY = (
    r"(?P<key>§§?|\b(?:[Ss]ub)?[Ss]ections?\b|\bss?\.|\b[Aa]rticles?\b|\b[Aa]rts?\.|\b(?:[Ss]ub)?[Pp]aragraphs?\b"
    r"|\b(?:[Ss]ub)?[Cc]lauses?\b|\b[Rr]ules?\b)"
)
_PARTS = r"(?:\s?\([0-9a-zA-Z.]{1,6}\))*"
# German "§ 60 Absatz 5 Satz 1 Nummer 2": the Absatz is a subsection; Satz and Nummer are not cited.
_GERMAN_PARTS = r"(?:\s+(?:Abs\.|Absatz)\s*\d+[a-z]?)?(?:\s+(?:Satz|Nummer|Nr\.|Buchstabe)\s*\w{1,3}\b)*"
_ITEM = (
    rf"(?:(?:[A-Z]{{2,5}} )?\d+[a-zA-Z]{{0,2}}(?:\.\d+)*(?![\w/]){_PARTS}{_GERMAN_PARTS}"
    rf"|(?:\([0-9a-zA-Z]{{1,6}}\))+)"
)
_SEP = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|to|through|bis|und)\s+|\s*[-–]\s*)"
_TARGET = (
    r"(?:\s+(?:inclusive\s+)?(?:(?:of|in|under)\s+(?:the\s+)?|(?P<genitive>de[rs])\s+)"
    r"(?P<target>this\s+[a-zA-Z]+|[Aa]rticle\s+\d+[a-z]?|title\s+\d+|[A-ZÄÖÜ][^,.;:()\[\]]{2,90})"
    r"|\s+dieses\s+Gesetzes)?"
)
# What a German "des ..."/"der ..." after a reference names when it names a law ("des Asylgesetzes",
# "der Strafprozessordnung", "des Zweiten Buches Sozialgesetzbuch"), not a person or body ("der Ausländerbehörde").
_GERMAN_LAW = re.compile(r"^(?:\S+\s+){0,3}\S*(?:[Gg]esetz|[Oo]rdnung|Buch|[Aa]bkommen|[Üü]bereinkommen|[Rr]ichtlinie)")
_REFERENCE = re.compile(rf"{_KEY}\s*(?P<items>{_ITEM}(?:{_SEP}{_ITEM})*){_TARGET}")
_ITEMS = re.compile(rf"(?P<sep>{_SEP})?(?P<item>{_ITEM})")
_EU_ACT = re.compile(
    r"\b(Directive|Regulation|Decision)\s+(?:\((?:EU|EC|EEC)\)\s+)?(?:No\.?\s+)?(\d{2,4}/\d{1,4}(?:/E[UC]+)?)"
)
_RANGE = re.compile(r"to|through|bis|[-–]")
_SECTION = re.compile(r"^(?:[A-Z]{2,5} )?\d+[a-zA-Z]{0,2}(?:\.\d+)*")
_PARTS_OF = re.compile(r"\(([^)]+)\)")
# Words after "this" that name the citing instrument itself, or a part of it.
_OWN = {"act", "title", "chapter", "subchapter", "part", "convention", "protocol", "appendix", "code", "division"}
# How many of the citing unit's levels a US Code reference keeps: "paragraph (2)" in § 1255(l)(1) is
# § 1255(l)(2), "subparagraph (C)" in § 7105(c)(3) is § 7105(c)(3)(C).
_US_DEPTH = {"paragraph": 1, "subparagraph": 2, "clause": 3, "subclause": 4}
_OWN_UNIT = {"article", "section", "subsection", "paragraph", "regulation", "rule"}  # "paragraph 1 of this article"


@dataclass(frozen=True)
class Reference:
    instrument: str  # the cited instrument's cite-as name
    designator: str  # "25(4a)", "1101(a)(15)(T)"; "" for the whole instrument
    last: str = ""  # the last section of a range ("233a" in "sections 232 to 233a")

    def label(self, style: str) -> str:
        return label(self.instrument, self.designator, style)


@dataclass(frozen=True)
class Citing:
    """Where a text stands: its instrument and the unit of it the text is (for "subsection (b)")."""

    cite_as: str
    style: str  # "treaty", "usc", "statute", "rules"
    jurisdiction: str
    document_id: str
    unit: str  # the citing provision and pinpoint: "1255(l)", "7105(c)(3)", "25(4a)", "7"


def find_references(text: str, citing: Citing, data: ReferenceData | None = None) -> list[Reference]:
    """The references a provision's text makes, in order of appearance, each once."""
    data = data or reference_data()
    found: list[Reference] = []
    for match in _REFERENCE.finditer(text):
        found += _resolve(match, citing, data)
    found += [Reference(f"{kind} {number}", "") for kind, number in _EU_ACT.findall(text)]
    return list(dict.fromkeys(found))


def _resolve(match: re.Match[str], citing: Citing, data: ReferenceData) -> list[Reference]:
    key = match["key"].lower().rstrip("s.§") or "section"
    target = (match["target"] or "").strip()
    if match["genitive"] and not _GERMAN_LAW.match(target):
        target = ""  # "nach § 25 der Ausländer...": the citing law's own section
    if target.lower().startswith("article "):  # "paragraph 1 of article 5" (a treaty's own article)
        unit, instrument, codes = target.split()[1], citing.cite_as, None
    else:
        resolved = _instrument(target, citing, data)
        if resolved is None:
            return []
        instrument, codes = resolved
        own_unit = target.lower().split()[-1] in _OWN_UNIT if target.lower().startswith("this ") else not target
        unit = citing.unit if instrument == citing.cite_as and own_unit else ""
    style = data.styles.get(instrument, citing.style)
    if not _keyword_fits(key, style):
        return []
    references: list[Reference] = []
    previous = ""
    items = list(_ITEMS.finditer(match["items"]))
    # "subsections (b) and (c)" are both units of the citing provision; "section 25 (4a) and (4b)" of s 25.
    relative = items[0]["item"].startswith("(")
    for item in items:
        designator = _designator(item["item"], "" if relative else previous, key, style, unit)
        if not designator:
            continue
        if instrument.startswith("Immigration Rules") and " " in designator:  # "VTS 3.1": Appendix VTS
            instrument = re.sub(r"Appendix \S+$", f"Appendix {designator.split()[0]}", instrument)
        if codes is not None:
            section = _section(designator)
            if not codes[1].get(section):
                continue
            designator = codes[1][section] + designator[len(section) :]
        ranged = item["sep"] and _RANGE.fullmatch(item["sep"].strip()) and references
        if ranged and _is_section(previous) and _is_section(designator):
            references[-1] = Reference(codes[0] if codes else instrument, references[-1].designator, designator)
        else:
            references.append(Reference(codes[0] if codes else instrument, designator))
        previous = designator
    return references


def _instrument(
    target: str, citing: Citing, data: ReferenceData
) -> tuple[str, tuple[str, dict[str, str]] | None] | None:
    """(cite-as name, codification or None) of what "of <target>" names; None when Haven has no name for it."""
    if not target:
        return citing.cite_as, None
    lowered = target.lower()
    if lowered.startswith("this "):
        return (citing.cite_as, None) if lowered.split()[1] in _OWN | _OWN_UNIT else None
    if lowered.startswith("title ") and citing.style == "usc":
        return f"{target.split()[1]} U.S.C.", None
    names = data.names_for(citing.jurisdiction, citing.document_id)
    for name in sorted(names, key=len, reverse=True):
        if lowered == name.lower() or lowered.startswith(name.lower() + " ") or lowered.startswith(name.lower() + " ("):
            cite_as = names[name]
            return (cite_as, data.codified[cite_as]) if cite_as in data.codified else (cite_as, None)
    return None


def _keyword_fits(key: str, style: str) -> bool:
    """A keyword that is no unit of the cited instrument's style is prose ("Article 16a of the Basic
    Law" in a statute names no article of it); "paragraph" and "subsection" are units everywhere."""
    if key in {"article", "art"}:
        return style == "treaty"
    if key in {"section", "subsection"} and style == "treaty":
        return False
    if key == "rule":
        return style == "rules"
    return True


def _designator(item: str, previous: str, key: str, style: str, unit: str) -> str:
    """The designator an item of a reference stands for, in label form ("25(4a)")."""
    item = re.sub(r"\s+(?:Satz|Nummer|Nr\.|Buchstabe)\s*\w+", "", item)
    item = re.sub(r"\s+(?:Abs\.|Absatz)\s*(\w+)", r"(\1)", item)  # § 59 Abs. 7 -> 59(7)
    item = re.sub(r"\s+(?=\()", "", item.strip())
    if not item.startswith("("):
        if style == "treaty" and key in {"paragraph", "subparagraph"} and unit:
            number = _section(item)
            return f"{_section(unit) or unit}({number}){item[len(number) :]}"  # "paragraph 2 (b)": of this article
        return item
    parts = _PARTS_OF.findall(item)
    if previous:  # "section 25 (4a) and (4b)": the same section, another of its subsections
        base_parts = _PARTS_OF.findall(previous)
        keep = base_parts[: max(len(base_parts) - len(parts), 0)]
        return (_section(previous) or previous) + "".join(f"({p})" for p in keep + parts)
    section = _section(unit)
    if not section:
        return ""
    own_parts = _PARTS_OF.findall(unit)
    # "paragraph (2)" in the US Code is a paragraph of the citing subsection; "subsection (b)" of its section.
    depth = _US_DEPTH.get(key, 0) if style == "usc" else 0
    return section + "".join(f"({p})" for p in own_parts[:depth] + parts)


def _section(designator: str) -> str:
    """The section number a designator starts with ("25" of "25(4a)", "VTS 3.1"); "" when none."""
    match = _SECTION.match(designator)
    return match[0] if match else ""


def _is_section(designator: str) -> bool:
    return bool(_SECTION.fullmatch(designator))


def cited_labels(
    references: list[Reference], citing: Citing, own_sections: list[str], data: ReferenceData | None = None
) -> list[str]:
    """The citation labels of what the references point to; a range of sections becomes each section
    of it that the citing document or the curated provisions hold (else its first and last). A
    reference to its own instrument that a whole instrument does not hold is left out: it is a
    reference inside quoted amending text ("section 17A" inserted into another Act) or to "the
    Convention ... thereof", and would link to a provision of the wrong instrument."""
    data = data or reference_data()
    # Whether a section number missing from own_sections is missing from the instrument itself.
    whole = bool(own_sections) and citing.document_id not in data.excerpts
    labels: list[str] = []
    for reference in references:
        own = reference.instrument == citing.cite_as
        style = citing.style if own else data.styles.get(reference.instrument, "statute")
        if style == "statute" and citing.style in NATIONAL_STYLES:  # a German text cites "§ 30 Abs. 3 AsylG"
            style = citing.style
        if not reference.last:
            if not (own and whole and _section(reference.designator) not in own_sections):
                labels.append(reference.label(style))
            continue
        if own:
            known = own_sections
        else:
            known = [label.rsplit(" ", 1)[-1] for label in data.outside if label.startswith(f"{reference.instrument},")]
        inside = [number for number in known if in_range(number, reference.designator, reference.last)]
        ends = [reference.designator, reference.last]
        for number in inside or [end for end in ends if not (own and whole) or _section(end) in own_sections]:
            labels.append(Reference(reference.instrument, number).label(style))
    return list(dict.fromkeys(labels))
