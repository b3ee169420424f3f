"""Exact phrases and AND / OR / NOT: how a query splits into words to search and text constraints."""

from __future__ import annotations

import pytest

from kb.query_syntax import Clause, as_written, parse_query


@pytest.mark.parametrize(
    ("query", "text", "clauses"),
    [
        ("how long may a victim stay", "how long may a victim stay", []),
        ("victims or witnesses", "victims or witnesses", []),  # lower-case "or" is a word
        ('"reflection period" of thirty days', "reflection period of thirty days", [Clause(("reflection period",))]),
        (
            '"Reflection  Period" AND residence NOT asylum',
            "Reflection  Period residence",
            [Clause(("reflection period",)), Clause(("residence",)), Clause(("asylum",), negated=True)],
        ),
        (
            "shelter OR housing OR accommodation",
            "shelter housing accommodation",
            [Clause(("shelter", "housing", "accommodation"))],
        ),
        (
            'compensation AND "state fund" OR "victims fund"',
            "compensation state fund victims fund",
            [Clause(("compensation",)), Clause(("state fund", "victims fund"))],
        ),
        ('residence NOT "asylum seeker"', "residence", [Clause(("asylum seeker",), negated=True)]),
        ('"unclosed phrase', "unclosed phrase", []),
    ],
)
def test_queries_split_into_words_and_constraints(query, text, clauses):
    parsed = parse_query(query)
    assert parsed.text == text
    assert parsed.clauses == clauses


def test_constraints_become_full_text_filters():
    assert parse_query("plain words").filters() is None
    filters = parse_query('"waiting time" NOT removal').filters()
    assert filters == {
        "operator": "AND",
        "conditions": [
            {"field": "content", "operator": "contains phrase", "value": "waiting time"},
            {
                "operator": "NOT",
                "conditions": [{"field": "content", "operator": "contains words", "value": "removal"}],
            },
        ],
    }


def test_a_text_as_written_has_no_phrases_or_operators():
    statement = 'He said the girls had to "go out" with customers, OR ELSE they paid a fine. NOT once was I paid.'
    parsed = parse_query(as_written(statement))
    assert parsed.clauses == []
    said = "He said the girls had to go out with customers, or ELSE they paid a fine. not once was I paid."
    assert parsed.text == said
