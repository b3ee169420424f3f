"""Generative drafting against FakeLLM (tests/fake_llm.py): faithful sentences stay, unfaithful ones
are removed with a reason, and a broken or refusing model leaves the extractive draft."""

from __future__ import annotations

import pytest

from kb.answer import Answerer
from kb.generate import GenerativeDrafter, sentences_with_markers

from .fake_llm import INVENTED, NOT_GIVEN, UNCITED, running

QUESTION = "How long is the recovery and reflection period for victims?"


@pytest.fixture(scope="module")
def fake_llm():
    with running() as (url, app):
        yield url, app


def ask(corpus_searcher, url: str, model: str):
    return Answerer(corpus_searcher, GenerativeDrafter(url, model)).ask(QUESTION)


def test_markers_after_the_full_stop_stay_with_their_sentence():
    draft = "The period is 30 days. [1] It may be refused on public order grounds [2]."
    assert sentences_with_markers(draft) == [
        "The period is 30 days. [1]",
        "It may be refused on public order grounds [2].",
    ]


def test_a_faithful_draft_is_kept_with_its_citations(corpus_searcher, fake_llm):
    url, app = fake_llm
    draft = ask(corpus_searcher, url, "fake-faithful")
    assert draft.drafter == "generative (fake-faithful)"
    assert not draft.removed
    sentences = [s for lines in draft.by_jurisdiction.values() for s in lines]
    assert len(sentences) == 1 and sentences[0].startswith("Under ")
    number = int(sentences[0].rsplit("[", 1)[1].rstrip("]"))
    cited = draft.citations[number - 1]
    assert cited.citation.split(",")[0] in sentences[0]
    prompt = app.state.requests[-1].messages[-1].content
    assert "[1] " in prompt and QUESTION in prompt


def test_unsupported_sentences_are_removed_and_reported(corpus_searcher, fake_llm):
    url, _ = fake_llm
    draft = ask(corpus_searcher, url, "fake-unfaithful")
    assert draft.drafter == "generative (fake-unfaithful)"
    kept = [s for lines in draft.by_jurisdiction.values() for s in lines]
    assert len(kept) == 1 and kept[0].startswith("Under ")
    reasons = {r["sentence"]: r["reason"] for r in draft.removed}
    assert reasons[NOT_GIVEN] == "cites a passage that was not retrieved"
    assert reasons[UNCITED] == "cites no passage"
    assert reasons[INVENTED].startswith("not supported by the passages it cites")


@pytest.mark.parametrize(
    ("model", "note"),
    [
        ("fake-refuses", "The generative draft had no supported sentence; the extractive draft is given."),
        ("fake-broken", "The model at {url} failed: Error code: 500. The extractive draft is given instead."),
    ],
)
def test_no_usable_generative_draft_leaves_the_extractive_one(corpus_searcher, fake_llm, model, note):
    url, _ = fake_llm
    draft = ask(corpus_searcher, url, model)
    assert draft.drafter == "extractive"
    assert draft.notes == [note.format(url=url)] and not draft.abstained
    assert any(c.citation.startswith("CETS No 197, art 13") for c in draft.citations)
