"""The field's concepts across languages (corpus/glossary.toml): the terms a question's words stand
for in the languages the law is written in, so that the keyword leg can read a question against
texts in another language."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GLOSSARY_FILE = Path(__file__).resolve().parent.parent / "corpus" / "glossary.toml"
# A concept's first terms in a language are searched (its statutory words, most specific first); the
# others only recognise it in a question. Three: fewer or all of them found less on the dev questions.
SEARCHED_TERMS = 3
# Vietnamese tells words apart by their marks ("ma", "má", "mà"): they are kept.
_KEEPS_MARKS = {"vi"}


@dataclass(frozen=True)
class Concept:
    terms: dict[str, tuple[str, ...]]  # language -> its terms, as written in the file
    patterns: dict[str, re.Pattern[str]]  # language -> a pattern of its terms, on folded text
    # For a language that keeps its marks, its terms of several words without their marks: one
    # syllable without marks is too often another word ("nợ", a debt; "no", full).
    unmarked: dict[str, re.Pattern[str]]


def fold(text: str, language: str, marked: bool = True) -> str:
    """Lower case, and without accents unless the language needs them and the text has them."""
    text = text.lower()
    if language in _KEEPS_MARKS and marked:
        return text
    # "đ" and "ł" are letters of their own, not a letter with a mark: typed without marks they are d, l.
    return (
        "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        .replace("đ", "d")
        .replace("ł", "l")
    )


def unmarked(text: str, language: str) -> bool:
    """Whether a question in a language that keeps its marks was typed without any ("toi bi bat o
    Anh"), as phones without the keyboard write it: its words are then read without marks too."""
    return language in _KEEPS_MARKS and fold(text, language, marked=False) == text.lower()


def _pattern(term: str, language: str, marked: bool = True) -> str:
    """ "víctima*" matches word beginnings; "*الضحية" also inside a word; else the whole word."""
    body = r"\w*".join(re.escape(part) for part in fold(term, language, marked).split("*"))
    left = "" if term.startswith("*") else r"(?<!\w)"
    right = "" if term.endswith("*") else r"(?!\w)"
    return left + body + right


def _compiled(terms: list[str] | tuple[str, ...], language: str, marked: bool = True) -> re.Pattern[str]:
    """One pattern of a language's terms, the longest first."""
    return re.compile("|".join(_pattern(t, language, marked) for t in sorted(terms, key=len, reverse=True)))


@lru_cache
def load_glossary(path: Path = GLOSSARY_FILE) -> tuple[Concept, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    concepts = []
    for entry in data.get("concept", []):
        terms = {language: tuple(words) for language, words in entry.items()}
        patterns = {language: _compiled(words, language) for language, words in terms.items()}
        plain = {
            language: _compiled([t for t in words if " " in t], language, marked=False)
            for language, words in terms.items()
            if language in _KEEPS_MARKS and any(" " in t for t in words)
        }
        concepts.append(Concept(terms, patterns, plain))
    return tuple(concepts)


def translations(
    query: str, language: str, targets: list[str], glossary: tuple[Concept, ...] | None = None
) -> dict[str, list[str]]:
    """For each target language, the terms of the concepts the query names in its own language
    (each once, in the glossary's order); a language with none is left out. A target that is the
    query's own language gets the statutory terms of the concepts it names in other words only
    ("Freier" stands for "Zwangsprostitution")."""
    marked = not unmarked(query, language)
    folded = fold(query, language, marked)
    found: dict[str, list[str]] = {target: [] for target in targets}
    for concept in load_glossary() if glossary is None else glossary:
        pattern = (concept.patterns if marked else concept.unmarked).get(language)
        if pattern is None or not pattern.search(folded):
            continue
        for target, terms in found.items():
            searched = [t.strip("*") for t in concept.terms.get(target, ())[:SEARCHED_TERMS]]
            if target == language and _names_statutorily(folded, searched, language, marked):
                continue
            terms += [t for t in searched if t not in terms]
    return {target: terms for target, terms in found.items() if terms}


def _names_statutorily(folded: str, searched: list[str], language: str, marked: bool) -> bool:
    """Whether the query already uses one of a concept's searched (statutory) terms."""
    return any(re.search(_pattern(term, language, marked), folded) for term in searched)
