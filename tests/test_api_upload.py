"""Uploads through a real server: indexing a file does not stall other requests, and every suffix
ingest reads is accepted."""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import pytest

from ingest.load import SUPPORTED_SUFFIXES
from ingest.pipeline import IngestReport

from .conftest import API_KEY as KEY

WRITE = {"X-API-Key": KEY}


@pytest.fixture
def client(base_url):
    with httpx.Client(base_url=base_url, timeout=300) as c:
        yield c


def long_statute(sections: int) -> bytes:
    """A Markdown statute of many sections, each a distinct provision to embed."""
    lines = ["# Harbour Moorings Act\n"]
    for n in range(1, sections + 1):
        lines.append(
            f"## Section {n}. Berth {n}\n\nThe harbour master shall keep berth {n} free for vessels of class {n % 7} "
            f"between tide {n % 12} and tide {(n + 5) % 12}, and record each mooring fee paid under section {n} "
            f"in the ledger of quay {n % 9}.\n"
        )
    return "\n".join(lines).encode("utf-8")


def test_the_server_answers_other_requests_while_a_file_is_indexed(client, base_url, library):
    name = f"moorings-{uuid.uuid4().hex[:8]}.md"
    kept = library.settings.data_dir / "uploads" / name
    finished: list[str] = []
    uploaded: list[httpx.Response] = []

    def upload() -> None:
        with httpx.Client(base_url=base_url, timeout=300) as own:
            response = own.post("/api/documents", files={"file": (name, long_statute(300))}, headers=WRITE)
        finished.append("upload")
        uploaded.append(response)

    thread = threading.Thread(target=upload)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not kept.exists() and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)  # the library keeps the file, then indexes it
        assert kept.exists() and thread.is_alive(), "the upload was not seen being indexed"
        health = client.get("/api/health")
        finished.append("health")
    finally:
        thread.join(timeout=300)
        if uploaded and uploaded[0].status_code == 201:
            client.delete(f"/api/documents/{uploaded[0].json()['indexed'][0]['document_id']}", headers=WRITE)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert uploaded[0].status_code == 201, uploaded[0].text
    assert uploaded[0].json()["passages_written"] >= 300
    assert finished == ["health", "upload"]  # health was not kept waiting for the indexing


def test_a_text_file_is_accepted_as_ingest_reads_it(client):
    name = f"night-rules-{uuid.uuid4().hex[:8]}.text"
    content = b"Night Rules\n\nRule 1. A guest may stay in the night shelter for fourteen nights.\n"
    created = client.post("/api/documents", files={"file": (name, content)}, data={"jurisdiction": "US"}, headers=WRITE)
    assert created.status_code == 201, created.text
    assert set(created.json()) == set(IngestReport().as_json())  # the report's fields, all of them
    (indexed,) = created.json()["indexed"]
    assert indexed["path"].endswith(name) and indexed["passages"] >= 1
    removed = client.delete(f"/api/documents/{indexed['document_id']}", headers=WRITE)
    assert removed.status_code == 200
    assert removed.json() == {"removed": indexed["document_id"], "passages": indexed["passages"]}


def test_an_unsupported_file_is_refused_with_the_suffixes_ingest_reads(client):
    refused = client.post("/api/documents", files={"file": ("rules.rtf", b"{\\rtf1 Rules}")}, headers=WRITE)
    assert refused.status_code == 415
    assert refused.json()["detail"].endswith(f"upload one of: {', '.join(SUPPORTED_SUFFIXES)}.")


def test_a_file_name_no_file_system_takes_is_refused_with_a_reason(client):
    name = "a" * 300 + ".md"  # over the 255 bytes a file name may have
    refused = client.post("/api/documents", files={"file": (name, b"# Notes\n\nSome text.")}, headers=WRITE)
    assert refused.status_code == 400
    assert refused.json()["detail"] == "A file name has at most 200 bytes and no control characters."
