"""Passages: one provision per passage, long provisions split at their paragraphs, each with its citation."""

from __future__ import annotations

import re
from collections import Counter

from ingest.load import LoadedFile
from ingest.metadata import DocumentInfo
from ingest.structure import Blocks, Provision, split_provisions
from kb.model import Passage, passage_id

# Passages stay inside the embedder's 256-token window (about 1,000 characters of legal English).
MAX_PART_CHARS = 1000


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
    "statute": re.compile(r"^\((\d{1,3}(?:\.\d{1,2})?[a-z]{0,2})\)\s"),  # (4a) As a general rule ... / (3.1)
    "usc": re.compile(r"^\(([a-z]{1,2})\)\s"),  # (a) Whoever ... (in a section without subsection headings)
    "usc-subsection": re.compile(r"^\((\d{1,3})\)\s"),  # (1) If ... (inside subsection (l))
}
_SMALL_INTRO = 300


def _paragraphs(provision: Provision, style: str) -> list[tuple[str, Blocks]]:
    """The provision's blocks grouped by first-level paragraph; "" labels text before the first one."""
    key = "usc-subsection" if style == "usc" and "(" in provision.number else style
    pattern = _PARAGRAPH.get(key)
    groups: list[tuple[str, Blocks]] = [("", [])]
    for block in provision.blocks:
        match = pattern.match(block[2]) if pattern else None
        if match and (key != "usc" or match.group(1) == _next_letter(groups[-1][0])):
            groups.append((match.group(1), [block]))
        else:
            groups[-1][1].append(block)
    groups = [(label, blocks) for label, blocks in groups if blocks]
    # A short lead-in ("For the purposes of this Convention:") belongs with what follows it.
    if len(groups) > 1 and groups[0][0] == "" and _size(groups[0][1]) < _SMALL_INTRO:
        groups[1] = (groups[1][0], groups[0][1] + groups[1][1])
        groups = groups[1:]
    return groups


def _next_letter(label: str) -> str:
    """Subsections run (a), (b), (c): an "(i)" after "(a)" is a clause deeper down, not subsection (i)."""
    return chr(ord(label) + 1) if len(label) == 1 and label.isalpha() else "a"


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


def provision_url(document_url: str, anchor: str) -> str:
    """The address of the provision itself where the source has one, else of its document."""
    if anchor.startswith(("http://", "https://")):
        return anchor
    if anchor and "laws-lois.justice.gc.ca" in document_url and "#" not in document_url:
        # Justice Laws: the consolidated full text, with an id per section ("#s-24").
        return f"{document_url.split('FullText.html')[0].rstrip('/')}/FullText.html#{anchor}"
    return document_url


def build_passages(loaded: LoadedFile, info: DocumentInfo, digest: str) -> list[Passage]:
    provisions = loaded.provisions if loaded.provisions is not None else split_provisions(loaded.blocks, info.style)
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
                id=passage_id(info.id, path, part_index, digest),
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
                url=provision_url(info.url, provision.anchor),
                start=part[0][0],
                end=part[-1][1],
                content_hash=digest,
                passage_count=len(drafts),
                part=part_index,
                page=loaded.page_at(part[0][0]),
                source=str(loaded.path.resolve()),
            )
        )
    return passages
