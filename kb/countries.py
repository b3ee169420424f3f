"""States a question names (ISO 3166 names from pycountry, in English and in the languages of its
translations that victims and advisers write in, plus common short forms and adjectives), to tell
when a question is about a state whose law the corpus does not hold."""

from __future__ import annotations

import gettext
import re
from functools import lru_cache

import pycountry

# Short forms and adjectives people write that ISO's names do not cover ("Dutch law", "in Russia");
# in languages that write adjectives in lower case, only with the law they qualify ("Código Penal
# español"): "hablo español" names a language, not a state.
EXTRA_NAMES = {
    "NL": ["Holland", "Dutch"],
    "FR": ["French", "droit français", "loi française", "pénal français"],
    "IT": ["Italian", "penale italiano", "legge italiana", "diritto italiano"],
    "ES": ["Spanish", "Penal español", "penal español", "ley española", "derecho español", "legislación española"],
    "PT": ["Portuguese", "Penal português", "penal português", "lei portuguesa", "direito português"],
    "BE": ["Belgian"],
    "IE": ["Irish"],
    "SE": ["Swedish"],
    "NO": ["Norwegian"],
    "DK": ["Danish"],
    "FI": ["Finnish"],
    # Polish declines its own name: "w Polsce"
    "PL": [
        "Polish",
        "Polsce",
        "polskiego kodeksu",
        "polskiego prawa",
        "prawa polskiego",
        "polskim prawie",
    ],
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
# Cities and short names people write for where they live or work ("en Madrid", "w Krakowie", "ở Úc",
# "في دبي").
# Not a city that names an instrument or a court ("Palermo", "Istanbul", "Rome", "Vienna", "Warsaw",
# "Lisbon", "Dublin", "Strasbourg", "Brussels", "Geneva", "Luxembourg", "Nice") or a person ("Milan",
# "Florence", "Sydney", "Sofia"), nor an Italian verb ("Porto").
CITIES = {
    "ES": [
        "Madrid",
        "Barcelona",
        "Valencia",
        "Sevilla",
        "Málaga",
        "Bilbao",
        "Zaragoza",
        "Murcia",
        "Alicante",
        "Almería",
        "Huelva",
        "Аліканте",
    ],
    "PL": [
        "Warszawa",
        "Warszawie",
        "Kraków",
        "Krakowie",
        "Wrocław",
        "Wrocławiu",
        "Gdańsk",
        "Gdańsku",
        "Poznań",
        "Poznaniu",
        "Łódź",
        "Łodzi",
    ],
    "FR": ["Paris", "Marseille", "Lyon", "Toulouse", "Bordeaux", "Lille", "Nantes", "Montpellier", "Calais"],
    "IT": ["Milano", "Napoli", "Naples", "Torino", "Turin", "Bologna", "Firenze", "Genova", "Catania", "Puglia"],
    "PT": ["Braga", "Faro", "Algarve", "AIMA"],
    "BE": ["Antwerpen", "Antwerp", "Anvers", "Gent", "Ghent", "Liège", "Charleroi"],
    "AT": ["Graz", "Linz", "Salzburg"],
    "CH": ["Zürich", "Zurich", "Basel", "Bern", "Lausanne"],
    "GR": ["Athens", "Athen", "Thessaloniki"],
    "IE": ["Cork", "Galway", "Limerick"],
    "MA": ["Casablanca", "Rabat", "Tanger"],
    "TR": ["Ankara", "Izmir", "تركيا"],
    "JP": ["Tokyo", "Osaka", "Nhật Bản"],
    "KR": ["Seoul", "Hàn Quốc"],
    "AU": ["Melbourne", "Brisbane"],
    "AE": ["Dubai", "Abu Dhabi", "دبي", "أبوظبي", "الإمارات"],
    "QA": ["Doha", "الدوحة"],
    "SA": ["Riyadh", "الرياض"],
    "LB": ["Beirut", "بيروت"],
    "MY": ["Kuala Lumpur"],
    "TW": ["Taipei"],
    "CZ": ["Praha", "Prague"],
    "RU": ["Moscow", "Moskau"],
    "CY": ["Nicosia", "Limassol"],
}


# The languages whose names of states are read (pycountry's translations of ISO 3166).
LANGUAGES = ("de", "nl", "fr", "es", "pt", "it", "ro", "pl", "uk", "ar", "vi", "tl")
# Languages that decline names ("w Niemczech", "у Франції"): a name is matched by its stem.
_INFLECTED = ("pl", "uk")


@lru_cache
def local_name(alpha_2: str, language: str) -> str | None:
    """A state's name in a language as pycountry translates ISO 3166 ("Alemania" for DE in "es");
    None where it has no translation for the language or the code."""
    country = pycountry.countries.get(alpha_2=alpha_2)
    if country is None:
        return None
    try:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return None
    name = translation.gettext(_short(country))
    return translation.gettext(country.name) if name == country.name else name


@lru_cache
def translated_names(alpha_2: str) -> list[str]:
    """A state's name in LANGUAGES; a name in an inflected language ends in "*" (its stem)."""
    names = []
    for language in LANGUAGES:
        name = local_name(alpha_2, language)
        if not name or "," in name or "(" in name:
            continue
        names.append(f"{name[:-1]}*" if language in _INFLECTED and len(name) >= 6 else name)
        names.append(name.replace("\u0651", ""))  # Arabic is mostly written without the shadda
    return list(dict.fromkeys(names))


@lru_cache
def _names() -> dict[str, str]:
    """Name as written -> the state's common name."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        common = _short(country)
        for name in (country.name, common, getattr(country, "official_name", None)):
            if name and "," not in name and "(" not in name:
                names[name] = common
        extras = [*EXTRA_NAMES.get(country.alpha_2, []), *CITIES.get(country.alpha_2, [])]
        for extra in [*extras, *translated_names(country.alpha_2)]:
            names.setdefault(extra, common)
        names[country.alpha_2] = common  # kept only for the codes a caller excludes (below)
    return names


def _short(country) -> str:
    """A state's short English name ("Bolivia" rather than "Bolivia, Plurinational State of")."""
    return getattr(country, "common_name", None) or country.name


def common_name(code: str) -> str | None:
    """The short English name of the state with this ISO 3166 alpha-2 code; None for any other code."""
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    return _short(country) if country else None


@lru_cache
def _codes() -> dict[str, str]:
    return {_short(country): country.alpha_2 for country in pycountry.countries}


def states_named(question: str) -> dict[str, str]:
    """The states a question names: common name -> ISO 3166 alpha-2 code. Names are matched with
    their capitals, so "chad" or "jersey" in lower case are not states."""
    return {common: _codes()[common] for common in _mentions(question)}


def _mentions(question: str) -> dict[str, list[int]]:
    """Where the question names each state: common name -> the offsets of its names."""
    found: dict[str, list[int]] = {}
    for name, pattern in _patterns().items():
        # The substring test first: a regex per name for each of ~500 names would dominate an answer.
        if name.rstrip("*") in question:
            spots = [match.start() for match in pattern.finditer(question)]
            if spots:
                found.setdefault(_names()[name], []).extend(spots)
    return found


@lru_cache(maxsize=4096)
def name_pattern(name: str) -> re.Pattern[str]:
    """A name as a whole word, as written; a stem ("Niemc*") as a word beginning ("w Niemczech")."""
    if name.endswith("*"):
        return re.compile(rf"(?<![\w]){re.escape(name[:-1])}")
    return re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])")


@lru_cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """A pattern per name; two-letter codes are too often words ("IN", "NO"): names only ("Úc" is one)."""
    return {name: name_pattern(name) for name in _names() if not (len(name) == 2 and name.isascii())}


# Words that make a state named after them where a person comes from or goes back to, not the law
# asked about ("a boy from Vietnam", "go home to Moldova", "ein Junge aus Guinea").
_ORIGIN = re.compile(
    r"(?:\bfrom|\bnational of|\bcitizen of|\bhome to|\bback to|\breturn(?:ed|ing)? to|\baus)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def states_without_law(question: str, known_codes: set[str]) -> list[str]:
    """The states the question names whose law the corpus does not hold (not among `known_codes`),
    leaving out a state named only as where someone comes from or returns to; ISO 3166 alpha-2 codes."""
    return sorted(
        _codes()[common]
        for common, spots in _mentions(question).items()
        if _codes()[common] not in known_codes
        and not all(_ORIGIN.search(question[max(0, spot - 30) : spot]) for spot in spots)
    )
