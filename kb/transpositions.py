"""Transposition links: which national provision implements which article of an EU directive, each
with what it stands on and where to check it (corpus/transpositions.toml). Read both ways: beside a
directive's article, "implemented in"; beside a national provision, "implements"."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kb.model import cites_overlap

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BASES = ("national text", "subject")


@dataclass(frozen=True)
class Transposition:
    relation: str  # "implements" (seen from the national provision) or "implemented in" (from the directive)
    citation: str  # the provision at the other end
    about: str
    basis: str
    source: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Link:
    directive: str
    national: tuple[str, ...]
    about: str
    basis: str
    source: str
    jurisdiction: str = ""  # the state whose provisions `national` names
    topics: tuple[str, ...] = ()  # the compare matrix's rows it belongs to


@lru_cache
def load_links(corpus: Path = CORPUS) -> tuple[Link, ...]:
    path = corpus / "transpositions.toml"
    if not path.exists():
        return ()
    links = []
    for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("link", []):
        if not all(entry.get(key) for key in ("national", "source", "jurisdiction")) or entry.get("basis") not in BASES:
            raise ValueError(
                f"{path}: each link needs national provisions, their jurisdiction, a basis in {BASES} "
                f"and a source: {entry}"
            )
        links.append(
            Link(
                entry["directive"],
                tuple(entry["national"]),
                entry["about"],
                entry["basis"],
                entry["source"],
                entry["jurisdiction"],
                tuple(entry.get("topics", [])),
            )
        )
    return tuple(links)


def transpositions(citation: str) -> list[Transposition]:
    """The links a provision takes part in: what it implements, or where it is implemented."""
    found: dict[tuple[str, str], Transposition] = {}
    for link in load_links():
        if cites_overlap(citation, link.directive):
            for national in link.national:
                found.setdefault(
                    ("implemented in", national),
                    Transposition("implemented in", national, link.about, link.basis, link.source),
                )
        elif any(cites_overlap(citation, national) for national in link.national):
            found.setdefault(
                ("implements", link.directive),
                Transposition("implements", link.directive, link.about, link.basis, link.source),
            )
    return list(found.values())
