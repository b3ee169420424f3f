"""Collections: named, ordered lists of saved passages with notes, for course packs and research.

Kept in SQLite under the data directory (collections.sqlite3). Each item keeps a copy of what was
saved (citation, title, text, address), so a collection still says what it held when a passage
has since been removed from the index or replaced by a new version of its document.

A collection belongs to its owner (a person's account name; "" for the server's shared workspace,
used where no one is signed in) and to the people it is shared with, who may add to it and edit its
items; only its owner renames, shares or deletes it. `Collections.scoped(owner)` sees those only.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from kb.model import Passage

MAX_NAME = 120
MAX_NOTE = 4000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS collections (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    UNIQUE (owner, name)
);
CREATE TABLE IF NOT EXISTS shares (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (collection_id, name)
);
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    passage_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    citation TEXT NOT NULL,
    title TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    instrument_type TEXT NOT NULL,
    url TEXT NOT NULL,
    text TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    added TEXT NOT NULL,
    UNIQUE (collection_id, passage_id)
);
"""


class CollectionError(ValueError):
    """A collection operation that cannot be done; the message says why."""


class NoSuchCollection(CollectionError):
    """No collection, or no item in it, by that name or id."""


class AlreadyThere(CollectionError):
    """The name is taken, or the passage is already in the collection."""


T = TypeVar("T")


def _locked(method: Callable[..., T]) -> Callable[..., T]:
    """One operation at a time: the API serves requests from a thread pool over one connection."""

    @functools.wraps(method)
    def run(self: Collections, *args: Any, **kwargs: Any) -> T:
        with self._lock:
            return method(self, *args, **kwargs)

    return run


@dataclass
class Item:
    id: int
    position: int
    passage_id: str
    document_id: str
    citation: str
    title: str
    jurisdiction: str
    instrument_type: str
    url: str
    text: str
    note: str
    added: str


@dataclass
class Collection:
    name: str
    created: str
    updated: str
    items: list[Item] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "count": len(self.items)}


