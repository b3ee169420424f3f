"""The provision tree: where provisions start, what they are called, and the groups above them.

For text without legal markup (Markdown, HTML, plain text) the tree is recognised from headings
and numbering; legislation XML readers build Provisions directly from their markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.language import clearly_other_language, detect_language

Blocks = list[tuple[int, int, str]]  # (start, end, text) in the document's normalised text


@dataclass(frozen=True)
class Block:
    category: str  # unstructured's element category: Title, NarrativeText, ListItem, ...
    text: str
    page: int | None = None  # in a PDF


_NUM = r"(\d+[a-zA-Z]{0,3}|[IVXLC]+)"
# Dutch decrees number articles by chapter: "Artikel 3.48".
_ARTICLE = re.compile(
    r"^(?:Article|ARTICLE|Art\.|Artikel|ARTIKEL)\s+(\d+(?:\.\d+)*[a-zA-Z]{0,3}|[IVXLC]+)\b\.?\s*[-–—:]?\s*(.*)$"
)
_USC_SECTION = re.compile(r"^§+\s*(\d+[A-Za-z0-9-]*)\.?\s*(.*)$")
_STATUTE_SECTION = re.compile(r"^(?:Section|Sec\.)\s+(\d+[a-z]{0,3})\b\.?\s*(.*)$")
_DOTTED_SECTION = re.compile(r"^(\d+(?:\.\d+)+)\s+([A-Z].*)$")  # Criminal Code "279.01 Trafficking in persons"
# A rule's number opens its text ("339N. In determining ..."), or stands alone with its text in the
# list items after it ("339O" then "(i) The Secretary of State will not: ...").
_RULE = re.compile(r"^((?:[A-Z]{2,6}\s+\d+(?:\.\d+)+)|(?:[A-Z]?\d{3}[A-Z]{0,3}))\.?(?:\s+(.*))?$")
_BARE_ROMAN = re.compile(r"^[IVXLC]+$")
# German statutes: "Allgemeiner Teil", "Erster Abschnitt - Das Strafgesetz", "Kapitel 2 - Einreise ...".
_GERMAN_GROUP = re.compile(
    r"^(?:[A-ZÄÖÜ][a-zäöüß]+\s+)?(Buch|Teil|Kapitel|Abschnitt|Unterabschnitt|Titel)\b(?:\s+\d+[a-z]?)?\s*(?:[-–—]\s*.*)?$"
)
_GERMAN_RANK = {"buch": 0, "teil": 1, "kapitel": 2, "abschnitt": 3, "unterabschnitt": 4, "titel": 5}
# legislation.gov.uk renderings put a section's heading first and its number alone after it.
_BARE_SECTION = re.compile(r"^\d+[A-Z]{0,3}$")
# The Dutch Aliens Circular: chapters "B8", paragraphs "3", "3.1" under them, each followed by its heading.
_CIRCULAR_CHAPTER = re.compile(r"^[A-Z]\d+$")
_CIRCULAR_PARAGRAPH = re.compile(r"^\d+(?:\.\d+)*$")
_USC_SUBSECTION = re.compile(r"^\(([a-z]{1,2}|\d+)\)\s+(.*)$")
_GROUP = re.compile(
    r"^(TITLE|Title|SCHEDULE|Schedule|PART|Part|CHAPTER|Chapter|SECTION|Division|DIVISION|Subdivision|HOOFDSTUK|Hoofdstuk|AFDELING|Afdeling|TITEL|Titel|DEEL|Deel)\s+"
    rf"{_NUM}\b\s*[-–—.:]?\s*(.*)$"
)
_GROUP_RANK = {
    "title": 0,
    "schedule": 0,
    "titel": 0,
    "part": 1,
    "deel": 1,
    "chapter": 2,
    "hoofdstuk": 2,
    "section": 3,
    "afdeling": 3,
    "division": 3,
    "subdivision": 4,
}


@dataclass
class Provision:
    number: str  # "13", "1255(l)", "VTS 3.1", "preamble", or "" for an unnumbered heading section
    heading: str
    groups: list[str]
    blocks: Blocks = field(default_factory=list)
    language: str = ""
    # Where the source links the provision itself: an absolute URL, or an id within the document's page.
    anchor: str = ""


def _is_heading_like(block: Block) -> bool:
    # A numbered section's heading may be long ("Section 23 Granting of residence by the supreme Land
    # authorities; admission when special political interests apply; resettling persons seeking protection").
    limit = 300 if _STATUTE_SECTION.match(block.text) else 120
    return block.category == "Title" or (
        len(block.text) <= limit and not block.text.endswith((".", ";", ",", ":", "—"))
    )


def is_numbered_heading(text: str) -> bool:
    """An article, section or group heading ("Article 4", "§ 1255", "Part 2"), not a document title."""
    return any(pattern.match(text) for pattern in (_ARTICLE, _USC_SECTION, _STATUTE_SECTION, _GROUP))


def _provision_start(
    block: Block, style: str, current: Provision | None, last_title: str, groups: list[str]
) -> tuple[str, str] | None:
    """(number, heading) when this block opens a provision, else None. `last_title` is the last
    heading seen that opened nothing, which names a section whose number follows it."""
    text = block.text
    if style == "statute" and block.category == "Title" and _BARE_SECTION.match(text):
        schedule = next((g.split()[1] for g in reversed(groups) if g.startswith("Schedule ")), "")
        return (f"Sch {schedule} para {text}" if schedule else text), last_title
    if style == "circular" and block.category == "Title" and _CIRCULAR_PARAGRAPH.match(text):
        chapter = next((g.split()[0] for g in reversed(groups) if _CIRCULAR_CHAPTER.match(g.split()[0])), "")
        return (f"{chapter}/{text}" if chapter else text), ""
    if style == "rules":
        match = _RULE.match(text)
        if match and not _GROUP.match(text):
            return match.group(1), ""
    if not _is_heading_like(block):
        return None
    for pattern in (_ARTICLE, _USC_SECTION, _STATUTE_SECTION):
        match = pattern.match(text)
        if match:
            return match.group(1), match.group(2).strip(" -–—")
    if block.category == "Title":
        match = _DOTTED_SECTION.match(text)
        if match:
            return match.group(1), match.group(2)
        match = _USC_SUBSECTION.match(text)
        if match and style == "usc" and current and current.number[:1].isdigit():
            # "(l) Adjustment of status ..." under § 1255 is the pinpoint 1255(l).
            section = current.number.split("(")[0]
            return f"{section}({match.group(1)})", match.group(2)
    return None


def split_provisions(blocks: list[Block], style: str) -> list[Provision]:
    provisions: list[Provision] = []
    groups: list[tuple[int, str]] = []
    current: Provision | None = None
    pending_group_name = False
    rules_heading = ""  # in rules, the last unnumbered heading names the paragraphs under it
    titled = False  # in a case digest, the first heading is the case name, the others its sections
    # Headings before numbers (legislation.gov.uk): a heading names the section that follows it.
    heading_first = style == "statute" and any(b.category == "Title" and _BARE_SECTION.match(b.text) for b in blocks)
    last_title = ""
    paragraph = 0  # the last paragraph number of the Schedule being read
    offset = 0
    for block in blocks:
        start, end = offset, offset + len(block.text)
        offset = end + 2  # blocks are joined with a blank line in the normalised text
        text = block.text

        if style == "case" and block.category == "Title":
            if titled:
                current = Provision("", text.strip(" -–—:"), [])
                provisions.append(current)
            titled = True
            continue

        if heading_first and block.category == "Title" and _BARE_SECTION.match(text):
            number = int(re.match(r"\d+", text).group())
            in_schedule = any(label.startswith("Schedule ") for _, label in groups)
            if in_schedule and number > paragraph + 1:  # no paragraph of it: a section inserted later ("50A")
                groups = [(r, label) for r, label in groups if not label.startswith("Schedule ")]
            paragraph = number if in_schedule and number <= paragraph + 1 else 0
        started = _provision_start(block, style, current, last_title, [label for _, label in groups])
        if started:
            number, heading = started
            current = Provision(number, heading, [label for _, label in groups])
            provisions.append(current)
            pending_group_name = False
            if style == "rules":  # a rule paragraph's number opens its own text
                current.heading = rules_heading
                current.blocks.append((start, end, text))
            continue

        if heading_first and block.category == "Title" and text.strip().lower() == "editorial notes":
            # legislation.gov.uk appends the notes, then sections inserted later ("50A"): no Schedule's.
            groups, current = [], None
            continue

        if style == "circular" and block.category == "Title" and _CIRCULAR_CHAPTER.match(text):
            groups, current, pending_group_name = [(0, text)], None, True
            continue

        german = _GERMAN_GROUP.match(text) if style == "de" and block.category == "Title" else None
        if german:
            rank = _GERMAN_RANK[german.group(1).lower()]
            groups = [(r, label) for r, label in groups if r < rank]
            groups.append((rank, text.strip(" -–—")))
            current = None
            continue

        if block.category == "Title" and _BARE_ROMAN.match(text):
            groups = [(r, label) for r, label in groups if r < _GROUP_RANK["chapter"]]
            groups.append((_GROUP_RANK["chapter"], text))
            pending_group_name, current = True, None
            continue

        group = _GROUP.match(text) if _is_heading_like(block) else None
        if group and not (style == "statute" and group.group(1) == "Section"):
            rank = _GROUP_RANK[group.group(1).lower()]
            groups = [(r, label) for r, label in groups if r < rank]
            name = group.group(3).strip(" -–—")
            groups.append((rank, f"{group.group(1).title()} {group.group(2)}" + (f" {name}" if name else "")))
            pending_group_name = not name
            current = None
            continue

        if block.category == "Title" and pending_group_name and groups:
            rank, label = groups[-1]
            groups[-1] = (rank, f"{label} {text}")
            pending_group_name = False
            continue

        if heading_first and block.category == "Title":
            last_title = text.strip(" -–—")
            continue

        if (
            current is not None
            and not current.blocks
            and not current.heading
            and _is_heading_like(block)
            and style != "rules"
        ):
            current.heading = text.strip(" -–—")
            continue

        translated = current is not None and current.language and len(text.split()) >= 4
        if translated and clearly_other_language(text, current.language):
            groups, current = [], None  # a translation follows: its text opens provisions of its own
        if block.category == "Title" and style != "rules" and (current is None or not current.blocks):
            continue  # a document or part title outside any provision
        if style == "rules" and block.category == "Title":
            # An unnumbered heading in a body of rules names the paragraphs that follow.
            rules_heading = text
            current = Provision("", text, [label for _, label in groups])
            provisions.append(current)
            continue
        if current is None:
            current = Provision("preamble", "", [label for _, label in groups])
            provisions.append(current)
        current.blocks.append((start, end, text))
        if not current.language and len(text.split()) >= 6:
            current.language = detect_language(text, default="")
    return [p for p in provisions if p.blocks]
