"""Whether a question is one the corpus can answer at all, before any similarity is weighed.

- Its subject: the corpus is the law on trafficking, exploitation, migration status and victims'
  rights. A question that uses none of that vocabulary (corpus/domain.toml), names no instrument
  the corpus holds and cites no provision is about another field of law.
- What it asks for: legal texts state no statistics, averages or processing times, so a question
  asking for such a figure is not answered from them; a question asking for an amount of money, a
  telephone number or contact details is answered only when a quoted statement gives one. Other
  languages' words for these are in corpus/scope_phrases.toml.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from kb import citations
from kb.glossary import fold, load_glossary
from kb.text import terms

DOMAIN_FILE = Path(__file__).resolve().parent.parent / "corpus" / "domain.toml"
PHRASES_FILE = Path(__file__).resolve().parent.parent / "corpus" / "scope_phrases.toml"

OUTSIDE_FIELD = (
    "The question is outside what the corpus covers: the law on trafficking, exploitation, migration "
    "status and the rights of victims."
)
FIGURES = (
    "The corpus holds legal texts, which state no statistics, averages or processing times; it cannot give this figure."
)

_YEAR = r"\b(?:19|20)\d\d\b|\b(?:last|this|each|every|per) year\b|\bso far\b"
_ASKS_FIGURE = re.compile(
    rf"\bon average\b|\baverage (?:time|number|length|duration)\b|\bstatistic|\bprocessing times?\b"
    rf"|\bcurrently (?:taking|take|takes)\b|\b(?:how many|number of|percentage|share of)\b(?=.*(?:{_YEAR}))",
    re.I,
)
_ASKS_MONEY = re.compile(
    r"(?<!no matter )\bhow much\b(?! (?:time|longer|later|earlier|weight|protection|help|support|say|prison|jail))"
    r"|\bwhat (?:is|are) the (?:\w+ )?(?:fees?|costs?|charges?)\b",
    re.I,
)
_ASKS_PHONE = re.compile(r"\b(?:tele)?phone number\b|\bwhich (?:tele)?phone\b|\bwhat number\b|\bwhich number\b", re.I)
_MONEY = re.compile(r"[$£€]\s?\d|\b(?:USD|EUR|GBP|CAD)\s?\d|\d[\d,.]*\s?(?:dollars|pounds|euros?|cents)\b", re.I)
# How a court measures what an offender pays (restitution of the victim's losses, an order's ceiling)
# answers "how much" as a figure would.
_AMOUNT_RULE = re.compile(
    r"\bfull amount\b|\bamount of (?:the )?(?:\w+(?:'s|’s) )?losses\b"
    r"|\bamount\b.*\b(?:must|shall|may) not exceed\b",
    re.I,
)
_PHONE = re.compile(r"\+?\d[\d ().-]{6,}\d")
_CONTACT = re.compile(r"\S@\S+\.\w|\bhttps?://|\bwww\.", re.I)


@lru_cache
def _asks(path: Path = PHRASES_FILE) -> dict[str, re.Pattern[str]]:
    """Per kind of corpus/scope_phrases.toml (figures, how_many, money, phone, contact), its phrases in every
    language as one pattern on folded text (word beginnings)."""
    patterns = {}
    for kind, by_language in tomllib.loads(path.read_text(encoding="utf-8")).items():
        phrases = sorted((fold(p, "") for phrases in by_language.values() for p in phrases), key=len, reverse=True)
        patterns[kind] = re.compile("|".join(rf"(?<!\w){re.escape(p)}" for p in phrases))
    return patterns


def _asks_in_any_language(kind: str, question: str) -> bool:
    return bool(_asks()[kind].search(fold(question, "")))


@lru_cache
def _domain(path: Path = DOMAIN_FILE) -> re.Pattern[str]:
    """Whole words (plurals included), or word beginnings for terms ending in "*"; without accents,
    as questions are often typed ("handel ludzmi", "plangere penala")."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    terms = {fold(t, "") for t in [*data["terms"], *data.get("terms_other_languages", [])]}
    alternatives = [_term_pattern(t) for t in sorted(terms, key=len, reverse=True)]
    return re.compile(f"(?:{'|'.join(alternatives)})")


