"""FakeLLM: a small OpenAI-compatible chat server for tests, standing in for a real model server
(none can run here). It drafts from the passages in the prompt; the model name picks its behaviour:
- "fake-faithful": one sentence built from passage [1]'s own words, cited [1];
- "fake-unfaithful": that sentence, plus an invented one cited [1], one citing a passage that was
  not given ([9]) and one citing nothing;
- "fake-refuses": "NO ANSWER";
- "fake-broken": HTTP 500.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from .serving import serving

INVENTED = "Every victim is entitled to a ten-year residence permit and a payment of 5,000 euros [1]."
NOT_GIVEN = "The permit can be renewed without limit [9]."
UNCITED = "States must grant citizenship after one year."


class Message(BaseModel):
    role: str
    content: str


class ChatRequest(BaseModel):
    model: str
    messages: list[Message]


def faithful_sentence(prompt: str) -> str:
    """Passage [1]'s first sentence, reworded only at its start, cited [1]."""
    first = re.search(r"\[1\] (?P<citation>[^\n]*)\n(?P<text>.*?)(?:\n\n\[2\] |\n\nQuestion: )", prompt, re.S)
    if not first:
        return "NO ANSWER"
    text = re.sub(r"^\(?\w{1,3}[.)]\s+", "", " ".join(first["text"].split()))  # drop "3." or "(a)"
    sentence = re.split(r"(?<=[a-z])\.\s", text)[0].rstrip(".")
    return f"Under {first['citation']}, {sentence} [1]."


def create_app() -> FastAPI:
    app = FastAPI(title="FakeLLM")
    app.state.requests = []

    @app.post("/v1/chat/completions")
    def complete(request: ChatRequest) -> dict:
        app.state.requests.append(request)
        prompt = request.messages[-1].content
        if request.model == "fake-broken":
            raise HTTPException(500, "the fake model is broken on purpose")
        if request.model == "fake-refuses":
            text = "NO ANSWER"
        elif request.model == "fake-unfaithful":
            text = " ".join([faithful_sentence(prompt), INVENTED, NOT_GIVEN, UNCITED])
        else:
            text = faithful_sentence(prompt)
        return {
            "id": "fake-1",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    return app


@contextmanager
def running() -> Iterator[tuple[str, FastAPI]]:
    """The fake server on a free loopback port: yields its base URL (ending in /v1) and the app."""
    app = create_app()
    with serving(app) as url:
        yield f"{url}/v1", app
