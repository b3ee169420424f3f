"""Lay words to statutory terms (corpus/thesaurus.toml): what a question in a client's or adviser's
words also searches for."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

THESAURUS_FILE = Path(__file__).resolve().parent.parent / "corpus" / "thesaurus.toml"


@dataclass(frozen=True)
class Term:
    says: tuple[str, ...]
    means: tuple[str, ...]
    jurisdictions: frozenset[str]
    pattern: re.Pattern[str]


@lru_cache
def load_thesaurus(path: Path = THESAURUS_FILE) -> tuple[Term, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    terms = []
    for entry in data.get("term", []):
        says = tuple(entry["says"])
        words = "|".join(re.escape(s) for s in sorted(says, key=len, reverse=True))
        pattern = re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)
        terms.append(Term(says, tuple(entry["means"]), frozenset(entry.get("jurisdictions", [])), pattern))
    return tuple(terms)


def expansions(query: str, jurisdictions: list[str] | None = None) -> list[str]:
    """The statutory terms the query's lay words stand for, in the thesaurus's order, without those
    the query already uses; a term limited to some jurisdictions applies unless the search is
    filtered to others."""
    asked = set(jurisdictions or [])
    lowered = query.lower()
    found: list[str] = []
    for term in load_thesaurus():
        if term.jurisdictions and asked and not term.jurisdictions & asked:
            continue
        if term.pattern.search(query):
            found += [m for m in term.means if m.lower() not in lowered and m not in found]
    return found
