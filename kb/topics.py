"""Victim-rights topics of a text (a passage or a query), from the taxonomy in corpus/topics.toml.

A topic applies when its terms occur in the passage (heading counted twice, since a heading
names what the whole provision is about) at least `min_hits` times. Terms match word
beginnings, so "identif" covers identify, identified and identification. Key terms are terms
specific enough that a provision using one is about the topic.
"""

from __future__ import annotations

import hashlib
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
    key_pattern: re.Pattern[str] | None = None

    def has_key_term(self, heading: str, text: str) -> bool:
        return bool(self.key_pattern and self.key_pattern.search(f"{heading}\n{text}".lower()))


def _pattern(terms: list[str]) -> re.Pattern[str]:
    terms = sorted(terms, key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(t.lower()) for t in terms) + ")")


@lru_cache
def load_topics(path: Path = TOPICS_FILE) -> tuple[Topic, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    topics = []
    for topic_id, entry in data.items():
        keys = entry.get("key_terms", [])
        topics.append(
            Topic(
                topic_id,
                entry["label"],
                entry["description"],
                _pattern(entry["terms"] + keys),
                int(entry.get("min_hits", 1)),
                _pattern(keys) if keys else None,
            )
        )
    return tuple(topics)


def taxonomy_digest(path: Path = TOPICS_FILE) -> str:
    """Changes whenever the taxonomy does, so that ingest re-tags unchanged files."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def topics_for(heading: str, text: str, topics: tuple[Topic, ...] | None = None) -> list[str]:
    heading, text = heading.lower(), text.lower()
    found = []
    for topic in topics or load_topics():
        hits = 2 * len(topic.pattern.findall(heading)) + len(topic.pattern.findall(text))
        if hits >= topic.min_hits:
            found.append(topic.id)
    return found
