"""Which language a passage is in, from its function words (enough for en/nl/de/fr)."""

from kb.text import tokens

_FUNCTION_WORDS = {
    "en": "the of and to in shall be or any that for by with is which this are not as such",
    "nl": "de het een van en in op te dat die voor zijn wordt worden bij is aan dit met niet of als door om naar deze",
    "de": "der die das und des von zu mit für ist wird nicht auf den eine dem werden oder sich im",
    "fr": "le la les des et du est une pour dans par sur aux qui sont en ne pas au cette",
}
_VOCABULARY = {lang: set(words.split()) for lang, words in _FUNCTION_WORDS.items()}


def language_scores(text: str) -> dict[str, int]:
    words = tokens(text)
    return {lang: sum(word in vocab for word in words) for lang, vocab in _VOCABULARY.items()}


def detect_language(text: str, default: str = "en") -> str:
    scores = language_scores(text)
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] > 0 else default


def clearly_other_language(text: str, current: str) -> str | None:
    """The language of `text` when it is plainly not `current` (used to find translations)."""
    scores = language_scores(text)
    best = max(scores, key=lambda lang: scores[lang])
    if best != current and scores[best] >= 3 and scores[best] >= 2 * scores.get(current, 0):
        return best
    return None
