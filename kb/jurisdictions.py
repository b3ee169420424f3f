"""Jurisdiction scope: which documents speak for a state, and which jurisdictions a query names.

Read from corpus/jurisdictions.toml: a state's scope is its own law plus the international and
regional instruments it is bound by (with the source of each fact in that file).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kb.countries import name_pattern, translated_names

JURISDICTIONS_FILE = Path(__file__).resolve().parent.parent / "corpus" / "jurisdictions.toml"
LAYERS = ("international", "regional", "national")


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    layer: str
    names: tuple[str, ...] = ()
    member_of: tuple[str, ...] = ()
    official_languages: tuple[str, ...] = ()  # whose texts of its law are authentic (ISO 639-1)
    # Its names in the languages questions come in (the file's and kb.countries.translated_names),
    # matched as written.
    local_names: tuple[str, ...] = ()
    # A body that legislates (the EU): its own instruments are its law, as a state's are; the
    # treaties made in other bodies bind it only where it is recorded as a party.
    legislates: bool = False


@dataclass(frozen=True)
class Jurisdictions:
    by_code: dict[str, Jurisdiction]
    parties: dict[str, frozenset[str]] = field(default_factory=dict)  # treaty document id -> bound states
    not_bound: dict[str, frozenset[str]] = field(default_factory=dict)  # instrument -> member states opted out
    members: dict[str, frozenset[str]] = field(default_factory=dict)  # regional body -> its member states now

    def languages(self, code: str) -> tuple[str, ...]:
        known = self.by_code.get(code)
        return known.official_languages if known else ()

    def layer(self, code: str) -> str:
        known = self.by_code.get(code)
        return known.layer if known else "national"

    def treaty_body(self, code: str) -> bool:
        """An international or regional body whose law is the treaties made in it (the UN, the
        Council of Europe), not one that legislates (the EU)."""
        known = self.by_code.get(code)
        return known is not None and known.layer != "national" and not known.legislates

    def binds(self, document_id: str, document_jurisdiction: str, state: str) -> bool:
        """Whether a document is part of a state's law: its own, or a treaty it is bound by."""
        if document_jurisdiction == state:
            return True
        if document_id in self.parties:
            return state in self.parties[document_id]
        known = self.by_code.get(state)
        # An instrument of a body the state belongs to, with parties not recorded: kept, not dropped.
        return known is not None and document_jurisdiction in known.member_of

    def bodies_of(self, state: str) -> list[str]:
        """The international and regional bodies whose instruments may bind a state this file does
        not describe: the UN's (open to every state), and those of the regional bodies it belongs to."""
        return [
            code
            for code, body in self.by_code.items()
            if body.layer != "national" and (state in self.members[code] if code in self.members else code == "UN")
        ]

    def named_in(self, query: str) -> set[str]:
        """The jurisdictions a query names ("in Germany", "the Home Office", "the UN protocol")."""
        return {
            code
            for code, jurisdiction in self.by_code.items()
            if any(_mentions(query, name) for name in jurisdiction.names)
            or any(name_pattern(name).search(query) for name in jurisdiction.local_names)
        }


def _mentions(query: str, name: str) -> bool:
    return _name_pattern(name).search(query) is not None


@lru_cache(maxsize=1024)
def _name_pattern(name: str) -> re.Pattern[str]:
    # Short all-capital names ("UN", "US", "EU") must be written so: "us" and "un" are words too.
    flags = 0 if name.isupper() and len(name) <= 3 else re.IGNORECASE
    return re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w])", flags)


@lru_cache
def load_jurisdictions(path: Path = JURISDICTIONS_FILE) -> Jurisdictions:
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    shared: dict[str, list[str]] = {}
    for entry in data.get("shared_names", []):
        for code in entry["codes"]:
            shared.setdefault(code, []).extend(entry["local_names"])
    by_code = {
        code: Jurisdiction(
            code,
            entry["name"],
            entry.get("layer", "national"),
            tuple(entry.get("names", [])),
            tuple(entry.get("member_of", [])),
            tuple(entry.get("languages", [])),
            tuple(
                dict.fromkeys(
                    [
                        *entry.get("local_names", []),
                        *shared.get(code, []),
                        *(translated_names(code) if len(code) == 2 else []),
                    ]
                )
            ),
            entry.get("legislates", False),
        )
        for code, entry in data.get("jurisdiction", {}).items()
    }
    for code, jurisdiction in by_code.items():
        if jurisdiction.layer not in LAYERS:
            raise ValueError(f"{path}: jurisdiction {code} has layer {jurisdiction.layer!r}; use one of {LAYERS}")
    instruments = data.get("instrument", {})
    parties = {doc: frozenset(entry.get("parties", [])) for doc, entry in instruments.items()}
    not_bound = {doc: frozenset(entry["not_bound"]) for doc, entry in instruments.items() if "not_bound" in entry}
    return Jurisdictions(by_code, parties, not_bound, _members(data.get("jurisdiction", {})))


def _members(entries: dict) -> dict[str, frozenset[str]]:
    """Each regional body's member states today: listed, or joined (accessions) and not left."""
    members = {}
    for code, entry in entries.items():
        joined = {state for states in entry.get("accessions", {}).values() for state in states}
        if "members" in entry or joined:
            members[code] = frozenset(entry.get("members", [])) | (joined - set(entry.get("left", {})))
    return members
