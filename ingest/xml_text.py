"""What every legislation XML reader shares: a safe parser, text flattening, and the normalised text."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ingest.structure import Block, Provision

# Parsed without entity expansion or network access: a hostile file cannot pull in other files.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


class XmlFormatError(Exception):
    pass


@dataclass
class XmlDocument:
    blocks: list[Block]
    provisions: list[Provision]
    title: str
    # Metadata the markup states (jurisdiction, instrument_type, style, cite_as, url); a manifest
    # entry or the user's options take precedence.
    hints: dict[str, str] = field(default_factory=dict)


def local(tag: object) -> str:
    """An element's name without its namespace ("" for comments and processing instructions)."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def clean(text: str) -> str:
    return " ".join(text.split())


class TextBuilder:
    """Keeps the document's normalised text as blocks joined by blank lines, with offsets."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.offset = 0

    def add(self, category: str, text: str) -> tuple[int, int, str]:
        start = self.offset
        self.blocks.append(Block(category, text))
        self.offset = start + len(text) + 2
        return start, start + len(text), text
