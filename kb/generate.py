"""Generative drafting (optional): an OpenAI-compatible chat model writes the draft from the
retrieved passages only, then every sentence is checked against the passages it cites.

Set KB_LLM_URL (Ollama, vLLM, llama.cpp server, OpenAI: the base URL ending in /v1), KB_LLM_MODEL
and, where the server wants one, KB_LLM_API_KEY. A sentence is kept only when
- it ends with citation markers ([1] or [1, 3]),
- every number it cites is one of the passages given to the model (others are rejected), and
- the passages it cites support it: enough of its words occur in them (lexical support) and its
  meaning is close to theirs (embedding support). Thresholds: eval/answers.py --calibrate-support.
Removed sentences are reported with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from haystack.components.generators.chat import OpenAIChatGenerator
from haystack.dataclasses import ChatMessage
from haystack.utils import Secret
from sentencex import segment

from kb.statements import normalise
from kb.text import cosine, terms

Similarity = Callable[[np.ndarray, np.ndarray], float]

# Calibrated with `python -m eval.answers --calibrate-support` on the gold set's drafts.
MIN_LEXICAL_SUPPORT = 0.80
MIN_EMBEDDING_SUPPORT = 0.65

SYSTEM_PROMPT = (
    "You draft answers for lawyers about the rights of trafficked migrants. Use only the numbered "
    "passages you are given; never add law, facts or numbers that are not in them. End every "
    "sentence with the numbers of the passages it rests on, like [1] or [1, 3]. If the passages do "
    "not answer the question, reply exactly: NO ANSWER."
)
_MARKERS = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]\s*[.;]?\s*$")
_ONLY_MARKERS = re.compile(r"^\s*(?:\[\d+(?:\s*,\s*\d+)*\]\s*)+[.;]?\s*$")


class GenerationError(RuntimeError):
    """The model server could not be reached or answered nothing usable."""


@dataclass
class Checked:
    sentence: str
    numbers: list[int]
    kept: bool
    reason: str = ""


class GenerativeDrafter:
    def __init__(self, url: str, model: str, api_key: str | None = None, timeout: float = 60.0):
        self.url, self.model = url, model
        self.generator = OpenAIChatGenerator(
            api_key=Secret.from_token(api_key or "not-needed"),
            model=model,
            api_base_url=url,
            timeout=timeout,
            max_retries=0,
            generation_kwargs={"temperature": 0},
        )

    def write(self, question: str, passages: list[tuple[str, str]]) -> str:
        """The model's draft for the question from (citation, text) passages numbered from 1."""
        numbered = "\n\n".join(f"[{i}] {citation}\n{text}" for i, (citation, text) in enumerate(passages, 1))
        messages = [
            ChatMessage.from_system(SYSTEM_PROMPT),
            ChatMessage.from_user(f"Passages:\n\n{numbered}\n\nQuestion: {question}"),
        ]
        try:
            replies = self.generator.run(messages=messages)["replies"]
        except Exception as error:  # the client raises its own connection and API errors
            raise GenerationError(f"The model at {self.url} failed: {error}") from error
        text = (replies[0].text or "").strip() if replies else ""
        if not text:
            raise GenerationError(f"The model at {self.url} returned no text.")
        return text


def sentences_with_markers(draft: str) -> list[str]:
    """The draft's sentences, with a marker that follows a full stop ("... days. [1]") kept on its sentence."""
    out: list[str] = []
    for part in (normalise(p) for p in segment("en", draft)):
        if not part:
            continue
        if _ONLY_MARKERS.match(part) and out:
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def check(
    sentence: str,
    passages: list[str],
    passage_vectors: list[np.ndarray],
    sentence_vector: np.ndarray,
    similarity: Similarity = cosine,
) -> Checked:
    """Whether a generated sentence may stay: markers present and in range, and support in the
    passages it cites."""
    found = _MARKERS.search(sentence)
    if not found:
        return Checked(sentence, [], False, "cites no passage")
    numbers = [int(n) for n in found.group(1).split(",")]
    if any(not 1 <= n <= len(passages) for n in numbers):
        return Checked(sentence, numbers, False, "cites a passage that was not retrieved")
    claim = sentence[: found.start()]
    lexical, embedding = support(
        claim,
        [passages[n - 1] for n in numbers],
        [passage_vectors[n - 1] for n in numbers],
        sentence_vector,
        similarity,
    )
    if lexical < MIN_LEXICAL_SUPPORT or embedding < MIN_EMBEDDING_SUPPORT:
        return Checked(
            sentence,
            numbers,
            False,
            f"not supported by the passages it cites (lexical {lexical:.2f}, embedding {embedding:.2f})",
        )
    return Checked(sentence, numbers, True)


def support(
    claim: str,
    cited: list[str],
    cited_vectors: list[np.ndarray],
    claim_vector: np.ndarray,
    similarity: Similarity = cosine,
) -> tuple[float, float]:
    """(share of the claim's word stems found in the cited passages, best similarity to a cited
    passage: cosine, or the encoder's on the common scale, kb.embed.similarity)."""
    claimed = terms(claim)
    present = set().union(*(terms(text) for text in cited))
    lexical = len(claimed & present) / len(claimed) if claimed else 0.0
    return lexical, max((similarity(claim_vector, v) for v in cited_vectors), default=0.0)
