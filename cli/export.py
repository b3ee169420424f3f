"""`kb export`: course packs as Markdown and/or DOCX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cli import wiring
from cli.console import err, fail, out
from kb import export
from kb.collections import CollectionError
from kb.config import get_settings
from kb.retrieve import SearchError


def export_pack(
    out_path: Annotated[Path, typer.Option("--out", help="File to write; .md or .docx (both: give --format both).")],
    collection: Annotated[str | None, typer.Option(help="Build from this collection.")] = None,
    topic: Annotated[list[str] | None, typer.Option("--topic", help="Or from topics (repeatable)...")] = None,
    jurisdictions: Annotated[str, typer.Option(help="...and these jurisdictions, comma-separated.")] = "",
    title: Annotated[str, typer.Option(help="The pack's title.")] = "",
    fmt: Annotated[str, typer.Option("--format", help="md, docx or both (default: from --out).")] = "",
) -> None:
    """A course pack: key provisions quoted with citations, case studies, discussion questions and a
    bibliography, as Markdown and/or DOCX."""
    fmt = fmt or out_path.suffix.lstrip(".").lower()
    if fmt not in ("md", "docx", "both") or bool(collection) == bool(topic):
        fail("give --collection or --topic (with --jurisdictions), and --out ending in .md or .docx.")
    settings = get_settings()
    collections = wiring.collections(settings)
    try:
        with wiring.open_searcher(settings) as searcher:
            if collection:
                pack = export.from_collection(collections, searcher, collection, title)
            else:
                pack = export.from_topics(searcher, topic or [], jurisdictions.split(","), title)
    except (CollectionError, SearchError) as error:
        fail(error)
    finally:
        collections.close()
    written = []
    if fmt in ("md", "both"):
        target = out_path.with_suffix(".md")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(export.to_markdown(pack), encoding="utf-8")
        written.append(target)
    if fmt in ("docx", "both"):
        written.append(export.to_docx(pack, out_path.with_suffix(".docx")))
    for message in pack.missing:
        err.print(f"[yellow]missing:[/yellow] {escape(message)}")
    out.print("wrote " + ", ".join(str(p) for p in written))
