"""Citations in the style of German and Dutch law, and the canonical form Haven compares.

German texts are cited "§ 232 Abs. 1 StGB", Dutch ones "art. 273f lid 1 onder a Sr" and the Dutch
Aliens Circular "Vc 2000 (B) B8/3.1". Everything that compares citations (containment, lookup,
provision of a part) reads them in the canonical form of the other styles: "StGB, s 232(1)",
"Sr, art 273f(1)(a)", "Vc 2000 (B), para B8/3.1".
"""

from __future__ import annotations

import re
from functools import lru_cache

_UNIT = r"\d+[a-z]{0,2}"
_GERMAN = re.compile(
    rf"^§\s*(?P<number>{_UNIT})"
    rf"(?:\s+Abs\.\s*(?P<first>{_UNIT})(?:-(?P<last>{_UNIT}))?)?"
    rf"(?:\s+Nr\.\s*(?P<item>{_UNIT}))?"
    r"\s+(?P<instrument>[^\d\s].*)$"
)
_DUTCH = re.compile(
    r"^art\.\s*(?P<number>\d+(?:\.\d+)*[a-z]{0,3})"
    rf"(?:\s+lid\s+(?P<first>{_UNIT})(?:-(?P<last>{_UNIT}))?)?"
    r"(?:\s+onder\s+(?P<item>[a-z]{1,2}|\d+°))?"
    r"\s+(?P<instrument>[^\d\s].*)$"
)
_CIRCULAR = re.compile(r"^(?P<instrument>.+?)\s+(?P<number>[A-Z]\d+/\d+(?:\.\d+)*)$")


@lru_cache(maxsize=65536)  # every containment test reads both labels through it, many times each
def canonical(citation: str) -> str:
    """The citation in the canonical form; citations in other styles are returned unchanged."""
    for pattern, keyword in ((_GERMAN, "s"), (_DUTCH, "art")):
        match = pattern.match(citation)
        if match:
            pinpoint = f"({match['first']})" if match["first"] else ""
            pinpoint += f"-({match['last']})" if match["last"] else ""
            pinpoint += f"({match['item']})" if match["item"] else ""
            return f"{match['instrument']}, {keyword} {match['number']}{pinpoint}"
    match = _CIRCULAR.match(citation)
    if match and "," not in match["instrument"]:
        return f"{match['instrument']}, para {match['number']}"
    return citation


_PARTS = re.compile(r"\(([^()]+)\)")


def german(cite_as: str, number: str, pinpoint: str = "") -> str:
    """The German label: ("StGB", "232", "(1)") is "§ 232 Abs. 1 StGB"; a span "(1)-(3)" is "Abs. 1-3"."""
    return f"§ {number}{_words(pinpoint, 'Abs.', 'Nr.')} {cite_as}"


def dutch(cite_as: str, number: str, pinpoint: str = "") -> str:
    """The Dutch label: ("Sr", "273f", "(1)(a)") is "art. 273f lid 1 onder a Sr"; a span "(1)-(3)" is "lid 1-3"."""
    return f"art. {number}{_words(pinpoint, 'lid', 'onder')} {cite_as}"


def _words(pinpoint: str, paragraph: str, item: str) -> str:
    if not pinpoint:
        return ""
    head, _, last = pinpoint.partition("-")
    units = _PARTS.findall(head)
    words = f" {paragraph} {units[0]}" + (f"-{_PARTS.findall(last)[0]}" if last else "")
    return words + "".join(f" {item} {unit}" for unit in units[1:2])


# Citation styles by name (corpus/instruments.toml `style`), each (cite-as name, number, pinpoint) -> label.
NATIONAL_STYLES = {"de": german, "nl": dutch}


# In a query: "§ 232 Abs. 1", "§ 232 Absatz 1 Satz 2", "artikel 273f lid 1 onder a", "art 3.48, eerste lid".
_QUERY_PARAGRAPH = re.compile(r"(?<=\w)\s*,?\s+(?:abs\.?|absatz|lid)\s*(\d+[a-z]{0,2})\b", re.IGNORECASE)
_QUERY_SENTENCE = re.compile(r"(?<=\))\s*,?\s+(?:satz|s\.)\s*\d+\b", re.IGNORECASE)
_QUERY_ITEM = re.compile(r"(?<=\))\s*,?\s+(?:nr\.?|nummer|onder)\s*([a-z]{1,2}|\d+[a-z]?)\b", re.IGNORECASE)


def query_pinpoints(query: str) -> str:
    """A query's German and Dutch pinpoints in the parenthesised form the lookup reads:
    "§ 232 Abs. 1 StGB" -> "§ 232(1) StGB", "artikel 273f lid 1 onder a Sr" -> "artikel 273f(1)(a) Sr"."""
    query = _QUERY_PARAGRAPH.sub(r"(\1)", query)
    query = _QUERY_SENTENCE.sub("", query)
    return _QUERY_ITEM.sub(r"(\1)", query)
