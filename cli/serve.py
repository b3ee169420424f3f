"""`kb serve`: the web UI and the HTTP API."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from cli import wiring
from cli.console import out
from kb.config import get_settings
from search_api.app import create_app


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web UI (/) and the HTTP API (/api, OpenAPI at /docs) on the configured index.

    One process: the embedded store locks its directory; use KB_QDRANT_URL for several workers."""
    settings = get_settings()
    out.print(f"Haven at http://{host}:{port}/  (API: /api, OpenAPI: /docs)")
    app = create_app(lambda: wiring.open_library(settings), settings.cors_origins)
    uvicorn.run(app, host=host, port=port, log_level="info")
