"""The language a query is written in, for the BM25 leg (its stemmer, and the passages it reads)."""

from __future__ import annotations

import re
from functools import lru_cache

from langdetect import DetectorFactory, LangDetectException, detect_langs

DetectorFactory.seed = 0  # langdetect samples at random: the same query gets the same answer
_WORD = re.compile(r"[^\W\d_]{2,}")
# Fewer words than this, or a guess less sure than this, and the query is taken to be English,
# the language of most of the corpus ("T visa", "§ 232 StGB" are no sentences to judge by).
MIN_WORDS = 3
MIN_PROBABILITY = 0.85


LANGUAGE_NAMES = {
    "en": "English", "de": "German", "nl": "Dutch", "fr": "French", "es": "Spanish", "pt": "Portuguese",
    "it": "Italian", "ro": "Romanian", "pl": "Polish", "vi": "Vietnamese", "ar": "Arabic",
    "uk": "Ukrainian", "tl": "Tagalog", "ru": "Russian", "sq": "Albanian", "bg": "Bulgarian",
}  # fmt: skip


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def languages_line(searched: dict) -> str:
    """What was searched, in words: "Read as Spanish; keywords searched in: none (no Spanish text); ..."."""
    asked = language_name(searched["query"])
    keywords = ", ".join(language_name(code) for code in searched["bm25"]) or f"none (no {asked} text)"
    meaning = "every language" if searched["dense"] == ["all"] else ", ".join(map(language_name, searched["dense"]))
    return f"Read as {asked}; keywords searched in: {keywords}; meaning searched in: {meaning}"


@lru_cache(maxsize=1024)
def query_language(text: str, default: str = "en") -> str:
    """An ISO 639-1 code ("es", "vi", "uk"); `default` when the text is too short or mixed to tell."""
    if len(_WORD.findall(text)) < MIN_WORDS:
        return default
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return default
    return best.lang.split("-")[0] if best.prob >= MIN_PROBABILITY else default
