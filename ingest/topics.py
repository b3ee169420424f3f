"""Tag passages with the victim-rights topics their heading and text are about (see kb.topics)."""

from __future__ import annotations

from kb.model import Passage
from kb.topics import topics_for


def tag_passages(passages: list[Passage]) -> list[Passage]:
    for passage in passages:
        passage.topics = topics_for(passage.heading, passage.text)
    return passages
