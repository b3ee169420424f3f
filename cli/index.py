"""Commands that change or show the index: ingest, show, remove, stats."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli import wiring
from cli.console import err, fail, out
from ingest.metadata import Overrides
from ingest.pipeline import FileProgress, Indexer, IngestReport
from kb.config import get_settings
from kb.related import related
from kb.store import LiveIndex, open_index


def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders: Markdown, text, HTML, DOCX, PDF, legislation XML."),
    ],
    jurisdiction: Annotated[str | None, typer.Option(help="Jurisdiction code for files without a manifest.")] = None,
    instrument_type: Annotated[
        str | None, typer.Option("--type", help="Instrument type for files without one.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title for a single file without a manifest.")] = None,
    prune: Annotated[bool, typer.Option(help="Remove documents read from these folders whose files are gone.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
) -> None:
    """Index files; unchanged files are skipped, changed ones replace their old passages."""
    settings = get_settings()
    index = open_index(settings)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        indexer = Indexer(index, wiring.passage_embedder(settings))
        with Progress(*columns, console=err, transient=True, disable=as_json) as progress:
            overall = progress.add_task("files", total=None)
            current = progress.add_task("", total=None, visible=False)
            started = time.perf_counter()

            def on_progress(at: FileProgress) -> None:
                progress.update(overall, total=at.files_total)
                if progress.tasks[current].fields.get("path") != at.path:  # a new file: parsing starts
                    progress.reset(current, path=at.path, visible=True)
                progress.update(current, completed=at.passages_done, total=at.passages_total or None)
                elapsed = progress.tasks[current].elapsed or 0.0
                rate = at.passages_done / elapsed if elapsed else 0.0
                progress.update(current, description=f"  {at.path.name[:28]:<28} {rate:5.1f} passages/s")

            def on_file(outcome: str, path: Path, detail: str, report: IngestReport) -> None:
                if outcome == "skipped":
                    err.print(f"[red]skipped[/red]   {escape(str(path))}: {escape(detail)}")
                elif not as_json:
                    out.print(f"{outcome:<9} {escape(detail)} from {escape(str(path))}")
                rate = report.passages_written / max(time.perf_counter() - started, 1e-9)
                progress.update(overall, total=report.files_total or None, advance=1)
                progress.update(overall, description=f"all files {'':<20} {rate:5.1f} passages/s")

            overrides = Overrides(jurisdiction, instrument_type, title)
            report = indexer.ingest(paths, overrides, prune=prune, on_file=on_file, on_progress=on_progress)
        total = index.count()
    finally:
        index.close()
    if as_json:
        print(json.dumps({**report.as_json(), "passages_in_index": total}, ensure_ascii=False, indent=2))
    else:
        for path in report.ignored:
            out.print(f"ignored   {path} (this format is not read yet)")
        for document_id in report.pruned:
            out.print(f"removed   {document_id} (its file is gone)")
        rate = report.passages_written / report.seconds if report.seconds else 0.0
        table = Table("summary", "", show_header=False)
        table.add_row("documents", f"{len(report.indexed)} indexed, {len(report.unchanged)} unchanged")
        table.add_row("passages", f"{report.passages_written} written ({rate:.1f}/s), {total} in the index")
        table.add_row("skipped files", str(len(report.skipped)))
        for phase, seconds in report.timings.items():
            table.add_row(f"time {phase}", f"{seconds:.1f} s")
        table.add_row("time in all", f"{report.seconds:.1f} s")
        out.print(table)
    if report.skipped:
        raise typer.Exit(1)


def _known_document(index: LiveIndex, document_id: str) -> None:
    known = index.records()
    if document_id not in known:
        listed = ", ".join(sorted(known)[:30]) or "(the index is empty)"
        fail(f"no document {document_id!r} in the index; known: {listed}")


def show(
    target: Annotated[
        str,
        typer.Argument(help='A document id (`kb stats --documents`), or a citation: "AufenthG s 25(4a)".'),
    ],
) -> None:
    """A document's outline (its groups, the citation of every passage and what it cites), or one
    provision with its text, what it cites and what cites it."""
    index = open_index(get_settings())
    try:
        known = target in index.records()
        passages = index.passages(target) if known else []
    finally:
        index.close()
    if not known:
        _show_provision(target)
        return
    first = passages[0].meta
    where = f"{first['jurisdiction']} · {first['instrument_type']} · {first['url']}"
    out.print(f"[bold]{escape(first['title'])}[/bold]  [dim]{escape(where)}[/dim]")
    groups: list[str] = []
    for passage in passages:
        meta = passage.meta
        path = meta["provision_path"]
        depth = len(path) - (2 if path and path[-1].startswith("(") else 1)
        current = path[:depth]
        for level, group in enumerate(current):
            if level >= len(groups) or groups[level] != group:
                out.print("  " * level + f"[cyan]{escape(group)}[/cyan]", highlight=False)
        groups = current
        words = escape(" ".join((passage.content or "").split()[:12]))
        heading = escape(f" — {meta['heading']}") if meta.get("heading") else ""
        label = f"[bold]{escape(meta['citation'])}[/bold]{heading}"
        out.print("  " * depth + f"{label} [dim]\\[{meta['language']}] {words}…[/dim]", highlight=False)
        if meta.get("cites"):
            out.print("  " * (depth + 1) + f"[dim]cites {escape('; '.join(meta['cites']))}[/dim]", highlight=False)
    out.print(f"[dim]{len(passages)} passages[/dim]")


def _show_provision(citation: str) -> None:
    with wiring.open_searcher(get_settings()) as searcher:
        passage = searcher.cited_passage(citation)
        if passage is None:
            known = ", ".join(sorted(searcher.index.records())[:30]) or "(the index is empty)"
            fail(f"{citation!r} is neither a document id nor the citation of an indexed provision; known: {known}")
        links = related(searcher, passage)
    heading = escape(f" — {passage.heading}") if passage.heading else ""
    out.print(f"[bold]{escape(passage.citation)}[/bold]{heading}  [dim]{escape(passage.document_id)}[/dim]")
    out.print(escape(passage.text), highlight=False)
    for name, found in (("Cites", links.cites), ("Cited by", links.cited_by)):
        out.print(f"[bold]{name}[/bold] ({len(found)})")
        for link in found:
            where = link.document_id or "not in the corpus"
            about = escape(f" — {link.heading}") if link.heading else ""
            out.print(f"  {escape(link.citation)}{about} [dim]({escape(where)})[/dim]", highlight=False)
    if links.transpositions:
        out.print(f"[bold]Transposition[/bold] ({len(links.transpositions)})")
        for t in links.transpositions:
            out.print(f"  {t['relation']}: {escape(t['citation'])} — {escape(t['about'])}", highlight=False)
            out.print(f"    [dim]basis: {t['basis']}. {escape(t['source'])}[/dim]", highlight=False)


def remove(document_ids: Annotated[list[str], typer.Argument(help="Document ids to remove from the index.")]) -> None:
    """Remove documents and all their passages."""
    index = open_index(get_settings())
    try:
        for document_id in document_ids:
            _known_document(index, document_id)
        for document_id in document_ids:
            out.print(f"removed {document_id} ({index.remove(document_id)} passages)")
    finally:
        index.close()


def stats(
    documents: Annotated[bool, typer.Option("--documents", help="List every document id with its passages.")] = False,
) -> None:
    """Passages in the index per jurisdiction, instrument type and language (or per document)."""
    index = open_index(get_settings())
    try:
        table = Table("field", "value", "passages")
        fields = ("document_id",) if documents else ("jurisdiction", "instrument_type", "language")
        for field_name in fields:
            for value, count in sorted(index.facets(field_name).items()):
                table.add_row(field_name, value, str(count))
        out.print(table)
        out.print(f"{index.count()} passages")
    finally:
        index.close()
