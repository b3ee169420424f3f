"""The FastAPI application: the JSON API under /api, the web UI at /, OpenAPI at /docs.

One process serves the embedded store (it locks its directory); to run several workers, point
them at a Qdrant server or cluster with KB_QDRANT_URL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from search_api import api, matters, web, web_matters
from search_api.errors import STATUS, status_of
from search_api.library import Library
from search_api.security import FailureLimiter


def create_app(library: Library | Callable[[], Library], cors_origins: list[str] | None = None) -> FastAPI:
    """An app over `library`: an open one is kept open; a factory (cli/wiring.py's open_library) is
    called at startup, and what it opened is closed at shutdown."""
    if isinstance(library, Library):
        cors_origins = library.settings.cors_origins if cors_origins is None else cors_origins

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = library if isinstance(library, Library) else library()
        app.state.library = opened
        try:
            yield
        finally:
            if opened is not library:
                opened.close()

    app = FastAPI(
        title="Haven",
        summary="Cited legal research on the rights of migrant victims of human trafficking.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.limiter = FailureLimiter()  # failed keys and passwords, per client address
    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=cors_origins, allow_methods=["GET", "POST", "PATCH", "DELETE"])

    for kind in STATUS:
        app.add_exception_handler(kind, known_error)
    app.add_exception_handler(web_matters.SignInNeeded, web_matters.to_sign_in)
    app.include_router(api.router)
    app.include_router(matters.router)
    app.include_router(web_matters.router)
    app.include_router(web.router)
    web.mount_static(app)
    return app


async def known_error(request: Request, error: Exception) -> Response:
    """An error of search_api/errors.py's table, answered with its status and its message as the
    reason: `{"detail": ...}` from the API, the error page from the web UI."""
    route = request.scope.get("route")
    if isinstance(route, APIRoute) and route.path.startswith(api.router.prefix):
        return JSONResponse({"detail": str(error)}, status_code=status_of(error))
    return web.error_page(request, error)
