"""The fixed words around an answer's quotes in the question's language (corpus/answer_phrases.toml)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from kb.countries import common_name, local_name
from kb.jurisdictions import load_jurisdictions

PHRASES_FILE = Path(__file__).resolve().parent.parent / "corpus" / "answer_phrases.toml"


@lru_cache
def _all(path: Path = PHRASES_FILE) -> dict[str, dict]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def phrases(language: str) -> dict:
    """The phrases in `language`, English where it has none."""
    data = _all()
    return {**data["en"], **data.get(language, {})}


def jurisdiction_name(code: str, language: str) -> str:
    """ "Alemania" for DE in Spanish; the bodies as the phrases name them; else Haven's English name."""
    body = phrases(language)["bodies"].get(code)
    if body:
        return body
    local = local_name(code, language) if len(code) == 2 and language != "en" else None
    if local:
        return local
    known = load_jurisdictions().by_code.get(code)
    return known.name if known else common_name(code) or code
