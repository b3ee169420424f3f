"""Who is asking. A key is sent as `X-API-Key: <key>` or `Authorization: Bearer <key>`; it is a
person's key (`kb user add`, kb/accounts.py) or a service key from KB_API_KEYS (comma-separated),
which acts as an admin but is no person: it cannot open or read a matter.

Writes to the public corpus need an admin. Reads need a key only when KB_API_READS_NEED_KEY is set;
matters always need one. With no key configured and no account, writes are refused: an open write
API would let anyone change the corpus lawyers rely on.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque

from fastapi import HTTPException, Request

from kb.accounts import User

SERVICE = User("service", "admin", service=True)
SESSION_COOKIE = "haven_session"
# Failed keys and passwords per client address: more than this many in a minute are answered 429.
MAX_FAILURES = 10
FAILURE_WINDOW = 60.0


class FailureLimiter:
    """Slows guessing: counts failed sign-ins and keys per client address over a sliding window."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = FAILURE_WINDOW):
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and failures[0] < now - self.window:
            failures.popleft()
        return failures

    def check(self, client: str) -> None:
        with self._lock:
            if len(self._recent(client, time.monotonic())) >= self.limit:
                raise HTTPException(429, "Too many failed attempts from this address: wait a minute.")

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client, time.monotonic()).append(time.monotonic())


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _presented(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def caller(request: Request) -> User | None:
    """The person or service the request's key belongs to; None without a valid key. A wrong key
    counts as a failure for the client's address, and too many of them are refused (429). Worked
    out once per request, however many checks ask."""
    if not hasattr(request.state, "caller"):
        request.state.caller = _caller(request)
    return request.state.caller


def _caller(request: Request) -> User | None:
    presented = _presented(request)
    if presented is None:
        return None
    library = request.app.state.library
    limiter: FailureLimiter = request.app.state.limiter
    limiter.check(client_address(request))
    if any(hmac.compare_digest(presented, key) for key in library.settings.api_keys):
        return SERVICE
    user = library.accounts.by_key(presented)
    if user is None:
        limiter.failed(client_address(request))
    return user


async def collection_owner(request: Request) -> str:
    """Whose collections a request reads and edits: its person's; "" (the shared workspace) for a
    request without a person's key, as before accounts existed."""
    user = caller(request)
    return user.name if user is not None and not user.service else ""


def signed_in(request: Request) -> tuple[User, str] | None:
    """The web UI's signed-in person and their session's CSRF token, from the session cookie (looked
    up once per request)."""
    if not hasattr(request.state, "signed_in"):
        token = request.cookies.get(SESSION_COOKIE)
        request.state.signed_in = request.app.state.library.accounts.by_session(token) if token else None
    return request.state.signed_in


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
