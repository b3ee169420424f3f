"""Citation lookup: a query such as "art 13 CETS 197" or "8 USC 1255(l)" names a provision.

Instruments are recognised by the name Haven cites them by ("CETS No 197", "8 U.S.C.") and by
their aliases ("Palermo Protocol", "Residence Act"), compared in a loose form that ignores case,
dots and the word "No". The provision designator is then matched against the passages' own
citation labels, so whatever the parser of a document produced can be looked up.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.model import cites_within, split_span
from kb.national import canonical, query_pinpoints

# "<instrument>, art 7(1)", "<instrument> § 1255(l)", "<instrument>, s 25(4a)", "<instrument>, para VTS 3.1"
_LABEL = re.compile(r"^(?P<instrument>.+?)(?:, (?:art|s|para) | § )(?P<designator>\S.*)$")
# What may stand before a number in a query: art, article, s, sec, section, §, para, reg, rule ...
# A paragraph of the Immigration Rules carries its appendix's letters: "para VTS 3.1".
_KEYWORD = (
    r"(?:articles?|arts?|sections?|secs?|ss?|paragraphs?|paras?|regulations?|regs?|rules?|r)\b\s*"
    r"|(?:paragraphs?|paras?)\s+[a-z]{2,5}\s+|§+\s*"
)
_NUMBER = r"(?P<number>(?:[a-z]\d+/)?\d+[a-z]{0,2}(?:\.\d+)*)(?P<parts>(?:\s?\([0-9a-z.]+\))*)"
_KEYED = re.compile(rf"(?<![\w§'’])(?:{_KEYWORD}){_NUMBER}")
_LEADING = re.compile(rf"^\s*{_NUMBER}(?![\w.])")  # "irpa 24", "8 usc 1255(l)"
_TRAILING = re.compile(rf"(?<![\w.]){_NUMBER}\s*$")  # "1255(l) 8 usc" is rare, "24 irpa" less so


# Instruments a question may name by their own titles: "<Name> Act 2015", "<Name> Statutory
# Guidance" (and strategies, action plans, reports, codes of practice), "Directive 2011/36/EU", and
# cases "<Party> v <Party>". Generic names ("the Convention", "Criminal Code") are left to parse().
_NAMED_ACT = re.compile(
    r"\b(?P<name>(?:[A-Z][\w'’-]*\s+(?:(?:and|of|for|on|the)\s+)*){2,7}"
    r"(?:Act|Guidance|Strategy|Action Plan|Report|Code of Practice))\b"
)
_NAMED_EU = re.compile(r"\b(?:Directive|Regulation)\s+(?:\(E[UC]\)\s+)?(?:No\.?\s+)?\d{2,4}/\d+(?:/E[UC])?")
_NAMED_CASE = re.compile(r"\b[A-Z][\w.'’-]*(?:\s+\([A-Z][a-z]+\))?\s+v\.?\s+[A-Z][\w.'’-]*")


def named_instruments(query: str) -> list[str]:
    """Acts, EU instruments and cases a query names by title ("Modern Slavery Act 2015",
    "Directive 2011/36/EU", "Rantsev v Cyprus"), to be looked for among the indexed documents."""
    names = [match["name"] for match in _NAMED_ACT.finditer(query)]
    names += [match.group(0) for match in _NAMED_EU.finditer(query)]
    names += [match.group(0) for match in _NAMED_CASE.finditer(query)]
    return names


INSTRUMENTS_FILE = Path(__file__).resolve().parent.parent / "corpus" / "instruments.toml"


@lru_cache
def known_as(path: Path = INSTRUMENTS_FILE) -> dict[str, list[str]]:
    """Document id -> the names of the Acts it codifies ("Trafficking Victims Protection Act"): they
    identify the document but are not citation aliases, since their section numbers differ."""
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {doc: list(entry.get("known_as", [])) for doc, entry in data.items()}


@dataclass(frozen=True)
class CitationQuery:
    instrument: str  # the cite-as name, as in the passages' labels
    designator: str  # "7(1)", "1255(l)", "VTS 3.1"
    rest: str  # the query's other words
    keyed: bool = True  # the designator had a keyword before it ("art 13"), not only a number ("IRPA 24")


@lru_cache(maxsize=4096)
def loose(text: str) -> str:
    """Case, dots, "No" and spacing do not matter: "CETS No. 197" == "cets 197", "U.S.C." == "usc"."""
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", "", text.lower())  # keep "3.1", drop "U.S.C."
    text = re.sub(r"\bno\s+(?=\d)", "", text)
    text = re.sub(r"[,;:]", " ", text)
    return " ".join(text.split())


def split_label(citation: str) -> tuple[str, str] | None:
    """("Palermo Protocol", "7(1)") from "Palermo Protocol, art 7(1)"; None for labels without a number."""
    match = _LABEL.match(canonical(citation))
    return (match["instrument"], match["designator"]) if match else None


def parse(query: str, names: dict[str, str]) -> CitationQuery | None:
    """The citation in a query, given loose instrument names -> cite-as names; None when there is none.

    A number counts as a designator when a keyword stands before it ("art 13", "s 25(4a)", "§ 1255")
    or when it touches the instrument's name ("IRPA 24"), so "IRPA victims 2 years" is no citation."""
    query = query_pinpoints(query)
    text = loose(query)
    for name in sorted(names, key=len, reverse=True):  # longest first: "18 usc" before "usc"
        found = _name_pattern(name).search(text) if name in text else None
        if not found:
            continue
        before, after = text[: found.start()], text[found.end() :]
        for side, pattern in ((after, _KEYED), (before, _KEYED), (after, _LEADING), (before, _TRAILING)):
            designator = pattern.search(side)
            if designator:
                break
        else:
            continue
        number, parts = designator["number"], designator["parts"].replace(" ", "")
        rest = side[: designator.start()] + " " + side[designator.end() :]
        rest = f"{before} {rest}" if side is after else f"{rest} {after}"
        keyed = pattern is _KEYED
        return CitationQuery(names[name], _restore_case(query, number, parts), " ".join(rest.split()), keyed)
    return None


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")


def _restore_case(query: str, number: str, parts: str) -> str:
    """The designator as the user typed it (US Code parts differ by case: (a)(15)(T) vs (t))."""
    typed = re.search(re.escape(number + parts).replace(r"\ ", r"\s*"), query, re.IGNORECASE)
    designator = typed.group(0) if typed else number + parts
    return designator.replace(" ", "")


def matches(designator: str, wanted: str) -> int:
    """How well a passage's designator answers the wanted one: 3 exact, 2 a part of it, 1 the
    provision that contains it (or a span of units that holds it: "1255(a)(1)-(6)" holds "1255(a)(3)"),
    0 unrelated. Case counts first; a case-blind match ranks lower."""
    if " " in designator and " " not in wanted:  # "VTS 3.1" answers "3.1" asked of Appendix VTS
        designator = designator.split(" ", 1)[1]
    if split_span(designator) and not designator.startswith(wanted + "("):
        return 1 if cites_within(designator, wanted) else 0
    for exact_case in (True, False):
        a, b = (designator, wanted) if exact_case else (designator.lower(), wanted.lower())
        if a == b:
            return 3 if exact_case else 2
        if _deeper(a, b):
            return 2
        if _deeper(b, a):
            return 1
    return 0


def _deeper(designator: str, than: str) -> bool:
    """Whether a designator is a part of another: 7(1) of 7; in the Dutch Aliens Circular B8/3.1 of B8/3."""
    return designator.startswith(than + "(") or ("/" in than and designator.startswith(than + "."))
