"""Where the command line writes, and how it stops on bad input."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: object, code: int = 2) -> NoReturn:
    """Print the reason and exit (2: bad input)."""
    err.print(f"[red]error:[/red] {escape(str(message))}")
    raise typer.Exit(code)
