"""Uploads through a real server: the suffixes ingest reads are the ones accepted."""

from __future__ import annotations

import uuid

import httpx
import pytest

from ingest.load import SUPPORTED_SUFFIXES

from .conftest import API_KEY as KEY

WRITE = {"X-API-Key": KEY}


@pytest.fixture
def client(base_url):
    with httpx.Client(base_url=base_url, timeout=300) as c:
        yield c


def test_a_text_file_is_accepted_as_ingest_reads_it(client):
    name = f"night-rules-{uuid.uuid4().hex[:8]}.text"
    content = b"Night Rules\n\nRule 1. A guest may stay in the night shelter for fourteen nights.\n"
    created = client.post("/api/documents", files={"file": (name, content)}, data={"jurisdiction": "US"}, headers=WRITE)
    assert created.status_code == 201, created.text
    (indexed,) = created.json()["indexed"]
    assert indexed["path"].endswith(name) and indexed["passages"] >= 1
    assert client.delete(f"/api/documents/{indexed['document_id']}", headers=WRITE).status_code == 200


def test_an_unsupported_file_is_refused_with_the_suffixes_ingest_reads(client):
    refused = client.post("/api/documents", files={"file": ("rules.rtf", b"{\\rtf1 Rules}")}, headers=WRITE)
    assert refused.status_code == 415
    assert refused.json()["detail"].endswith(f"upload one of: {', '.join(SUPPORTED_SUFFIXES)}.")
