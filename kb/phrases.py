"""The fixed words around an answer's quotes in the question's language (corpus/answer_phrases.toml)."""

from __future__ import annotations

import gettext
import tomllib
from functools import lru_cache
from pathlib import Path

import pycountry

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
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is not None and language != "en":
        try:
            translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
            return translation.gettext(getattr(country, "common_name", None) or country.name)
        except OSError:
            pass
    known = load_jurisdictions().by_code.get(code)
    return known.name if known else code
