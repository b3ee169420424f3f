"""`kb collection ...`: named collections of saved passages (for course packs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.markup import escape

from cli import wiring
from cli.console import fail, out
from kb.collections import CollectionError, Collections
from kb.config import get_settings

T = TypeVar("T")
collection_app = typer.Typer(help="Named collections of saved passages (for course packs).", no_args_is_help=True)


def _collection_call(call: Callable[[Collections], T]) -> T:
    store = wiring.collections(get_settings())
    try:
        return call(store)
    except CollectionError as error:
        fail(error)
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
    collection = _collection_call(lambda c: c.get(name))
    with wiring.open_searcher(get_settings()) as searcher:
        gone = searcher.missing_passages([item.passage_id for item in collection.items])
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
    if bool(passage_id) == bool(cite):
        fail("give a passage id or --cite, one of the two.")
    with wiring.open_searcher(get_settings()) as searcher:
        passage = searcher.passage(passage_id) if passage_id else searcher.cited_passage(cite or "")
    if passage is None:
        fail(f"no passage {passage_id or cite or ''!r} in the index.")
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
