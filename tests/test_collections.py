"""Collections in SQLite: create, add with notes, reorder, remove, rename, delete, and clear errors."""

from __future__ import annotations

import pytest

from kb.collections import CollectionError, Collections
from kb.model import Passage


def passage(citation: str, pid: str) -> Passage:
    return Passage(
        id=pid,
        document_id="coe-cets197",
        text=f"Text of {citation}.",
        citation=citation,
        heading="",
        provision_path=[],
        title="CETS 197",
        short_title="CETS 197",
        jurisdiction="COE",
        instrument_type="treaty",
        language="en",
        url="https://example.org",
        start=0,
        end=10,
        content_hash="h",
        passage_count=1,
    )


@pytest.fixture
def collections(tmp_path):
    store = Collections(tmp_path / "collections.sqlite3")
    yield store
    store.close()


def test_a_collection_keeps_its_items_in_order_with_notes_across_reopening(collections, tmp_path):
    collections.create("Reflection  period")  # spaces are tidied
    a = collections.add("Reflection period", passage("CETS No 197, art 13(1)", "p1"), "the 30 days")
    b = collections.add("Reflection period", passage("AufenthG, s 59(7)", "p2"))
    c = collections.add("Reflection period", passage("Palermo Protocol, art 7(1)", "p3"))
    collections.move("Reflection period", c.id, 1)
    collections.set_note("Reflection period", b.id, "German period for departure")
    collections.close()
    reopened = Collections(tmp_path / "collections.sqlite3")
    try:
        items = reopened.get("Reflection period").items
        assert [i.citation for i in items] == [
            "Palermo Protocol, art 7(1)",
            "CETS No 197, art 13(1)",
            "AufenthG, s 59(7)",
        ]
        assert [i.position for i in items] == [1, 2, 3]
        assert items[1].note == "the 30 days" and items[2].note == "German period for departure"
        reopened.remove("Reflection period", a.id)
        assert [i.position for i in reopened.get("Reflection period").items] == [1, 2]
        assert reopened.names()[0]["count"] == 2
    finally:
        reopened.close()


def test_rename_and_delete(collections):
    collections.create("Draft")
    collections.add("Draft", passage("CETS No 197, art 26", "p1"))
    collections.rename("Draft", "Non-punishment")
    assert [c["name"] for c in collections.names()] == ["Non-punishment"]
    collections.delete("Non-punishment")
    assert collections.names() == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.create("Module 1"), "already exists"),
        (lambda c: c.create("   "), "needs a name"),
        (lambda c: c.create("x" * 121), "at most 120"),
        (lambda c: c.create("Module\x99 3"), "control characters"),
        (lambda c: c.get("Nope"), "No collection named 'Nope'; collections: 'Module 1'"),
        (lambda c: c.add("Module 1", passage("CETS No 197, art 26", "p1")), "already in 'Module 1'"),
        (lambda c: c.remove("Module 1", 999), "has no item 999"),
        (lambda c: c.remove("Module 1", 2**70), f"has no item {2**70}"),
        (lambda c: c.move("Module 1", 1, 5), "outside 1..1"),
        (lambda c: c.rename("Module 1", "Module 2"), "already exists"),
        (lambda c: c.set_note("Module 1", 1, "n" * 4001), "at most 4000"),
    ],
)
def test_errors_say_what_is_wrong(collections, call, message):
    collections.create("Module 1")
    collections.create("Module 2")
    collections.add("Module 1", passage("CETS No 197, art 26", "p1"))
    with pytest.raises(CollectionError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        call(collections)


def test_a_collection_is_its_owners_and_of_those_it_is_shared_with(collections):
    from kb.collections import NoSuchCollection

    alice, bob, carol = collections.scoped("alice"), collections.scoped("bob"), collections.scoped("carol")
    alice.create("Module 1")
    alice.add("Module 1", passage("CETS No 197, art 13", "p1"))
    collections.create("Module 1")  # the shared workspace's own, by the same name
    assert [c["name"] for c in bob.names()] == [] and [c["owner"] for c in collections.names()] == [""]
    with pytest.raises(NoSuchCollection, match="collections: none yet"):
        bob.get("Module 1")  # and the error names only what bob may see
    alice.share("Module 1", "bob")
    assert bob.shared_with("Module 1") == ["bob"] and [c["owner"] for c in bob.names()] == ["alice"]
    bob.add("Module 1", passage("CETS No 197, art 14", "p2"))  # a person shared with may add
    assert [i.citation for i in alice.get("Module 1").items] == ["CETS No 197, art 13", "CETS No 197, art 14"]
    with pytest.raises(CollectionError, match="Only the collection's owner, alice, may delete it"):
        bob.delete("Module 1")
    with pytest.raises(CollectionError, match="rename"):
        bob.rename("Module 1", "Mine")
    with pytest.raises(NoSuchCollection):
        carol.get("Module 1")
    assert collections.get("Module 1").items == []  # the workspace's is another collection
    alice.delete("Module 1")
    assert bob.names() == []


def test_collections_made_before_owners_become_the_shared_workspaces(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE collections (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created TEXT NOT NULL,
                                  updated TEXT NOT NULL);
        CREATE TABLE items (id INTEGER PRIMARY KEY,
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE, position INTEGER NOT NULL,
            passage_id TEXT NOT NULL, document_id TEXT NOT NULL, citation TEXT NOT NULL, title TEXT NOT NULL,
            jurisdiction TEXT NOT NULL, instrument_type TEXT NOT NULL, url TEXT NOT NULL, text TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '', added TEXT NOT NULL, UNIQUE (collection_id, passage_id));
        INSERT INTO collections VALUES (1, 'Old module', '2026-01-01', '2026-01-01');
        INSERT INTO items VALUES
            (1, 1, 1, 'p1', 'd', 'CETS No 197, art 13', 't', 'COE', 'treaty', 'u', 'x', 'n', 'now');
        """
    )
    db.commit()
    db.close()
    store = Collections(path)
    assert [i.citation for i in store.get("Old module").items] == ["CETS No 197, art 13"]
    store.delete("Old module")  # the items' reference to the table survived the change: they go with it
    assert store.db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 0
    store.close()
