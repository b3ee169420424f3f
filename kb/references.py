"""What cross-references point to: the names texts give other instruments, Acts codified under other
section numbers, and often-cited provisions outside the corpus (corpus/references.toml,
corpus/codification.toml, corpus/instruments.toml)."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.national import NATIONAL_STYLES, canonical

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@dataclass(frozen=True)
class ReferenceData:
    names: dict[str, dict[str, str]]  # jurisdiction code or document id -> {name in a text: cite-as name}
    styles: dict[str, str]  # cite-as name -> citation style ("treaty", "usc", "statute", "rules")
    codified: dict[str, tuple[str, dict[str, str]]]  # Act -> (the Code's cite-as name, {Act section: Code section})
    outside: dict[str, str]  # citation label of a provision outside the corpus -> its heading
    excerpts: frozenset[str] = frozenset()  # documents holding part of their instrument (a Code's sections)

    def about(self, citation: str) -> str:
        """What an outside provision is about, by its label or the whole provision's; "" when not listed."""
        return self.outside.get(canonical(citation)) or self.outside.get(canonical(provision_label(citation)), "")

    def names_for(self, jurisdiction: str, document_id: str) -> dict[str, str]:
        """The instrument names a document's text may use, the document's own taking precedence."""
        return {**self.names.get(jurisdiction, {}), **self.names.get(document_id, {})}


def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@lru_cache
def reference_data(corpus: Path = CORPUS) -> ReferenceData:
    references = _toml(corpus / "references.toml")
    instruments = _toml(corpus / "instruments.toml")
    styles = {entry["cite_as"]: entry["style"] for entry in instruments.values() if "style" in entry}
    styles.update(references.get("styles", {}))
    codified = {
        act: (entry["code"], dict(entry["sections"])) for act, entry in _toml(corpus / "codification.toml").items()
    }
    excerpts = frozenset(document_id for document_id, entry in instruments.items() if entry.get("excerpt"))
    outside = dict(references.get("provisions", {}))
    return ReferenceData(references.get("names", {}), styles, codified, outside, excerpts)


def references_digest(corpus: Path = CORPUS) -> str:
    """Changes when what references resolve to changes, so that passages are linked anew."""
    digest = hashlib.sha256()
    for name in ("references.toml", "codification.toml", "instruments.toml"):
        path = corpus / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


def label(instrument: str, designator: str, style: str) -> str:
    """A citation label in the form the passages' own labels take (ingest/passages.py cite())."""
    if not designator:
        return instrument
    if style == "usc":
        return f"{instrument} § {designator}"
    if style in NATIONAL_STYLES:
        number, _, pinpoint = designator.partition("(")
        return NATIONAL_STYLES[style](instrument, number, f"({pinpoint}" if pinpoint else "")
    keyword = {"treaty": "art", "rules": "para"}.get(style, "s")
    return f"{instrument}, {keyword} {designator}"


def provision_label(citation: str) -> str:
    """The label of the whole provision a pinpoint sits in: "8 U.S.C. § 1101(a)(15)(T)" -> "8 U.S.C. § 1101",
    "§ 232 Abs. 1 StGB" -> "§ 232 StGB", "art. 3.48 lid 1 onder a Vb 2000" -> "art. 3.48 Vb 2000"."""
    if citation.startswith(("§ ", "art. ")) and canonical(citation) != citation:
        return re.sub(r"\s+(?:Abs\.|lid|Nr\.|onder)\s+\S+", "", citation)
    return re.sub(r"\(.*$", "", citation).rstrip()


_NUMBER_ORDER = re.compile(r"^(\d+(?:\.\d+)*)([a-zA-Z]*)$")


def in_range(designator: str, first: str, last: str) -> bool:
    """Whether a section number lies in a range: "232a" in 232 to 233a (numbers, then their letters),
    "159.3" in 159.2 to 159.7 (Canadian decimal sections)."""
    keys = [_NUMBER_ORDER.match(value) for value in (designator, first, last)]
    if not all(keys):
        return False
    number, low, high = ((tuple(int(n) for n in k[1].split(".")), k[2].lower()) for k in keys if k)
    return low <= number <= high
