"""API keys: writes to the corpus always need one; reads need one only when KB_API_READS_NEED_KEY
is set. Collections are the server's shared workspace, so whoever may read may edit them.

Keys come from KB_API_KEYS (comma-separated) and are sent as `X-API-Key: <key>` or
`Authorization: Bearer <key>`. With no key configured, writes are refused: an open write API
would let anyone change the corpus lawyers rely on.
"""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request


def _presented(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _valid(request: Request) -> bool:
    presented = _presented(request)
    keys = request.app.state.library.settings.api_keys
    return presented is not None and any(hmac.compare_digest(presented, key) for key in keys)


# The checks are `async`: they do no blocking work, and FastAPI runs a plain `def` dependency in its
# thread pool, a hop per request per dependency.
async def require_read(request: Request) -> None:
    if request.app.state.library.settings.api_reads_need_key and not _valid(request):
        raise HTTPException(401, "This server requires an API key for reading: send X-API-Key.")


async def require_write(request: Request) -> None:
    if not request.app.state.library.settings.api_keys:
        raise HTTPException(403, "Writing is disabled: no API key is configured on this server (KB_API_KEYS).")
    if not _valid(request):
        raise HTTPException(401, "Writing requires an API key: send X-API-Key.")
