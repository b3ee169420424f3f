"""The `kb` command as a user runs it, on a real data directory: in this process through Typer's
runner, and as a real process where the process itself is the point (SIGKILL mid-ingest)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from cli.main import app
from kb.config import Settings, get_settings
from kb.store import open_index

from .conftest import FIXTURES

RUNNER = CliRunner()


def kb(*args: str) -> Result:
    """`kb ARGS`, with the settings the environment gives now (the cached ones are dropped)."""
    get_settings.cache_clear()
    try:
        return RUNNER.invoke(app, list(args), catch_exceptions=False)
    finally:
        get_settings.cache_clear()


def data_dir_with_model(data: Path, model_cache: Path) -> Path:
    """A data directory whose model cache is the session's: the ONNX export is not made again."""
    data.mkdir(parents=True, exist_ok=True)
    (data / "models").symlink_to(model_cache, target_is_directory=True)
    return data


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, model_cache, dense_encoder) -> Path:
    return data_dir_with_model(tmp_path_factory.mktemp("data"), model_cache)


@pytest.fixture
def env(monkeypatch, data_dir) -> Path:
    """This module's data directory as the configured one, for one test."""
    monkeypatch.setenv("KB_DATA_DIR", str(data_dir))
    return data_dir


@pytest.fixture(scope="module")
def ingested(data_dir, tmp_path_factory) -> Result:
    docs = tmp_path_factory.mktemp("docs")
    shutil.copytree(FIXTURES, docs, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KB_DATA_DIR", str(data_dir))
        return kb("ingest", str(docs), "--json")


def test_ingest_reports_the_skipped_file_and_exits_non_zero(ingested):
    assert ingested.exit_code == 1
    assert "broken.md: not UTF-8" in ingested.stderr
    summary = json.loads(ingested.stdout)
    assert {d["document_id"]: d["passages"] for d in summary["indexed"]} == {
        "model-convention": 6,
        "model-code": 3,
        "guidance": 2,
        "notes": 1,
        "model-act": 2,
        "uslm-title": 3,
        "akn-convention": 3,
        "clml-act": 2,
    }
    assert sorted(Path(s["path"]).name for s in summary["skipped"]) == ["akoma.xml", "broken.md", "truncated.xml"]
    assert summary["passages_written"] == summary["passages_in_index"] == 22
    assert set(summary["timings"]) == {"parsing", "embedding", "writing"}


def test_search_json(env, ingested):
    result = kb("search", "claim damages from those who deceived them", "--json", "--limit", "3")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["query"] == "claim damages from those who deceived them"
    assert payload["results"][0]["citation"] == "Model Convention, art 3"
    assert payload["took_ms"] > 0


def test_a_result_points_to_the_paragraph_that_answers(env, ingested):
    def first(query: str) -> dict:
        return json.loads(kb("search", query, "--json", "--limit", "1").stdout)["results"][0]

    shelter = first("shelter and medical care during the waiting time")
    assert (shelter["citation"], shelter["pinpoint"]) == ("Model Convention, art 2", "Model Convention, art 2(2)")
    days = first("how many days before removal")
    assert (days["citation"], days["pinpoint"]) == ("Model Convention, art 2", "Model Convention, art 2(1)")
    # A provision of one paragraph has nothing to pinpoint.
    assert first("claim damages from those who deceived them")["pinpoint"] is None


def test_search_human_output_and_filters(env, ingested):
    result = kb("search", "permanent stay after three years", "-j", "US", "--limit", "2")
    assert result.exit_code == 0, result.stderr
    assert "1. 9 M.C. § 401(b)" in result.stdout
    assert "COE" not in result.stdout


def test_search_errors_exit_with_a_reason(env, ingested):
    result = kb("search", "damages", "-j", "FR")
    assert result.exit_code == 2
    assert "Unknown jurisdiction 'FR'; known:" in result.stderr
    assert kb("search", "damages", "--limit", "500").exit_code == 2


def test_show_prints_the_outline_with_citations(env, ingested):
    result = kb("show", "model-code")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Model Code, Title 9 (test fixture)")
    order = [next(i for i, line in enumerate(lines) if c in line) for c in ("§ 401(a)", "§ 401(b)", "§ 402")]
    assert order == sorted(order)
    assert any("Chapter 4 PERSONS MOVED ACROSS BORDERS" in line for line in lines)
    unknown = kb("show", "no-such-document")
    assert unknown.exit_code == 2 and "known: " in unknown.stderr and "model-code" in unknown.stderr


def test_kill_9_leaves_every_document_wholly_old_or_wholly_new(tmp_path, monkeypatch, model_cache, dense_encoder):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "legal", docs)
    shutil.copy(FIXTURES / "guidance.html", docs)
    shutil.copy(FIXTURES / "notes.txt", docs)
    data = data_dir_with_model(tmp_path / "data", model_cache)
    monkeypatch.setenv("KB_DATA_DIR", str(data))
    first = kb("ingest", str(docs))
    assert first.exit_code == 0, first.stderr

    def live_state() -> dict[str, tuple[str, int, int]]:
        index = open_index(Settings(data_dir=data))
        try:
            return {
                doc_id: (record.content_hash, record.passage_count, len(index.passages(doc_id)))
                for doc_id, record in index.records().items()
            }
        finally:
            index.close()

    old = live_state()
    for file in docs.iterdir():
        if file.suffix in (".md", ".txt"):
            file.write_text(file.read_text() + "\n\nAn added closing paragraph that changes this version.\n")
    (docs / "guidance.html").write_text((docs / "guidance.html").read_text().replace("ninety", "sixty"))

    # A real process, killed with SIGKILL mid-way through the run; it reuses the session's model.
    command = [sys.executable, "-m", "cli", "ingest", str(docs)]
    process = subprocess.Popen(command, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, text=True)
    reported = None
    for line in process.stdout:
        if line.startswith("indexed"):
            process.kill()
            reported = re.match(r"indexed\s+(\S+) \(", line)[1]
            break
    process.wait(timeout=60)
    process.stdout.close()
    assert process.returncode == -9

    after_kill = live_state()
    assert set(after_kill) == set(old)
    changed = [doc_id for doc_id in old if after_kill[doc_id][0] != old[doc_id][0]]
    assert reported in changed  # the document reported as indexed is new (others may be too)
    for doc_id, (_, count, live) in after_kill.items():
        assert live == count, f"{doc_id}: {live} live passages, its version has {count}"

    rerun = kb("ingest", str(docs))
    assert rerun.exit_code == 0, rerun.stderr
    final = live_state()
    for doc_id, (content_hash, count, live) in final.items():
        assert content_hash != old[doc_id][0] and live == count
        assert after_kill[doc_id][0] in (old[doc_id][0], content_hash)
    index = open_index(Settings(data_dir=data))
    try:
        assert index.store.count_documents() == sum(count for _, count, _ in final.values())  # nothing stale left
    finally:
        index.close()


