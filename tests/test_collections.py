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
