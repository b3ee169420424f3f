"""Victim-rights topics of a text (a passage or a query), from the taxonomy in corpus/topics.toml.

A topic applies when its terms occur in the passage (heading counted twice, since a heading
names what the whole provision is about) at least `min_hits` times. Terms match word
beginnings, so "identif" covers identify, identified and identification.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TOPICS_FILE = Path(__file__).resolve().parent.parent / "corpus" / "topics.toml"


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    description: str
    pattern: re.Pattern[str]
    min_hits: int


@lru_cache
def load_topics(path: Path = TOPICS_FILE) -> tuple[Topic, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    topics = []
    for topic_id, entry in data.items():
        terms = sorted(entry["terms"], key=len, reverse=True)
        pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(t.lower()) for t in terms) + ")")
        topics.append(Topic(topic_id, entry["label"], entry["description"], pattern, int(entry.get("min_hits", 1))))
    return tuple(topics)


def topics_for(heading: str, text: str, topics: tuple[Topic, ...] | None = None) -> list[str]:
    heading, text = heading.lower(), text.lower()
    found = []
    for topic in topics or load_topics():
        hits = 2 * len(topic.pattern.findall(heading)) + len(topic.pattern.findall(text))
        if hits >= topic.min_hits:
            found.append(topic.id)
    return found
