"""Indexing: idempotent re-runs, replacement of changed files, bad files skipped, crash safety."""

from __future__ import annotations

import pytest

from ingest.metadata import Overrides
from ingest.pipeline import Indexer

from .conftest import write_pdf


def passages_of(store, document_id: str):
    return store.filter_documents({"field": "meta.document_id", "operator": "==", "value": document_id})


def test_ingest_indexes_every_format_and_reports_the_broken_file(store, index, passage_embedder, fixture_docs):
    events = []
    report = Indexer(index, passage_embedder).ingest([fixture_docs], on_progress=events.append)
    indexed = {doc_id for _, doc_id, _ in report.indexed}
    assert indexed == {
        "model-convention",
        "model-code",
        "guidance",
        "notes",
        "model-act",
        "uslm-title",
        "akn-convention",
        "clml-act",
    }
    reasons = {path.name: reason for path, reason in report.skipped}
    assert set(reasons) == {"broken.md", "truncated.xml", "akoma.xml"}
    assert "not UTF-8" in reasons["broken.md"] and "invalid XML" in reasons["truncated.xml"]
    assert store.count_documents() == report.passages_written
    # Progress: each file announced before parsing, then its embedded passages up to the total.
    assert {e.files_total for e in events} == {report.files_total} == {11}
    finals = {e.path.name: (e.passages_done, e.passages_total) for e in events}
    assert finals["model-convention.md"] == (6, 6) and finals["broken.md"] == (0, 0)
    assert [e.file_number for e in events] == sorted(e.file_number for e in events)
    for document in store.filter_documents():
        meta = document.meta
        assert document.content and meta["citation"] and meta["document_id"] and meta["jurisdiction"]
        assert document.embedding is not None and len(document.embedding) == 384


def test_reingesting_unchanged_files_changes_nothing(store, index, passage_embedder, fixture_docs):
    indexer = Indexer(index, passage_embedder)
    indexer.ingest([fixture_docs / "legal"])
    before = {d.id: d.content for d in store.filter_documents()}
    again = indexer.ingest([fixture_docs / "legal"])
    assert again.indexed == [] and len(again.unchanged) == 2
    assert {d.id: d.content for d in store.filter_documents()} == before


def test_changed_file_replaces_all_its_old_passages(store, index, passage_embedder, fixture_docs):
    indexer = Indexer(index, passage_embedder)
    indexer.ingest([fixture_docs / "legal"])
    convention = {d.id: d.content for d in passages_of(store, "model-convention")}
    code = fixture_docs / "legal" / "model-code.md"
    code.write_text(code.read_text().split("#### § 402")[0].replace("four-year", "five-year"))
    report = indexer.ingest([fixture_docs / "legal"])
    assert [doc_id for _, doc_id, _ in report.indexed] == ["model-code"]
    texts = " ".join(d.content for d in passages_of(store, "model-code"))
    assert "five-year" in texts and "four-year" not in texts
    assert "Confidentiality" not in " ".join(d.meta["heading"] for d in passages_of(store, "model-code"))
    assert len(passages_of(store, "model-code")) == 2
    assert {d.id: d.content for d in passages_of(store, "model-convention")} == convention  # untouched


def test_interrupted_ingest_is_repaired_by_the_next_run(
    store, registry, index, passage_embedder, fixture_docs, monkeypatch
):
    indexer = Indexer(index, passage_embedder)
    indexer.ingest([fixture_docs / "legal"])
    old = [d.content for d in index.passages("model-code")]
    code = fixture_docs / "legal" / "model-code.md"
    code.write_text(code.read_text().split("#### § 402")[0].replace("four-year", "five-year"))

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies here

    # Killed before the commit: the new passages are in the store, but the old version stays live.
    monkeypatch.setattr(registry, "commit", crash)
    with pytest.raises(KeyboardInterrupt):
        indexer.ingest([fixture_docs / "legal"])
    monkeypatch.undo()
    assert [d.content for d in index.passages("model-code")] == old
    assert len(old) == 3 and len(passages_of(store, "model-code")) == 3 + 2  # both versions, the old one live

    # Killed after the commit, before the old version is deleted: the new version is live, whole.
    monkeypatch.setattr(index, "_remove_other_versions", crash)
    with pytest.raises(KeyboardInterrupt):
        indexer.ingest([fixture_docs / "legal"])
    monkeypatch.undo()
    live = index.passages("model-code")
    assert len(live) == 2 and "five-year" in " ".join(d.content for d in live)

    report = indexer.ingest([fixture_docs / "legal"])  # the next run clears what was left
    assert report.indexed == []
    current = passages_of(store, "model-code")
    assert len({d.meta["content_hash"] for d in current}) == 1
    assert len(current) == current[0].meta["passage_count"] == 2


def test_options_supply_metadata_for_files_without_a_manifest(store, index, passage_embedder, fixture_docs):
    report = Indexer(index, passage_embedder).ingest(
        [fixture_docs / "notes.txt"], Overrides(jurisdiction="gb", instrument_type="guidance", title="Helpline notes")
    )
    assert report.skipped == []
    (doc,) = passages_of(store, "notes")[:1]
    assert (doc.meta["jurisdiction"], doc.meta["instrument_type"], doc.meta["title"]) == (
        "GB",
        "guidance",
        "Helpline notes",
    )


def test_bad_options_and_missing_paths_are_reported(store, index, passage_embedder, fixture_docs):
    report = Indexer(index, passage_embedder).ingest(
        [fixture_docs / "notes.txt", fixture_docs / "missing.md"], Overrides(instrument_type="poem")
    )
    reasons = {path.name: reason for path, reason in report.skipped}
    assert "unknown instrument type 'poem'" in reasons["notes.txt"]
    assert reasons["missing.md"] == "no such file or directory"
    assert store.count_documents() == 0


def test_prune_removes_documents_whose_files_are_gone_and_remove_by_id(
    store, registry, index, passage_embedder, fixture_docs
):
    indexer = Indexer(index, passage_embedder)
    indexer.ingest([fixture_docs / "legal", fixture_docs / "notes.txt"])
    (fixture_docs / "legal" / "model-code.md").unlink()
    kept = indexer.ingest([fixture_docs / "legal"])  # without --prune nothing is removed
    assert kept.pruned == [] and len(passages_of(store, "model-code")) == 3
    report = indexer.ingest([fixture_docs / "legal"], prune=True)
    assert report.pruned == ["model-code"]
    assert passages_of(store, "model-code") == []
    assert len(passages_of(store, "notes")) == 1  # read from elsewhere: not pruned
    assert index.remove("notes") == 1 and passages_of(store, "notes") == []
    assert set(registry.all()) == {"model-convention"}


def test_pdf_passages_are_stored_with_their_page(store, index, passage_embedder, fixture_docs):
    write_pdf(
        fixture_docs / "act.pdf",
        ["Section 1 Scope\n\nThis Act applies to victims.", "Section 2 Aid\n\nLegal aid is free."],
    )
    (fixture_docs / "damaged.pdf").write_bytes((fixture_docs / "act.pdf").read_bytes()[:400])
    report = Indexer(index, passage_embedder).ingest([fixture_docs], Overrides(jurisdiction="GB"))
    assert "truncated" in dict((path.name, reason) for path, reason in report.skipped)["damaged.pdf"]
    pages = {doc.meta["citation"]: doc.meta["page"] for doc in passages_of(store, "act")}
    assert pages == {"act, s 1": 1, "act, s 2": 2}
