"""States a question names (ISO 3166 names from pycountry, plus common short forms and adjectives),
to tell when a question is about a state whose law the corpus does not hold."""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

# Short forms and adjectives people write that ISO's names do not cover ("Dutch law", "in Russia").
EXTRA_NAMES = {
    "NL": ["Holland", "Dutch"],
    "FR": ["French"],
    "IT": ["Italian"],
    "ES": ["Spanish"],
    "PT": ["Portuguese"],
    "BE": ["Belgian"],
    "IE": ["Irish"],
    "SE": ["Swedish"],
    "NO": ["Norwegian"],
    "DK": ["Danish"],
    "FI": ["Finnish"],
    "PL": ["Polish"],
    "GR": ["Greek"],
    "AT": ["Austrian"],
    "CH": ["Swiss"],
    "RU": ["Russia", "Russian"],
    "TR": ["Turkey", "Turkish"],
    "CZ": ["Czech Republic"],
    "VN": ["Vietnamese"],
    "CN": ["Chinese"],
    "JP": ["Japanese"],
    "IN": ["Indian"],
    "AU": ["Australian"],
    "NZ": ["New Zealand"],
    "BR": ["Brazilian"],
    "MX": ["Mexican"],
    "NG": ["Nigerian"],
    "PH": ["Filipino", "Philippine"],
    "TH": ["Thai"],
    "CI": ["Ivory Coast"],
    "MK": ["Macedonia"],
    "CV": ["Cape Verde"],
    "SZ": ["Swaziland"],
}


@lru_cache
def _names() -> dict[str, str]:
    """Name as written -> the state's common name."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        common = getattr(country, "common_name", None) or country.name
        for name in (country.name, common, getattr(country, "official_name", None)):
            if name and "," not in name and "(" not in name:
                names[name] = common
        for extra in EXTRA_NAMES.get(country.alpha_2, []):
            names[extra] = common
        names[country.alpha_2] = common  # kept only for the codes a caller excludes (below)
    return names


@lru_cache
def _codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        common = getattr(country, "common_name", None) or country.name
        codes[common] = country.alpha_2
    return codes


def states_named(question: str) -> dict[str, str]:
    """The states a question names: common name -> ISO 3166 alpha-2 code. Names are matched with
    their capitals, so "chad" or "jersey" in lower case are not states."""
    found: dict[str, str] = {}
    for name, pattern in _patterns().items():
        # The substring test first: a regex per name for each of ~500 names would dominate an answer.
        if name in question and pattern.search(question):
            found[_names()[name]] = _codes()[_names()[name]]
    return found


@lru_cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """A whole-word pattern per name; two-letter codes are too often words ("IN", "NO"): names only."""
    return {name: re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])") for name in _names() if len(name) != 2}


def states_without_law(question: str, known_codes: set[str]) -> list[str]:
    """The states the question names whose law the corpus does not hold (not among `known_codes`)."""
    return sorted(name for name, code in states_named(question).items() if code not in known_codes)