def _term_pattern(term: str) -> str:
    """A term's pattern: "slave*" a word beginning, "*اتجار*" anywhere in a word, else a whole word or its plural."""
    start = "" if term.startswith("*") else r"(?<![\w])"
    term = term.lstrip("*")
    if term.endswith("*"):
        return start + re.escape(term[:-1])
    return start + re.escape(term) + r"(?:s|es)?(?!\w)"


def in_field(question: str, instrument_names: dict[str, str]) -> bool:
    """Whether the question is about the corpus's field: its vocabulary, a held instrument by name
    or alias (loose names, as `Searcher.instrument_names` gives them), or a cited provision."""
    if _domain().search(fold(question, "")):
        return True
    loose = f" {citations.loose(question)} "
    if any(f" {name} " in loose for name in instrument_names):
        return True
    return citations.parse(question, instrument_names) is not None


def asks_for_figures(question: str) -> bool:
    if _ASKS_FIGURE.search(question) or _asks_in_any_language("figures", question):
        return True
    return _asks_in_any_language("how_many", question) and _names_a_year(question)


_YEAR_NUMBER = re.compile(r"(?<![\w/])(?:19|20)\d\d(?![\w/])")


def _names_a_year(question: str) -> bool:
    """A year as a time ("en 2022"), not as part of a name ("Act 2015", "Directive 2011/36/EU")."""
    for found in _YEAR_NUMBER.finditer(question):
        before = question[: found.start()].split()
        if not before or not before[-1][:1].isupper():
            return True
    return False


def unmet_expectation(question: str, quoted: list[str]) -> str | None:
    """Why the quotes do not answer a question asking for an amount or a number; None when they do
    or when it asks for neither."""
    text = "\n".join(quoted)
    # An amount answers only in a statement about something asked (not a carrier's fine beside compensation).
    asked = terms(question)
    asks_money = _ASKS_MONEY.search(question) or _asks_in_any_language("money", question)
    if asks_money and not any((_MONEY.search(q) or _AMOUNT_RULE.search(q)) and terms(q) & asked for q in quoted):
        return "The question asks for an amount of money, and no provision found states one."
    if (_ASKS_PHONE.search(question) or _asks_in_any_language("phone", question)) and not _PHONE.search(text):
        return "The question asks for a telephone number, and no provision found gives one."
    if _asks_in_any_language("contact", question) and not _CONTACT.search(text):
        return "The question asks for contact details, and no provision found gives them."
    return None


# A question about a state whose own law the corpus lacks is answered from the treaties binding that
# state only when it is about trafficking itself: these concepts of corpus/glossary.toml, named in
# the question's language or in English. A student's permit or a naturalisation there is that
# state's law alone.
_TRAFFICKING_CONCEPTS = {
    "trafficking in persons",
    "victim",
    "exploitation",
    "forced labour",
    "sexual exploitation",
    "slavery",
}
# A numbered provision or act ("artículo 177 bis", "Legea nr. 678/2001", "Republic Act 9208", "§ 10")
# asks for the text of a national law, which no treaty is.
_NUMBERED_PROVISION = re.compile(
    r"(?<!\w)(?:art(?:\.|icle|ículo|iculo|igo|icolo|ikel|ykuł|ykul|icolul|icolului)?|§|section|s\.|act|"
    r"leg(?:ea|ii)|ley|lei|law)\s*(?:n(?:o|r|º)\.?\s*)?\d",
    re.IGNORECASE,
)


def treaties_may_answer(question: str, language: str) -> bool:
    """Whether the treaties binding a state may answer a question about it, its own law absent."""
    if _NUMBERED_PROVISION.search(question) or asks_for_figures(question) or unmet_expectation(question, []):
        return False
    concepts = [c for c in load_glossary() if c.terms.get("en", ("",))[0] in _TRAFFICKING_CONCEPTS]
    for code in {language, "en"}:
        folded = fold(question, code)
        if any(c.patterns[code].search(folded) for c in concepts if code in c.patterns):
            return True
    return False
