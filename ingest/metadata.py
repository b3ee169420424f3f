"""Document metadata: from a MANIFEST.json beside the files, options, or the text itself."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry
from slugify import slugify as ascii_slug

from ingest.load import LoadedFile
from ingest.structure import is_numbered_heading
from kb.model import INSTRUMENT_TYPES, JURISDICTION_NAMES
from kb.national import NATIONAL_STYLES

INSTRUMENTS_FILE = Path(__file__).resolve().parent.parent / "corpus" / "instruments.toml"
CITATION_STYLES = ("treaty", "usc", "statute", "rules")
# python-slugify would spell "§" as "ss" ("§ 25" -> "ss-25"); like ids before it, it is dropped.
SLUG_REPLACEMENTS = [["§", " "]]


@dataclass
class DocumentInfo:
    id: str
    title: str
    short_title: str
    jurisdiction: str
    instrument_type: str
    cite_as: str
    style: str
    url: str = ""
    date: str = ""
    aliases: tuple[str, ...] = ()  # other names users type in citations ("Residence Act")
    language: str = ""  # the manifest's word for a text in one language; "" where passages are detected


@dataclass
class Overrides:
    """What the user said on the command line; it wins over everything else."""

    jurisdiction: str | None = None
    instrument_type: str | None = None
    title: str | None = None


class ManifestError(Exception):
    pass


@lru_cache
def read_manifest(directory: Path) -> dict[str, dict]:
    """Manifest entries of a directory, keyed by file name ({} when there is no manifest)."""
    path = directory / "MANIFEST.json"
    if not path.exists():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ManifestError(f"{path}: {error}") from error
    if isinstance(entries, dict):
        entries = entries.get("documents", [])
    return {entry["file"]: entry for entry in entries if isinstance(entry, dict) and "file" in entry}


@lru_cache
def citation_names() -> dict[str, dict]:
    return tomllib.loads(INSTRUMENTS_FILE.read_text(encoding="utf-8")) if INSTRUMENTS_FILE.exists() else {}


def slugify(text: str) -> str:
    """A document id from a file name: ASCII, lower case, words joined by "-". Letters of other
    scripts are transliterated ("Übersetzung" -> "ubersetzung", "закон" -> "zakon")."""
    return ascii_slug(text, replacements=SLUG_REPLACEMENTS) or "document"


_JURISDICTION_HINTS = (
    ("US", re.compile(r"U\.S\.C\.|United States Code|Attorney General|Secretary of Homeland Security")),
    ("GB", re.compile(r"Immigration Rules|United Kingdom|Secretary of State for the Home Department")),
    ("DE", re.compile(r"Federal Republic of Germany|Bundes|AufenthG")),
    ("CA", re.compile(r"\bCanada\b|Her Majesty|His Majesty")),
    ("COE", re.compile(r"Council of Europe")),
    ("EU", re.compile(r"European Union|European Parliament")),
    ("ILO", re.compile(r"International Labour")),
    ("UN", re.compile(r"United Nations")),
)


def infer_jurisdiction(text: str) -> str:
    counts = {code: len(pattern.findall(text)) for code, pattern in _JURISDICTION_HINTS}
    best = max(counts, key=lambda code: counts[code])
    return best if counts[best] else "unknown"


def infer_instrument_type(text: str) -> str:
    head = text[:3000].lower()
    if re.search(r"\b(convention|protocol|treaty|covenant)\b", head) and "high contracting parties" in text.lower():
        return "treaty"
    if re.search(r"\b(convention|protocol)\b", head) and re.search(r"\barticle\s+\d", head):
        return "treaty"
    if re.search(r"\b(regulations?|rules)\b", head):
        return "regulation"
    return "statute"


def is_jurisdiction(code: str) -> bool:
    """A state's ISO 3166-1 alpha-2 code ("FR"; not "XX" nor "UK") or an international body (UN, COE, EU, ILO)."""
    return code in JURISDICTION_NAMES or pycountry.countries.get(alpha_2=code) is not None


def document_info(loaded: LoadedFile, overrides: Overrides) -> DocumentInfo:
    entry = read_manifest(loaded.path.parent).get(loaded.path.name, {})
    text = "\n".join(block.text for block in loaded.blocks)
    titles = (b.text for b in loaded.blocks if b.category == "Title" and not is_numbered_heading(b.text))
    first_title = next(titles, loaded.path.stem)
    title = overrides.title or entry.get("title") or loaded.front_matter.get("title") or loaded.title or first_title
    doc_id = entry.get("id") or slugify(f"{loaded.path.stem}")
    hints = loaded.hints
    jurisdiction = (
        overrides.jurisdiction or entry.get("jurisdiction") or hints.get("jurisdiction") or infer_jurisdiction(text)
    ).upper()
    if jurisdiction != "UNKNOWN" and not is_jurisdiction(jurisdiction):
        raise ManifestError(f"unknown jurisdiction {jurisdiction!r}: use an ISO 3166-1 code or one of UN, COE, EU, ILO")
    instrument_type = (
        overrides.instrument_type
        or entry.get("instrument_type")
        or hints.get("instrument_type")
        or infer_instrument_type(text)
    )
    if instrument_type not in INSTRUMENT_TYPES:
        raise ManifestError(f"unknown instrument type {instrument_type!r}; known: {', '.join(INSTRUMENT_TYPES)}")
    naming = citation_names().get(doc_id, {})
    language = entry.get("language", "")
    style = naming.get("style") or hints.get("style") or _default_style(jurisdiction, instrument_type, language)
    short_title = entry.get("short_title") or title
    cite_as = naming.get("cite_as") or hints.get("cite_as") or re.sub(r"\s*\([^)]*\)\s*$", "", short_title)
    return DocumentInfo(
        id=doc_id,
        title=title,
        short_title=short_title,
        jurisdiction=jurisdiction.lower() if jurisdiction == "UNKNOWN" else jurisdiction,
        instrument_type=instrument_type,
        cite_as=cite_as,
        style=style,
        url=entry.get("official_url") or loaded.front_matter.get("url", "") or hints.get("url", ""),
        date=entry.get("date", ""),
        aliases=tuple(dict.fromkeys([*naming.get("aliases", []), title])),
        language=language,
    )


def _default_style(jurisdiction: str, instrument_type: str, language: str = "") -> str:
    if instrument_type in ("case", "case_study"):
        return "case"
    if instrument_type in ("treaty", "directive"):
        return "treaty"
    if language in NATIONAL_STYLES and instrument_type in ("statute", "regulation"):
        return language  # German law in German: "§ 2 Abs. 1 MusterG"; Dutch: "art. 3 lid 1 ..."
    if jurisdiction == "US" and instrument_type == "statute":
        return "usc"
    return "statute"


def manifest_id(path: Path) -> str | None:
    return read_manifest(path.parent).get(path.name, {}).get("id")


def source_fingerprint(path: Path, data: bytes, overrides: Overrides, version: str) -> str:
    """A hash of everything the passages of a file depend on: its bytes, manifest entry,
    citation naming, the user's overrides and the pipeline version."""
    entry = read_manifest(path.parent).get(path.name, {})
    naming = citation_names().get(entry.get("id", ""), {})
    digest = hashlib.sha256(data)
    for part in (entry, naming, vars(overrides), version):
        digest.update(json.dumps(part, sort_keys=True).encode())
    return digest.hexdigest()[:32]
