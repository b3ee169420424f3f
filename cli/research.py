"""Commands that read the law: search, ask, compare."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cli.console import fail, out
from cli.wiring import answerer, open_searcher
from kb.analyse import analyse
from kb.compare import NOT_FOUND
from kb.compare import compare as build_matrix
from kb.config import get_settings
from kb.query_language import languages_line
from kb.retrieve import SearchError, SearchFilters
from kb.topics import load_topics


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
    filters = SearchFilters(jurisdiction or [], instrument_type or [], language or [], topic or [], only)
    with open_searcher(get_settings()) as searcher:
        try:
            response = searcher.search(query, filters, limit, facets, context)
        except SearchError as error:
            fail(error)
    if as_json:
        print(json.dumps(response.as_json(), ensure_ascii=False, indent=2))
        return
    if response.also_searched:
        out.print(f"[dim]also searched: {escape('; '.join(response.also_searched))}[/dim]")
    if response.languages:
        out.print(f"[dim]{escape(languages_line(response.languages))}[/dim]")
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
        if hit.pinpoint:
            out.print(f"   [dim]closest to the query: {escape(hit.pinpoint)}[/dim]", highlight=False)
        out.print(f"   {snippet}{'…' if len(p.text) > 240 else ''}", highlight=False, markup=False)
        if hit.provision_text and hit.provision_text != p.text:
            out.print(f"   [dim]part of {escape(hit.provision)} (--json: provision_text)[/dim]", highlight=False)
        if hit.parallel:
            out.print(
                f"   [dim]{escape(hit.parallel['relation'])}: {escape(hit.parallel['citation'])}[/dim]", highlight=False
            )
        for link in hit.transpositions:
            out.print(
                f"   [dim]{link['relation']}: {escape(link['citation'])} ({link['basis']})[/dim]", highlight=False
            )
        for side, mark in (("before", "before:"), ("after", "after: ")):
            neighbour = (hit.context or {}).get(side)
            if neighbour:
                words = " ".join(neighbour["text"].split())[:100]
                out.print(f"   [dim]{mark} {escape(neighbour['citation'])}  {escape(words)}…[/dim]", highlight=False)
    if response.cases:
        out.print("[bold]Cases[/bold]")
        for hit in response.cases:
            why = " ".join(hit.passage.text.split())[:200]
            out.print(f"   [bold]{escape(hit.passage.citation)}[/bold]  [dim]{escape(why)}…[/dim]", highlight=False)
    if facets:
        for name, counts in response.facets.items():
            listed = ", ".join(f"{value} {count}" for value, count in counts.items())
            out.print(f"[dim]{name}: {escape(listed) or '-'}[/dim]")
    out.print(f"[dim]{len(response.hits)} results in {response.took_ms:.1f} ms[/dim]")


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
    settings = get_settings()
    with open_searcher(settings) as searcher:
        try:
            draft = answerer(settings, searcher).ask(question, jurisdiction or [])
        except SearchError as error:
            fail(error)
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


def compare(
    jurisdictions: Annotated[str, typer.Option("--jurisdictions", help="Comma-separated, e.g. DE,GB,US,CA.")],
    topics: Annotated[str, typer.Option("--topics", help="Comma-separated topic ids of corpus/topics.toml.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a Markdown table.")] = False,
) -> None:
    """A jurisdiction x topic matrix: each state's own provisions on each topic, with citations."""
    with open_searcher(get_settings()) as searcher:
        try:
            matrix = build_matrix(searcher, jurisdictions.split(","), topics.split(","))
        except SearchError as error:
            fail(error)
    if as_json:
        print(json.dumps(matrix.as_json(), ensure_ascii=False, indent=2))
        return
    if markdown:
        print(matrix.as_markdown(), end="")
        return
    labels = {t.id: t.label for t in load_topics()}
    table = Table("topic", *["EU rule" if code == "EU" else code for code in matrix.jurisdictions], show_lines=True)
    for topic in matrix.topics:
        cells = []
        for code in matrix.jurisdictions:
            cell = matrix.cell(code, topic)
            lines = [
                escape(c.citation) + "".join(f"\n  [dim]implements {escape(i.directive)}[/dim]" for i in implemented)
                for c in cell.provisions
                for implemented in [cell.implemented(c.id)]
            ]
            lines += [f"{escape(a.citation)} [dim](not in the corpus)[/dim]" for a in cell.not_in_corpus]
            cells.append("\n".join(lines) or f"[dim]{NOT_FOUND}[/dim]")
        table.add_row(escape(labels.get(topic, topic)), *cells)
    out.print(table)


def analyse_file(
    file: Annotated[Path, typer.Argument(help="A client's statement: text, Markdown, HTML, DOCX, PDF or e-mail.")],
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option("--jurisdiction", "-j", help="Repeatable: the law to apply (its own law and its treaties)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """The legal issues a statement raises (offence elements, victims' rights), the sentences that raise
    each, and the provisions that apply. The statement is read locally and never indexed."""
    from ingest.load import LoadError, load_file

    try:
        text = "\n\n".join(block.text for block in load_file(file).blocks)
    except (LoadError, OSError) as error:
        fail(f"{file}: {error}")
    with open_searcher(get_settings()) as searcher:
        try:
            analysis = analyse(searcher, text, [j.upper() for j in jurisdiction or []])
        except SearchError as error:
            fail(error)
    result = analysis.as_json()
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for code, found in result["jurisdictions"].items():
        out.print(f"[bold]{escape(code or 'Every jurisdiction')}[/bold]")
        for issue in found["issues"]:
            out.print(f"  [bold]{escape(issue['label'])}[/bold] [dim]({issue['kind']})[/dim]")
            for sentence in issue["sentences"]:
                out.print(f"    [dim]“{escape(sentence['text'][:160])}”[/dim]", highlight=False)
            for provision in issue["provisions"]:
                out.print(f"    → {escape(provision['citation'])} {escape(provision['heading'])}", highlight=False)
        ranked = "; ".join(p["citation"] for p in found["provisions"])
        out.print(f"  [bold]Provisions, best first:[/bold] {escape(ranked)}", highlight=False)
