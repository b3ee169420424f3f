"""`kb serve`: the web UI and the HTTP API."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn
from fastapi import FastAPI

from cli import wiring
from cli.console import out
from kb.config import get_settings
from search_api.app import create_app


def app_from_settings() -> FastAPI:
    """The app over the configured index, for `uvicorn --factory cli.serve:app_from_settings`."""
    settings = get_settings()
    return create_app(lambda: wiring.open_library(settings), settings.cors_origins)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    access_log: Annotated[
        bool, typer.Option(help="Log every request line. Off by default: queries can carry a client's facts.")
    ] = False,
) -> None:
    """Serve the web UI (/) and the HTTP API (/api, OpenAPI at /docs) on the configured index.

    One process: the embedded store locks its directory; use KB_QDRANT_URL for several workers."""
    out.print(f"Haven at http://{host}:{port}/  (API: /api, OpenAPI: /docs)")
    settings = get_settings()
    accounts = wiring.accounts(settings)
    try:
        if not accounts.users():
            out.print(
                "No users yet: `kb user add NAME --role admin` makes the first admin (its API key is printed once), "
                "`kb user password NAME` lets them sign in to the web UI's matters."
            )
    finally:
        accounts.close()
    if not settings.secret_key:
        out.print("Matter uploads are refused until KB_SECRET_KEY is set (`kb secret-key` prints a new one).")
    uvicorn.run(app_from_settings(), host=host, port=port, log_level="info", access_log=access_log)
