"""Quoting the alternative of a list that answers, cited to it; a list of conditions stays whole."""

from __future__ import annotations

import pytest

from kb.alternatives import one_alternative, quoted_in
from kb.model import Passage
from kb.text import terms


def _passage(citation: str, parts: list[tuple[str, str]]) -> Passage:
    """A passage whose parts (citation, text) follow each other, a blank line apart."""
    text, units = "", []
    for label, part in parts:
        start = len(text)
        text += part
        units.append([label, start, len(text)])
        text += "\n\n"
    text = text.rstrip()
    return Passage(
        id=citation, document_id="doc", text=text, citation=citation, heading="", provision_path=[], title="T",
        short_title="T", jurisdiction="CA", instrument_type="regulation", language="en", url="", start=0,
        end=len(text), content_hash="h", passage_count=1, units=units,
    )  # fmt: skip


WORK_PERMIT = _passage(
    "IRPR, s 208",
    [
        ("IRPR, s 208", "A work permit may be issued to a foreign national who cannot support themself, if they"),
        ("IRPR, s 208(a)", "(a) hold a study permit and have become destitute; or"),
        ("IRPR, s 208(b)", "(b) hold a temporary resident permit valid for at least six months."),
    ],
)
STATEMENT = (
    "A work permit may be issued to a foreign national who cannot support themself, if they (a) hold a study "
    "permit and have become destitute; or (b) hold a temporary resident permit valid for at least six months."
)


def _weigh(question: str):
    asked = terms(question)
    return lambda text: len(asked & terms(text))


def _cut(parts: list[tuple[str, str]], question: str) -> tuple[str, str] | None:
    """one_alternative on a passage of these parts, its whole text as the statement."""
    passage = _passage(parts[0][0], parts)
    return one_alternative(passage, passage.text.replace("\n\n", " "), _weigh(question))


def test_the_alternative_that_answers_is_quoted_under_its_lead_in_and_cited_to():
    quote, citation = one_alternative(WORK_PERMIT, STATEMENT, _weigh("Can I work on a temporary resident permit?"))
    assert citation == "IRPR, s 208(b)"
    assert quote == (
        "A work permit may be issued to a foreign national who cannot support themself, if they … "
        "(b) hold a temporary resident permit valid for at least six months."
    )
    assert quoted_in(quote, WORK_PERMIT.text)


def test_the_first_alternative_is_quoted_with_its_lead_in_and_marks_what_follows():
    quote, citation = one_alternative(WORK_PERMIT, STATEMENT, _weigh("I am a destitute student with a study permit"))
    assert citation == "IRPR, s 208(a)"
    # the connecting "; or" is left out, the omission after it marked
    assert quote.endswith("if they (a) hold a study permit and have become destitute …")
    assert quoted_in(quote, WORK_PERMIT.text)


def test_no_alternative_is_picked_when_none_stands_out():
    assert one_alternative(WORK_PERMIT, STATEMENT, _weigh("Can I get a permit?")) is None  # both items say "permit"
    assert one_alternative(WORK_PERMIT, STATEMENT, _weigh("What about my children?")) is None


@pytest.mark.parametrize(
    ("after_a", "after_b"),
    [
        (",", ", and"),  # conditions that must all hold
        (", and", "; or"),  # an "and" before the last "or" binds items together: not plain alternatives
    ],
)
def test_a_list_of_conditions_that_must_all_hold_stays_whole(after_a: str, after_b: str):
    conditions = [
        ("s 59(1)", "(1) This section applies where—"),
        ("s 59(1)(a)", f"(a) a person has been served with a notice{after_a}"),
        ("s 59(1)(b)", f"(b) the person provided the information late{after_b}"),
        ("s 59(1)(c)", "(c) a competent authority is making a decision."),
    ]
    assert _cut(conditions, "I provided the information late") is None


def test_words_after_the_list_govern_every_alternative_and_keep_it_whole():
    # indexed with the last item, as a block without a number is; a German Absatz's Nummern likewise
    closing = [
        ("s 208", "A work permit may be issued to a foreign national, if they"),
        ("s 208(a)", "(a) hold a study permit; or"),
        ("s 208(b)", "(b) hold a temporary resident permit,\n\nand in either case have no criminal record."),
    ]
    assert _cut(closing, "I hold a study permit") is None
    numbered = [
        ("§ 1 Abs. 1 StGB", "(1) Wer eine Person anwirbt, wenn"),
        ("§ 1 Abs. 1 Nr. 1 StGB", "1.\n\ndiese Person ausgebeutet werden soll oder"),
        ("§ 1 Abs. 1 Nr. 2 StGB", "2.\n\ndiese Person in Sklaverei gehalten werden soll."),
    ]
    found = _cut(numbered, "in Sklaverei gehalten")
    assert found and found[1] == "§ 1 Abs. 1 Nr. 2 StGB"  # a number alone on its line is no closing words


def test_parts_that_are_not_items_of_the_lead_in_are_not_cut():
    other = [
        ("s 7(1)", "(1) A victim may apply for a permit, if they"),
        ("s 7(2)", "(2) hold a study permit; or"),
        ("s 7(3)", "(3) hold a temporary resident permit."),
    ]
    assert _cut(other, "a temporary resident permit") is None


def test_a_quote_with_omissions_is_checked_part_by_part_in_order():
    text = "One two three. Four five six. Seven eight."
    assert quoted_in("One two three. … Seven eight.", text)
    assert quoted_in("Four  five\nsix.", text)
    assert not quoted_in("Seven eight. … One two three.", text)  # out of order
    assert not quoted_in("One two … nine.", text)
    assert not quoted_in(" … ", text)  # nothing quoted is not a quote