def test_eval_says_when_the_index_lacks_the_gold_documents(env, ingested):
    result = kb("eval", "--no-bench")
    assert result.exit_code == 2
    assert "lacks" in result.stderr and "kb ingest" in result.stderr
    assert kb("eval", "--split", "train").exit_code == 2
    skipped = kb("eval", "--no-gold", "--questions", "eval/heldout3.toml")
    assert skipped.exit_code == 2 and "--no-gold would skip it" in skipped.stderr
    assert kb("eval", "--no-gold", "--no-bench").exit_code == 2


def test_ask_json_cites_what_it_quotes(env, ingested):
    result = kb("ask", "How long must a deceived person be allowed to wait before removal?", "--json")
    assert result.exit_code == 0, result.stderr
    draft = json.loads(result.stdout)
    assert not draft["abstained"] and draft["drafter"] == "extractive"
    assert draft["citations"][0]["citation"] == "Model Convention, art 2"
    first = draft["by_jurisdiction"]["COE"][0]
    # The quote is cited to the paragraph that holds it; the citations list names the passage.
    assert first.startswith('Model Convention, art 2(1): "1. Each Party shall grant') and first.endswith("[1]")


def test_ask_abstains_on_another_field_in_a_state_the_corpus_lacks(env, ingested):
    result = kb("ask", "How much does Italian citizenship cost?")
    assert result.exit_code == 0, result.stderr
    assert "No answer in the corpus." in result.stdout
    assert "no law of Italy" in result.stdout


def test_ask_answers_for_a_state_the_corpus_lacks_from_the_treaties_binding_it(env, ingested):
    result = kb("ask", "How long must a trafficking victim in France be allowed to wait before removal?", "--json")
    assert result.exit_code == 0, result.stderr
    draft = json.loads(result.stdout)
    assert not draft["abstained"]
    assert draft["answer"].startswith(draft["lead"]) and draft["lead"].startswith("The corpus holds no law of France")
    assert draft["citations"] and {c["layer"] for c in draft["citations"]} <= {"international", "regional"}


def test_compare_errors_exit_with_a_reason(env, ingested):
    result = kb("compare", "--jurisdictions", "US", "--topics", "visas")
    assert result.exit_code == 2
    assert "Unknown topic 'visas'" in result.stderr


def test_collection_round_trip_from_the_command_line(env, ingested):
    assert kb("collection", "create", "Waiting time").exit_code == 0
    added = kb("collection", "add", "Waiting time", "--cite", "Model Convention art 2", "--note", "45 days")
    assert added.exit_code == 0, added.stderr
    again = kb("collection", "add", "Waiting time", "--cite", "Model Convention art 2")
    assert again.exit_code == 2 and "already in 'Waiting time'" in again.stderr
    shown = json.loads(kb("collection", "show", "Waiting time", "--json").stdout)
    assert [(i["citation"], i["note"], i["in_index"]) for i in shown["items"]] == [
        ("Model Convention, art 2", "45 days", True)
    ]
    missing = kb("collection", "show", "Nope")
    assert missing.exit_code == 2 and "No collection named 'Nope'" in missing.stderr
    assert kb("collection", "delete", "Waiting time").exit_code == 0
