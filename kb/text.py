"""One text toolkit: the tokenizer, stop words, stemmer and cosine that drafting, the support
checks, the web highlighter and language detection share.

The stemmer is Snowball's English algorithm, the one Qdrant's BM25 leg applies to passages and
queries, so a word matches here when it would match in search.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import snowballstemmer
from spacy.lang.en.stop_words import STOP_WORDS

__all__ = ["STOP_WORDS", "content_words", "cosine", "stem", "terms", "token_spans", "tokens"]

# Letters of any script and digits, with inner hyphens, slashes and apostrophes ("non-punishment",
# "2011/36", "victim's").
_TOKEN = re.compile(r"[^\W_]+(?:['’/-][^\W_]+)*")
_STEMMER = snowballstemmer.stemmer("english")


def tokens(text: str) -> list[str]:
    """Every word of the text, lower case, in order."""
    return _TOKEN.findall(text.lower())


def token_spans(text: str) -> Iterator[re.Match[str]]:
    """The words of the text as matches, for marking them where they stand."""
    return _TOKEN.finditer(text)


def content_words(text: str) -> set[str]:
    """The words that carry meaning: no stop words, three letters or more."""
    return {w for w in tokens(text) if len(w) >= 3 and w not in STOP_WORDS}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball English: "victims" -> "victim", "identified" -> "identifi"."""
    return _STEMMER.stemWord(word.lower())


def terms(text: str) -> set[str]:
    """The stems of the text's content words: what two texts share when they say the same thing."""
    return {stem(w) for w in content_words(text)}


def cosine(a: np.ndarray | list[float] | None, b: np.ndarray | list[float] | None) -> float:
    """Cosine similarity; 0 when a vector is missing."""
    if a is None or b is None:
        return 0.0
    u, v = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    return float(np.dot(u, v) / ((np.linalg.norm(u) * np.linalg.norm(v)) or 1.0))
