"""Heading-aware splitting: one provision per passage, long provisions in parts, each with its citation."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.language import clearly_other_language, detect_language
from ingest.load import Block, LoadedFile
from ingest.metadata import DocumentInfo
from kb.model import Passage, passage_id

# Passages stay inside the embedder's 256-token window (about 1,000 characters of legal English).
MAX_PART_CHARS = 1000

_NUM = r"(\d+[a-zA-Z]{0,3}|[IVXLC]+)"
_ARTICLE = re.compile(rf"^(?:Article|ARTICLE|Art\.|Artikel|ARTIKEL)\s+{_NUM}\b\.?\s*[-–—:]?\s*(.*)$")
_USC_SECTION = re.compile(r"^§+\s*(\d+[A-Za-z0-9-]*)\.?\s*(.*)$")
_STATUTE_SECTION = re.compile(r"^(?:Section|Sec\.)\s+(\d+[a-z]{0,3})\b\.?\s*(.*)$")
_DOTTED_SECTION = re.compile(r"^(\d+(?:\.\d+)+)\s+([A-Z].*)$")  # Criminal Code "279.01 Trafficking in persons"
_RULE = re.compile(r"^((?:[A-Z]{2,6}\s+\d+(?:\.\d+)+)|(?:[A-Z]?\d{3}[A-Z]{0,3}))\.?\s+(.*)$")
_BARE_ROMAN = re.compile(r"^[IVXLC]+$")
_USC_SUBSECTION = re.compile(r"^\(([a-z]{1,2}|\d+)\)\s+(.*)$")
_GROUP = re.compile(
    r"^(TITLE|Title|PART|Part|CHAPTER|Chapter|SECTION|Division|DIVISION|Subdivision|HOOFDSTUK|Hoofdstuk|AFDELING|Afdeling|TITEL|Titel|DEEL|Deel)\s+"
    rf"{_NUM}\b\s*[-–—.:]?\s*(.*)$"
)
_GROUP_RANK = {
    "title": 0,
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
    blocks: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, text)
    language: str = ""


def _is_heading_like(block: Block) -> bool:
    return block.category == "Title" or (len(block.text) <= 120 and not block.text.endswith((".", ";", ",", ":")))


def _provision_start(block: Block, style: str, current: Provision | None) -> tuple[str, str] | None:
    """(number, heading) when this block opens a provision, else None."""
    text = block.text
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
    offset = 0
    for block in blocks:
        start, end = offset, offset + len(block.text)
        offset = end + 2  # blocks are joined with a blank line in the normalised text
        text = block.text

        started = _provision_start(block, style, current)
        if started:
            number, heading = started
            current = Provision(number, heading, [label for _, label in groups])
            provisions.append(current)
            pending_group_name = False
            if style == "rules":  # a rule paragraph's number opens its own text
                current.heading = rules_heading
                current.blocks.append((start, end, text))
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


def cite(info: DocumentInfo, provision: Provision, paragraph: str = "") -> str:
    number = provision.number
    if number == "preamble":
        return f"{info.cite_as}, preamble" if info.style == "treaty" else f"{info.cite_as}, introductory text"
    if not number:
        return f"{info.cite_as}, '{provision.heading}'" if provision.heading else info.cite_as
    pinpoint = f"{number}({paragraph})" if paragraph else number
    if info.style == "treaty":
        return f"{info.cite_as}, art {pinpoint}"
    if info.style == "usc":
        return f"{info.cite_as} § {pinpoint}"
    if info.style == "rules":
        return f"{info.cite_as}, para {number}"
    return f"{info.cite_as}, s {pinpoint}"


# The first level of numbered paragraphs inside a provision, by citation style.
_PARAGRAPH = {
    "treaty": re.compile(r"^(\d{1,3})\.\s"),  # 1. Each Party shall ...
    "statute": re.compile(r"^\((\d{1,3}[a-z]{0,2})\)\s"),  # (4a) As a general rule ...
    "usc": re.compile(r"^\(([a-z]{1,2})\)\s"),  # (a) Whoever ... (in a section without subsection headings)
    "usc-subsection": re.compile(r"^\((\d{1,3})\)\s"),  # (1) If ... (inside subsection (l))
}
_SMALL_INTRO = 300

Blocks = list[tuple[int, int, str]]


def _paragraphs(provision: Provision, style: str) -> list[tuple[str, Blocks]]:
    """The provision's blocks grouped by first-level paragraph; "" labels text before the first one."""
    key = "usc-subsection" if style == "usc" and "(" in provision.number else style
    pattern = _PARAGRAPH.get(key)
    groups: list[tuple[str, Blocks]] = [("", [])]
    for block in provision.blocks:
        match = pattern.match(block[2]) if pattern else None
        if match:
            groups.append((match.group(1), [block]))
        else:
            groups[-1][1].append(block)
    groups = [(label, blocks) for label, blocks in groups if blocks]
    # A short lead-in ("For the purposes of this Convention:") belongs with what follows it.
    if len(groups) > 1 and groups[0][0] == "" and _size(groups[0][1]) < _SMALL_INTRO:
        groups[1] = (groups[1][0], groups[0][1] + groups[1][1])
        groups = groups[1:]
    return groups


def _size(blocks: Blocks) -> int:
    return sum(len(text) + 2 for _, _, text in blocks)


def _by_size(blocks: Blocks) -> list[Blocks]:
    chunks: list[Blocks] = [[]]
    for block in blocks:
        if chunks[-1] and _size(chunks[-1]) + len(block[2]) > MAX_PART_CHARS:
            chunks.append([])
        chunks[-1].append(block)
    return chunks


def _parts(provision: Provision, style: str) -> list[tuple[str, Blocks]]:
    """A provision that fits the embedder's window is one passage; a longer one is split at its
    numbered paragraphs (each cited as such), and a paragraph too long for one passage at its blocks."""
    if _size(provision.blocks) <= MAX_PART_CHARS:
        return [("", provision.blocks)]
    return [(label, chunk) for label, blocks in _paragraphs(provision, style) for chunk in _by_size(blocks)]


def build_passages(loaded: LoadedFile, info: DocumentInfo, digest: str) -> list[Passage]:
    provisions = split_provisions(loaded.blocks, info.style)
    occurrences: Counter[str] = Counter()
    drafts = []
    for provision in provisions:
        label = provision.number or provision.heading or "text"
        path = [*provision.groups, label]
        occurrences["/".join(path)] += 1
        if occurrences["/".join(path)] > 1:  # a translation repeats the numbering
            path[-1] = f"{label} #{occurrences['/'.join(path)]}"
        language = provision.language or "en"
        for part_index, (paragraph, part) in enumerate(_parts(provision, info.style)):
            drafts.append((provision, path, paragraph, part_index, part, language))
    passages = []
    for provision, path, paragraph, part_index, part, language in drafts:
        passages.append(
            Passage(
                id=passage_id(info.id, path, part_index),
                document_id=info.id,
                text="\n\n".join(text for _, _, text in part),
                citation=cite(info, provision, paragraph),
                heading=provision.heading,
                provision_path=[*path, f"({paragraph})"] if paragraph else path,
                title=info.title,
                short_title=info.short_title,
                jurisdiction=info.jurisdiction,
                instrument_type=info.instrument_type,
                language=language,
                url=info.url,
                start=part[0][0],
                end=part[-1][1],
                content_hash=digest,
                passage_count=len(drafts),
                part=part_index,
            )
        )
    return passages