class Collections:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        _migrate(self.db)
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self.owner = ""  # the shared workspace

    def scoped(self, owner: str) -> Collections:
        """The same store, seeing only the collections `owner` owns or has been shared."""
        view = object.__new__(Collections)
        view.db, view._lock, view.owner = self.db, self._lock, owner
        return view

    def close(self) -> None:
        self.db.close()

    # --- collections ---------------------------------------------------------------------
    @_locked
    def names(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT c.name, c.owner, c.created, c.updated, COUNT(i.id) AS count FROM collections c "
            f"LEFT JOIN items i ON i.collection_id = c.id WHERE {_VISIBLE} GROUP BY c.id ORDER BY c.name",
            {"owner": self.owner},
        )
        return [dict(row) for row in rows]

    @_locked
    def create(self, name: str) -> Collection:
        name = _valid_name(name)
        now = _now()
        try:
            with self.db:
                self.db.execute(
                    "INSERT INTO collections (owner, name, created, updated) VALUES (?, ?, ?, ?)",
                    (self.owner, name, now, now),
                )
        except sqlite3.IntegrityError as error:
            raise AlreadyThere(f"A collection named {name!r} already exists.") from error
        return self.get(name)

    @_locked
    def ensure(self, name: str) -> Collection:
        """The collection by this name, created when there is none yet."""
        name = _valid_name(name)
        try:
            return self.get(name)
        except NoSuchCollection:
            return self.create(name)

    @_locked
    def share(self, name: str, person: str) -> Collection:
        """Let another person see and edit the collection (its owner only)."""
        row = self._owned(name, "share")
        if not person or person == self.owner:
            raise CollectionError("Share a collection with another person's account name.")
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO shares (collection_id, name) VALUES (?, ?)", (row["id"], person))
        return self.get(name)

    @_locked
    def erase_all(self) -> int:
        """Delete every collection this scope owns, then rewrite the file so that no free page keeps
        their names, notes or copies (a matter's collections, when the matter is erased)."""
        with self.db:
            deleted = self.db.execute("DELETE FROM collections WHERE owner = ?", (self.owner,)).rowcount
        self.db.execute("VACUUM")
        return deleted

    @_locked
    def shared_with(self, name: str) -> list[str]:
        row = self._row(name)
        shared = self.db.execute("SELECT name FROM shares WHERE collection_id = ? ORDER BY name", (row["id"],))
        return [r[0] for r in shared]

    @_locked
    def get(self, name: str) -> Collection:
        row = self._row(name)
        items = self.db.execute("SELECT * FROM items WHERE collection_id = ? ORDER BY position", (row["id"],))
        return Collection(
            row["name"],
            row["created"],
            row["updated"],
            [Item(**{k: r[k] for k in Item.__dataclass_fields__}) for r in items],
        )

    @_locked
    def rename(self, name: str, new_name: str) -> Collection:
        row, new_name = self._owned(name, "rename"), _valid_name(new_name)
        try:
            with self.db:
                self.db.execute(
                    "UPDATE collections SET name = ?, updated = ? WHERE id = ?", (new_name, _now(), row["id"])
                )
        except sqlite3.IntegrityError as error:
            raise AlreadyThere(f"A collection named {new_name!r} already exists.") from error
        return self.get(new_name)

    @_locked
    def delete(self, name: str) -> None:
        row = self._owned(name, "delete")
        with self.db:
            self.db.execute("DELETE FROM collections WHERE id = ?", (row["id"],))

    # --- items ---------------------------------------------------------------------------
    @_locked
    def add(self, name: str, passage: Passage, note: str = "") -> Item:
        row = self._row(name)
        note = _valid_note(note)
        position = self.db.execute(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM items WHERE collection_id = ?", (row["id"],)
        ).fetchone()[0]
        try:
            with self.db:
                cursor = self.db.execute(
                    "INSERT INTO items (collection_id, position, passage_id, document_id, citation, title,"
                    " jurisdiction, instrument_type, url, text, note, added)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        row["id"],
                        position,
                        passage.id,
                        passage.document_id,
                        passage.citation,
                        passage.title,
                        passage.jurisdiction,
                        passage.instrument_type,
                        passage.url,
                        passage.text,
                        note,
                        _now(),
                    ),
                )
                self._touch(row["id"])
        except sqlite3.IntegrityError as error:
            raise AlreadyThere(f"{passage.citation} is already in {row['name']!r}.") from error
        return self._item(row, cursor.lastrowid or 0)

    @_locked
    def remove(self, name: str, item_id: int) -> None:
        row = self._row(name)
        self._item(row, item_id)
        with self.db:
            self.db.execute("DELETE FROM items WHERE id = ?", (item_id,))
            self._renumber(row["id"])
            self._touch(row["id"])

    @_locked
    def move(self, name: str, item_id: int, position: int) -> Collection:
        """Put an item at `position` (1 = first); the others keep their order around it."""
        row = self._row(name)
        self._item(row, item_id)
        ids = [
            r[0]
            for r in self.db.execute("SELECT id FROM items WHERE collection_id = ? ORDER BY position", (row["id"],))
        ]
        if not 1 <= position <= len(ids):
            raise CollectionError(f"Position {position} is outside 1..{len(ids)}.")
        ids.remove(item_id)
        ids.insert(position - 1, item_id)
        with self.db:
            for index, current in enumerate(ids, 1):
                self.db.execute("UPDATE items SET position = ? WHERE id = ?", (index, current))
            self._touch(row["id"])
        return self.get(row["name"])

    @_locked
    def set_note(self, name: str, item_id: int, note: str) -> Item:
        row = self._row(name)
        self._item(row, item_id)
        with self.db:
            self.db.execute("UPDATE items SET note = ? WHERE id = ?", (_valid_note(note), item_id))
            self._touch(row["id"])
        return self._item(row, item_id)

    # --- helpers -------------------------------------------------------------------------
    def _row(self, name: str) -> sqlite3.Row:
        """The visible collection by this name, the caller's own first."""
        row = self.db.execute(
            f"SELECT * FROM collections c WHERE c.name = :name AND {_VISIBLE} ORDER BY c.owner = :owner DESC LIMIT 1",
            {"name": name, "owner": self.owner},
        ).fetchone()
        if row is None:
            known = ", ".join(repr(c["name"]) for c in self.names()) or "none yet"
            raise NoSuchCollection(f"No collection named {name!r}; collections: {known}.")
        return row

    def _owned(self, name: str, what: str) -> sqlite3.Row:
        row = self._row(name)
        if row["owner"] != self.owner:
            raise CollectionError(f"Only the collection's owner, {row['owner']}, may {what} it.")
        return row

    def _item(self, row: sqlite3.Row, item_id: int) -> Item:
        # An id beyond SQLite's 64-bit integers names no item (and would overflow the query).
        in_range = -(2**63) <= item_id < 2**63
        found = (
            self.db.execute("SELECT * FROM items WHERE id = ? AND collection_id = ?", (item_id, row["id"])).fetchone()
            if in_range
            else None
        )
        if found is None:
            raise NoSuchCollection(f"Collection {row['name']!r} has no item {item_id}.")
        return Item(**{k: found[k] for k in Item.__dataclass_fields__})

    def _renumber(self, collection_id: int) -> None:
        ids = [
            r[0]
            for r in self.db.execute("SELECT id FROM items WHERE collection_id = ? ORDER BY position", (collection_id,))
        ]
        for index, item_id in enumerate(ids, 1):
            self.db.execute("UPDATE items SET position = ? WHERE id = ?", (index, item_id))

    def _touch(self, collection_id: int) -> None:
        self.db.execute("UPDATE collections SET updated = ? WHERE id = ?", (_now(), collection_id))


# What a scope sees: its own collections, and those shared with it (a person, not the workspace).
_VISIBLE = "(c.owner = :owner OR (:owner != '' AND c.id IN (SELECT collection_id FROM shares WHERE name = :owner)))"


def _migrate(db: sqlite3.Connection) -> None:
    """A store made before collections had owners: its collections become the shared workspace's."""
    columns = [row[1] for row in db.execute("PRAGMA table_info(collections)")]
    if not columns or "owner" in columns:
        return
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA legacy_alter_table = ON")  # items keep referring to "collections", the new table
    with db:
        db.execute("ALTER TABLE collections RENAME TO collections_old")
        db.executescript(_SCHEMA.split("CREATE TABLE IF NOT EXISTS items")[0])
        db.execute(
            "INSERT INTO collections (id, owner, name, created, updated) "
            "SELECT id, '', name, created, updated FROM collections_old"
        )
        db.execute("DROP TABLE collections_old")
    db.execute("PRAGMA legacy_alter_table = OFF")


def _valid_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise CollectionError("A collection needs a name.")
    if "/" in name:
        raise CollectionError("A collection name cannot contain '/' (it is part of the collection's address).")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise CollectionError("A collection name cannot contain control characters.")
    if len(name) > MAX_NAME:
        raise CollectionError(f"A collection name has at most {MAX_NAME} characters, got {len(name)}.")
    return name


def _valid_note(note: str) -> str:
    if len(note) > MAX_NOTE:
        raise CollectionError(f"A note has at most {MAX_NOTE} characters, got {len(note)}.")
    return note.strip()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
