"""Exact phrases and AND / OR / NOT in a query; everything else stays natural language.

    "reflection period" AND residence NOT asylum

Quoted phrases must occur exactly. A word joined by AND or OR must occur (OR: one of them), and
a word or phrase after NOT must not. The constraints become a full-text filter on the passages'
text, applied to both legs of the search; the words, less the excluded ones, are what is embedded
and matched by BM25. Operators are recognised in capitals only, so "or" in a question is a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class Clause:
    """One of `terms` must occur (or, negated, none may)."""

    terms: tuple[str, ...]
    negated: bool = False


@dataclass
class ParsedQuery:
    text: str  # what is embedded and scored
    clauses: list[Clause] = field(default_factory=list)

    def filters(self) -> dict[str, Any] | None:
        """The clauses as a filter on the passage text (Haystack syntax with text operators)."""
        if not self.clauses:
            return None
        conditions = []
        for clause in self.clauses:
            matches = [_match(term) for term in clause.terms]
            either = matches[0] if len(matches) == 1 else {"operator": "OR", "conditions": matches}
            conditions.append({"operator": "NOT", "conditions": [either]} if clause.negated else either)
        return {"operator": "AND", "conditions": conditions}


def _match(term: str) -> dict[str, Any]:
    operator = "contains phrase" if " " in term else "contains words"
    return {"field": "content", "operator": operator, "value": term}


def parse_query(query: str) -> ParsedQuery:
    tokens = [(m[1], True) if m[1] is not None else (m[2], False) for m in _TOKEN.finditer(query)]
    words: list[str] = []
    clauses: list[Clause] = []
    previous = ""  # the operator just read
    for index, (token, quoted) in enumerate(tokens):
        if not quoted and token in OPERATORS:
            previous = token
            continue
        term = " ".join(token.lower().split()) if quoted else _bare(token)
        following = tokens[index + 1] if index + 1 < len(tokens) else ("", True)
        joined = previous in ("AND", "OR") or (not following[1] and following[0] in ("AND", "OR"))
        if term and previous == "NOT":
            clauses.append(Clause((term,), negated=True))
        else:
            if term and previous == "OR" and clauses and not clauses[-1].negated:
                clauses[-1] = Clause((*clauses[-1].terms, term))
            elif term and (quoted or joined):
                clauses.append(Clause((term,)))
            words.append(token.strip('"'))
        previous = ""
    return ParsedQuery(" ".join(words), clauses)


def as_written(text: str) -> str:
    """A text to search as natural language throughout: a client's statement quotes what people
    said and writes OR or NOT in capitals for emphasis, neither of which is search syntax."""
    return " ".join(word.lower() if word in OPERATORS else word for word in text.replace('"', " ").split())


def _bare(word: str) -> str:
    """A word as the full-text index sees it: lower case, without surrounding punctuation."""
    return word.strip(".,;:!?()[]{}'\"").lower()
