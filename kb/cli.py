"""The `kb` command line: ingest files, search them, draft answers, compare jurisdictions, show the index."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kb.config import get_settings

app = typer.Typer(help="Haven: cited legal research on the rights of trafficked migrants.", no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (Markdown, text, HTML, DOCX, LIMS XML).")],
    jurisdiction: Annotated[str | None, typer.Option(help="Jurisdiction code for files without a manifest.")] = None,
    instrument_type: Annotated[
        str | None, typer.Option("--type", help="Instrument type for files without one.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title for a single file without a manifest.")] = None,
    prune: Annotated[bool, typer.Option(help="Remove documents read from these folders whose files are gone.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
) -> None:
    """Index files; unchanged files are skipped, changed ones replace their old passages."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.metadata import Overrides
    from ingest.pipeline import FileProgress, Indexer, IngestReport
    from kb import services
    from kb.store import open_registry, open_store

    settings = get_settings()
    store, registry = open_store(settings), open_registry(settings)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        indexer = Indexer(store, registry, services.passage_embedder(settings))
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
        total = store.count_documents()
    finally:
        store.close()
        registry.close()
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


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="A question or keywords.")],
    jurisdiction: Annotated[list[str] | None, typer.Option("--jurisdiction", "-j", help="Repeatable.")] = None,
    instrument_type: Annotated[list[str] | None, typer.Option("--type", "-t", help="Repeatable.")] = None,
    language: Annotated[list[str] | None, typer.Option("--language", "-l", help="Default: KB_LANGUAGES.")] = None,
    topic: Annotated[list[str] | None, typer.Option("--topic", help="A topic id of corpus/topics.toml.")] = None,
    only: Annotated[
        bool, typer.Option("--only", help="A state's own law only, without the treaties binding it.")
    ] = False,
    limit: Annotated[int, typer.Option(help="Results, 1 to 100.")] = 10,
    facets: Annotated[bool, typer.Option("--facets", help="Also count results per jurisdiction, type, topic.")] = False,
    context: Annotated[
        bool, typer.Option("--context", help="With each result, the passages before and after it in its provision.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Hybrid (dense + BM25) search; results carry their pinpoint citations.

    A citation as the query ("art 13 CETS 197", "8 USC 1255(l)") returns that provision first."""
    from kb import services
    from kb.retrieve import SearchError, SearchFilters

    searcher = services.searcher(get_settings())
    try:
        filters = SearchFilters(jurisdiction or [], instrument_type or [], language or [], topic or [], only)
        response = searcher.search(query, filters, limit, facets, context)
    except SearchError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error
    finally:
        services.close_searcher(searcher)
    if as_json:
        print(json.dumps(response.as_json(), ensure_ascii=False, indent=2))
        return
    if not response.hits:
        out.print("No passage matches.")
    for rank, hit in enumerate(response.hits, 1):
        p = hit.passage
        snippet = " ".join(p.text.split())[:240]
        layer = hit.as_json()["layer"]
        cited = " [green](cited)[/green]" if hit.match == "citation" else ""
        out.print(
            f"[bold]{rank}. {escape(p.citation)}[/bold]{cited}  "
            f"[dim]{p.jurisdiction} ({layer}) · {p.instrument_type} · {escape(p.title[:80])}[/dim]"
        )
        out.print(f"   {snippet}{'…' if len(p.text) > 240 else ''}", highlight=False, markup=False)
        for side, mark in (("before", "before:"), ("after", "after: ")):
            neighbour = (hit.context or {}).get(side)
            if neighbour:
                words = " ".join(neighbour["text"].split())[:100]
                out.print(f"   [dim]{mark} {escape(neighbour['citation'])}  {escape(words)}…[/dim]", highlight=False)
    if facets:
        for name, counts in response.facets.items():
            listed = ", ".join(f"{value} {count}" for value, count in counts.items())
            out.print(f"[dim]{name}: {escape(listed) or '-'}[/dim]")
    out.print(f"[dim]{len(response.hits)} results in {response.took_ms:.1f} ms[/dim]")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question about victims' rights, in your own words.")],
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option(
            "--jurisdiction",
            "-j",
            help="Repeatable: one answer per jurisdiction (its own law and the treaties binding it).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """A draft answer in which every sentence quotes a provision and cites it ([1], [2] ...), or an
    abstention when the corpus holds nothing that answers the question."""
    from kb import services
    from kb.retrieve import SearchError

    settings = get_settings()
    searcher = services.searcher(settings)
    try:
        draft = services.answerer(settings, searcher).ask(question, jurisdiction or [])
    except SearchError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error
    finally:
        services.close_searcher(searcher)
    if as_json:
        print(json.dumps(draft.as_json(), ensure_ascii=False, indent=2))
        return
    if draft.abstained:
        out.print("[yellow]No answer in the corpus.[/yellow]")
    out.print(draft.answer, highlight=False, markup=False)
    out.print()
    for number, citation in enumerate(draft.citations, 1):
        line = f"[{number}] {citation.citation} · {citation.title[:70]} · {citation.url}"
        out.print(line, style="dim", highlight=False, markup=False)
    for removed in draft.removed:
        out.print(f"removed: {removed['sentence']} ({removed['reason']})", style="dim", highlight=False, markup=False)
    for note in draft.notes if not draft.abstained else []:
        out.print(note, style="yellow", highlight=False, markup=False)
    out.print(f"[dim]{escape(draft.drafter)} draft in {draft.took_ms:.0f} ms[/dim]")


@app.command()
def compare(
    jurisdictions: Annotated[str, typer.Option("--jurisdictions", help="Comma-separated, e.g. DE,GB,US,CA.")],
    topics: Annotated[str, typer.Option("--topics", help="Comma-separated topic ids of corpus/topics.toml.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a Markdown table.")] = False,
) -> None:
    """A jurisdiction x topic matrix: each state's own provisions on each topic, with citations."""
    from kb import services
    from kb.compare import NOT_FOUND
    from kb.compare import compare as build
    from kb.retrieve import SearchError
    from kb.topics import load_topics

    searcher = services.searcher(get_settings())
    try:
        matrix = build(searcher, jurisdictions.split(","), topics.split(","))
    except SearchError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error
    finally:
        services.close_searcher(searcher)
    if as_json:
        print(json.dumps(matrix.as_json(), ensure_ascii=False, indent=2))
        return
    if markdown:
        print(matrix.as_markdown(), end="")
        return
    labels = {t.id: t.label for t in load_topics()}
    table = Table("topic", *matrix.jurisdictions, show_lines=True)
    for topic in matrix.topics:
        cells = []
        for code in matrix.jurisdictions:
            provisions = matrix.cell(code, topic).provisions
            cells.append("\n".join(escape(c.citation) for c in provisions) or f"[dim]{NOT_FOUND}[/dim]")
        table.add_row(escape(labels.get(topic, topic)), *cells)
    out.print(table)


def _known_document(registry, document_id: str) -> None:  # noqa: ANN001
    known = registry.all()
    if document_id not in known:
        listed = ", ".join(sorted(known)[:30]) or "(the index is empty)"
        err.print(f"[red]error:[/red] no document {document_id!r} in the index; known: {listed}")
        raise typer.Exit(2)


@app.command()
def show(document_id: Annotated[str, typer.Argument(help="A document id, as `kb stats --documents` lists.")]) -> None:
    """The document's outline: its groups and the citation of every passage, in reading order."""
    from ingest.pipeline import live_passages
    from kb.store import open_registry, open_store

    settings = get_settings()
    store, registry = open_store(settings), open_registry(settings)
    try:
        _known_document(registry, document_id)
        passages = live_passages(store, registry, document_id)
    finally:
        store.close()
        registry.close()
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
    out.print(f"[dim]{len(passages)} passages[/dim]")


@app.command()
def remove(document_ids: Annotated[list[str], typer.Argument(help="Document ids to remove from the index.")]) -> None:
    """Remove documents and all their passages."""
    from ingest.pipeline import remove_document
    from kb.store import open_registry, open_store

    settings = get_settings()
    store, registry = open_store(settings), open_registry(settings)
    try:
        for document_id in document_ids:
            _known_document(registry, document_id)
        for document_id in document_ids:
            out.print(f"removed {document_id} ({remove_document(store, registry, document_id)} passages)")
    finally:
        store.close()
        registry.close()


@app.command()
def stats(
    documents: Annotated[bool, typer.Option("--documents", help="List every document id with its passages.")] = False,
) -> None:
    """Passages in the index per jurisdiction, instrument type and language (or per document)."""
    from kb.store import open_store

    store = open_store(get_settings())
    try:
        table = Table("field", "value", "passages")
        fields = ("document_id",) if documents else ("jurisdiction", "instrument_type", "language")
        for field_name in fields:
            for value, count in sorted(store.value_counts(field_name).items()):
                table.add_row(field_name, value, str(count))
        out.print(table)
        out.print(f"{store.count_documents()} passages")
    finally:
        store.close()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web UI (/) and the HTTP API (/api, OpenAPI at /docs) on the configured index.

    One process: the embedded store locks its directory; use KB_QDRANT_URL for several workers."""
    import uvicorn

    from search_api.app import create_app

    out.print(f"Haven at http://{host}:{port}/  (API: /api, OpenAPI: /docs)")
    uvicorn.run(create_app(get_settings()), host=host, port=port, log_level="info")


collection_app = typer.Typer(help="Named collections of saved passages (for course packs).", no_args_is_help=True)
app.add_typer(collection_app, name="collection")


def _collections():  # noqa: ANN202
    from kb.collections import Collections

    return Collections(get_settings().data_dir / "collections.sqlite3")


def _collection_call(call):  # noqa: ANN001, ANN202
    from kb.collections import CollectionError

    store = _collections()
    try:
        return call(store)
    except CollectionError as error:
        err.print(f"[red]error:[/red] {escape(str(error))}")
        raise typer.Exit(2) from error
    finally:
        store.close()


@collection_app.command("create")
def collection_create(name: Annotated[str, typer.Argument(help="The collection's name.")]) -> None:
    """Create an empty collection."""
    created = _collection_call(lambda c: c.create(name))
    out.print(f"created {escape(created.name)!r}")


@collection_app.command("list")
def collection_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Collections with their item counts."""
    names = _collection_call(lambda c: c.names())
    if as_json:
        print(json.dumps(names, ensure_ascii=False, indent=2))
        return
    for entry in names:
        out.print(f"{escape(entry['name'])}  [dim]{entry['count']} items, updated {entry['updated']}[/dim]")


@collection_app.command("show")
def collection_show(name: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """A collection's items in order; those no longer in the index are marked."""
    from kb import services

    collection = _collection_call(lambda c: c.get(name))
    searcher = services.searcher(get_settings())
    try:
        gone = searcher.missing_passages([item.passage_id for item in collection.items])
    finally:
        services.close_searcher(searcher)
    if as_json:
        payload = collection.as_json()
        for item in payload["items"]:
            item["in_index"] = item["passage_id"] not in gone
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]{escape(collection.name)}[/bold]  [dim]{len(collection.items)} items[/dim]")
    for item in collection.items:
        flag = " [yellow](no longer in the index)[/yellow]" if item.passage_id in gone else ""
        note = f"  [dim]— {escape(item.note)}[/dim]" if item.note else ""
        out.print(f"{item.position}. [bold]{escape(item.citation)}[/bold] [dim](item {item.id})[/dim]{flag}{note}")


@collection_app.command("add")
def collection_add(
    name: str,
    passage_id: Annotated[str | None, typer.Argument(help="A passage id, as search results give it.")] = None,
    cite: Annotated[str | None, typer.Option("--cite", help='Or a citation: "CETS No 197, art 13(1)".')] = None,
    note: Annotated[str, typer.Option(help="A note kept with the item.")] = "",
) -> None:
    """Save a passage (by id, or the provision a citation names) into a collection."""
    from kb import services

    if bool(passage_id) == bool(cite):
        err.print("[red]error:[/red] give a passage id or --cite, one of the two.")
        raise typer.Exit(2)
    searcher = services.searcher(get_settings())
    try:
        passage = searcher.passage(passage_id) if passage_id else searcher.cited_passage(cite or "")
    finally:
        services.close_searcher(searcher)
    if passage is None:
        err.print(f"[red]error:[/red] no passage {escape(passage_id or cite or '')!r} in the index.")
        raise typer.Exit(2)
    item = _collection_call(lambda c: c.add(name, passage, note))
    out.print(f"added {escape(item.citation)} to {escape(name)!r} as item {item.id}")


@collection_app.command("remove")
def collection_remove(name: str, item_id: int) -> None:
    """Remove an item from a collection."""
    _collection_call(lambda c: c.remove(name, item_id))
    out.print(f"removed item {item_id} from {escape(name)!r}")


@collection_app.command("move")
def collection_move(name: str, item_id: int, position: int) -> None:
    """Move an item to a position (1 = first)."""
    _collection_call(lambda c: c.move(name, item_id, position))
    out.print(f"item {item_id} is now at position {position}")


@collection_app.command("note")
def collection_note(name: str, item_id: int, note: str) -> None:
    """Replace an item's note."""
    _collection_call(lambda c: c.set_note(name, item_id, note))
    out.print(f"noted item {item_id}")


@collection_app.command("rename")
def collection_rename(name: str, new_name: str) -> None:
    """Rename a collection."""
    _collection_call(lambda c: c.rename(name, new_name))
    out.print(f"renamed {escape(name)!r} to {escape(new_name)!r}")


@collection_app.command("delete")
def collection_delete(name: str) -> None:
    """Delete a collection and its items."""
    _collection_call(lambda c: c.delete(name))
    out.print(f"deleted {escape(name)!r}")


@app.command("export")
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
    from kb import export, services
    from kb.collections import CollectionError, Collections
    from kb.retrieve import SearchError

    fmt = fmt or out_path.suffix.lstrip(".").lower()
    if fmt not in ("md", "docx", "both") or bool(collection) == bool(topic):
        err.print(
            "[red]error:[/red] give --collection or --topic (with --jurisdictions), and --out ending in .md or .docx."
        )
        raise typer.Exit(2)
    settings = get_settings()
    searcher = services.searcher(settings)
    collections = Collections(settings.data_dir / "collections.sqlite3")
    try:
        if collection:
            pack = export.from_collection(collections, searcher, collection, title)
        else:
            pack = export.from_topics(searcher, topic or [], jurisdictions.split(","), title)
    except (CollectionError, SearchError) as error:
        err.print(f"[red]error:[/red] {escape(str(error))}")
        raise typer.Exit(2) from error
    finally:
        collections.close()
        services.close_searcher(searcher)
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


@app.command("eval")
def evaluate(
    gold: Annotated[bool, typer.Option(help="Run the team's gold set (eval/gold_questions.toml).")] = True,
    bench: Annotated[bool, typer.Option(help="Run the external benchmarks (../shared/bench).")] = True,
    split: Annotated[str, typer.Option(help="Benchmark split: dev (for tuning) or test (to report).")] = "dev",
    output: Annotated[
        Path | None, typer.Option("--out", help="JSON results; default eval/results/eval-<split>.json.")
    ] = None,
) -> None:
    """Retrieval quality (Recall@k, MRR@10, nDCG@10, MAP@10) beside BM25, dense and Haystack-tutorial baselines."""
    from eval.run import EvalError
    from eval.run import main as run_eval

    if split not in ("dev", "test"):
        err.print(f"[red]The split must be dev or test, got {escape(split)!r}.[/red]")
        raise typer.Exit(2)
    try:
        run_eval(get_settings(), gold, bench, split, output, out)
    except EvalError as error:
        err.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error


def main() -> None:
    from kb.store import StoreError

    try:
        app()
    except StoreError as error:
        err.print(f"[red]error:[/red] {error}")
        raise SystemExit(3) from error


if __name__ == "__main__":
    main()
