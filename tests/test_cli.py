"""The `kb` command as a user runs it: a real process, a real data directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from .conftest import FIXTURES

KB = [sys.executable, "-m", "cli"]


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("data")
    return {**os.environ, "KB_DATA_DIR": str(data)}


def kb(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KB, *args], env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def ingested(env, tmp_path_factory) -> subprocess.CompletedProcess:
    docs = tmp_path_factory.mktemp("docs")
    shutil.copytree(FIXTURES, docs, dirs_exist_ok=True)
    return kb(env, "ingest", str(docs), "--json")


def test_ingest_reports_the_skipped_file_and_exits_non_zero(ingested):
    assert ingested.returncode == 1
    assert "broken.md: not UTF-8" in ingested.stderr
    summary = json.loads(ingested.stdout)
    assert {d["document_id"] for d in summary["indexed"]} >= {"model-convention", "model-code", "model-act"}
    assert len(summary["indexed"]) == 8 and len(summary["skipped"]) == 3
    assert summary["passages_written"] == summary["passages_in_index"] > 0
    assert set(summary["timings"]) == {"parsing", "embedding", "writing"}


def test_search_json(env, ingested):
    result = kb(env, "search", "claim damages from those who deceived them", "--json", "--limit", "3")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["query"] == "claim damages from those who deceived them"
    assert payload["results"][0]["citation"] == "Model Convention, art 3"
    assert payload["took_ms"] > 0


def test_search_human_output_and_filters(env, ingested):
    result = kb(env, "search", "permanent stay after three years", "-j", "US", "--limit", "2")
    assert result.returncode == 0, result.stderr
    assert "1. 9 M.C. § 401(b)" in result.stdout
    assert "COE" not in result.stdout


def test_search_errors_exit_with_a_reason(env, ingested):
    result = kb(env, "search", "damages", "-j", "FR")
    assert result.returncode == 2
    assert "Unknown jurisdiction 'FR'; known:" in result.stderr
    assert kb(env, "search", "damages", "--limit", "500").returncode == 2


def test_show_prints_the_outline_with_citations(env, ingested):
    result = kb(env, "show", "model-code")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Model Code, Title 9 (test fixture)")
    order = [next(i for i, line in enumerate(lines) if c in line) for c in ("§ 401(a)", "§ 401(b)", "§ 402")]
    assert order == sorted(order)
    assert any("Chapter 4 PERSONS MOVED ACROSS BORDERS" in line for line in lines)
    unknown = kb(env, "show", "no-such-document")
    assert unknown.returncode == 2 and "known: " in unknown.stderr and "model-code" in unknown.stderr


def test_kill_9_leaves_every_document_wholly_old_or_wholly_new(tmp_path):
    from kb.store import DocumentRegistry, EdgeDocumentStore

    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "legal", docs)
    shutil.copy(FIXTURES / "guidance.html", docs)
    shutil.copy(FIXTURES / "notes.txt", docs)
    data = tmp_path / "data"
    env = {**os.environ, "KB_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"}
    assert kb(env, "ingest", str(docs)).returncode == 0

    def live_state() -> dict[str, tuple[str, int, int]]:
        store = EdgeDocumentStore(data / "qdrant" / "passages")
        registry = DocumentRegistry(EdgeDocumentStore(data / "qdrant" / "passages-documents"))
        try:
            from kb.store import LiveIndex

            return {
                doc_id: (record.content_hash, record.passage_count, len(LiveIndex(store, registry).passages(doc_id)))
                for doc_id, record in registry.all().items()
            }
        finally:
            store.close()
            registry.close()

    old = live_state()
    for file in docs.iterdir():
        if file.suffix in (".md", ".txt"):
            file.write_text(file.read_text() + "\n\nAn added closing paragraph that changes this version.\n")
    (docs / "guidance.html").write_text((docs / "guidance.html").read_text().replace("ninety", "sixty"))

    process = subprocess.Popen([*KB, "ingest", str(docs)], env=env, stdout=subprocess.PIPE, text=True)
    for line in process.stdout:
        if line.startswith("indexed"):
            process.kill()  # SIGKILL, mid-way through the run
            break
    process.wait(timeout=60)
    assert process.returncode == -9

    after_kill = live_state()
    assert set(after_kill) == set(old)
    changed = [doc_id for doc_id in old if after_kill[doc_id][0] != old[doc_id][0]]
    assert changed  # at least the document reported as indexed is new
    for doc_id, (_, count, live) in after_kill.items():
        assert live == count, f"{doc_id}: {live} live passages, its version has {count}"

    rerun = kb(env, "ingest", str(docs))
    assert rerun.returncode == 0, rerun.stderr
    final = live_state()
    for doc_id, (content_hash, count, live) in final.items():
        assert content_hash != old[doc_id][0] and live == count
        assert after_kill[doc_id][0] in (old[doc_id][0], content_hash)
    store = EdgeDocumentStore(data / "qdrant" / "passages")
    try:
        assert store.count_documents() == sum(count for _, count, _ in final.values())  # nothing stale left
    finally:
        store.close()


def test_eval_says_when_the_index_lacks_the_gold_documents(env, ingested):
    result = kb(env, "eval", "--no-bench")
    assert result.returncode == 2
    assert "lacks" in result.stderr and "kb ingest" in result.stderr
    assert kb(env, "eval", "--split", "train").returncode == 2


def test_ask_json_cites_what_it_quotes(env, ingested):
    result = kb(env, "ask", "How long must a deceived person be allowed to wait before removal?", "--json")
    assert result.returncode == 0, result.stderr
    draft = json.loads(result.stdout)
    assert not draft["abstained"] and draft["drafter"] == "extractive"
    assert draft["citations"][0]["citation"] == "Model Convention, art 2"
    first = draft["by_jurisdiction"]["COE"][0]
    assert first.startswith('Model Convention, art 2: "1. Each Party shall grant') and first.endswith("[1]")


def test_ask_abstains_on_a_state_the_corpus_lacks(env, ingested):
    result = kb(env, "ask", "What permit can a deceived person get in France?")
    assert result.returncode == 0, result.stderr
    assert "No answer in the corpus." in result.stdout
    assert "no law of France" in result.stdout


def test_compare_errors_exit_with_a_reason(env, ingested):
    result = kb(env, "compare", "--jurisdictions", "US", "--topics", "visas")
    assert result.returncode == 2
    assert "Unknown topic 'visas'" in result.stderr


def test_collection_round_trip_from_the_command_line(env, ingested):
    assert kb(env, "collection", "create", "Waiting time").returncode == 0
    added = kb(env, "collection", "add", "Waiting time", "--cite", "Model Convention art 2", "--note", "45 days")
    assert added.returncode == 0, added.stderr
    again = kb(env, "collection", "add", "Waiting time", "--cite", "Model Convention art 2")
    assert again.returncode == 2 and "already in 'Waiting time'" in again.stderr
    shown = json.loads(kb(env, "collection", "show", "Waiting time", "--json").stdout)
    assert [(i["citation"], i["note"], i["in_index"]) for i in shown["items"]] == [
        ("Model Convention, art 2", "45 days", True)
    ]
    missing = kb(env, "collection", "show", "Nope")
    assert missing.returncode == 2 and "No collection named 'Nope'" in missing.stderr
    assert kb(env, "collection", "delete", "Waiting time").returncode == 0
