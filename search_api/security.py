"""Who is asking. A key is sent as `X-API-Key: <key>` or `Authorization: Bearer <key>`; it is a
person's key (`kb user add`, kb/accounts.py) or a service key from KB_API_KEYS (comma-separated),
which acts as an admin but is no person: it cannot open or read a matter.

Writes to the public corpus need an admin. Reads need a key only when KB_API_READS_NEED_KEY is set;
matters always need one. With no key configured and no account, writes are refused: an open write
API would let anyone change the corpus lawyers rely on.
"""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request

from kb.accounts import User

SERVICE = User("service", "admin", service=True)


def _presented(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def caller(request: Request) -> User | None:
    """The person or service the request's key belongs to; None without a valid key."""
    presented = _presented(request)
    if presented is None:
        return None
    library = request.app.state.library
    if any(hmac.compare_digest(presented, key) for key in library.settings.api_keys):
        return SERVICE
    return library.accounts.by_key(presented)


# The checks are `async`: they do little work, and FastAPI runs a plain `def` dependency in its
# thread pool, a hop per request per dependency.
async def require_read(request: Request) -> None:
    if request.app.state.library.settings.api_reads_need_key and caller(request) is None:
        raise HTTPException(401, "This server requires an API key for reading: send X-API-Key.")


async def require_write(request: Request) -> None:
    library = request.app.state.library
    if not library.settings.api_keys and not library.accounts.users():
        raise HTTPException(
            403, "Writing is disabled: no API key is configured on this server (KB_API_KEYS, or `kb user add`)."
        )
    user = caller(request)
    if user is None:
        raise HTTPException(401, "Writing requires an API key: send X-API-Key.")
    if not user.is_admin:
        raise HTTPException(403, "Writing to the public corpus needs an admin's key.")


async def require_user(request: Request) -> User:
    """A person or service with a valid key (matters need one)."""
    user = caller(request)
    if user is None:
        raise HTTPException(401, "This needs an API key: send X-API-Key or Authorization: Bearer.")
    return user
