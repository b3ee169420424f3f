"""The HTTP API through a real server (uvicorn on loopback) over the team's fixture documents."""

from __future__ import annotations

import httpx
import pytest

from .conftest import API_KEY as KEY


@pytest.fixture
def client(base_url):
    with httpx.Client(base_url=base_url, timeout=60) as c:
        yield c


def test_health_counts_the_index(client):
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["store"] == "embedded" and health["drafter"] == "extractive"
    assert health["documents"] >= 3 and health["passages"] > 0


def test_search_by_get_and_post_agree_and_carry_citations(client):
    got = client.get("/api/search", params={"q": "claim damages from those who deceived them", "limit": 3}).json()
    posted = client.post("/api/search", json={"q": "claim damages from those who deceived them", "limit": 3}).json()
    assert [r["id"] for r in got["results"]] == [r["id"] for r in posted["results"]]
    assert got["results"][0]["citation"] == "Model Convention, art 3"
    assert {"citation", "document_id", "jurisdiction", "layer", "url", "text"} <= set(got["results"][0])


def test_search_filters_and_facets(client):
    found = client.get(
        "/api/search", params={"q": "permanent stay", "jurisdiction": "US", "only": True, "facets": True}
    )
    payload = found.json()
    assert found.status_code == 200 and payload["results"]
    assert {r["jurisdiction"] for r in payload["results"]} == {"US"}
    assert set(payload["facets"]) == {"jurisdiction", "instrument_type", "topics"}


def test_ask_and_compare_answer_as_the_cli_does(client):
    draft = client.post(
        "/api/ask", json={"question": "How long must a deceived person be allowed to wait before removal?"}
    )
    assert draft.status_code == 200
    body = draft.json()
    assert not body["abstained"] and body["citations"][0]["citation"] == "Model Convention, art 2"
    matrix = client.post("/api/compare", json={"jurisdictions": ["US"], "topics": ["permanent_residence"]}).json()
    assert matrix["jurisdictions"] == ["US"] and len(matrix["cells"]) == 1


def test_documents_outline_and_passages(client):
    listed = client.get("/api/documents").json()
    assert "model-convention" in {d["id"] for d in listed}
    outline = client.get("/api/documents/model-convention").json()
    assert outline["passages"][0]["citation"].startswith("Model Convention")
    first = outline["passages"][0]
    passage = client.get(f"/api/passages/{first['id']}").json()
    assert passage["citation"] == first["citation"] and passage["document_id"] == "model-convention"


def test_cross_references_link_both_ways(client, base_url):
    outline = client.get("/api/documents/model-code").json()["passages"]
    by_citation = {p["citation"]: p for p in outline}
    confidentiality = next(p for c, p in by_citation.items() if c.endswith("§ 402"))
    status = next(p for c, p in by_citation.items() if c.endswith("§ 401") or c.endswith("§ 401(a)"))
    assert [c["citation"] for c in confidentiality["cites"]] == [status["citation"].split("(")[0]]
    assert confidentiality["cites"][0]["indexed"] is True
    assert confidentiality["citation"] in {c["citation"] for c in status["cited_by"]}

    related = client.get(f"/api/passages/{confidentiality['id']}/related").json()
    target = related["cites"][0]
    assert target["in_corpus"] and target["document_id"] == "model-code"
    assert client.get(f"/api/passages/{target['passage_id']}").json()["citation"].split("(")[0] == target["citation"]
    back = client.get(f"/api/passages/{status['id']}/related").json()
    assert confidentiality["id"] in {c["passage_id"] for c in back["cited_by"]}
    missing = client.get("/api/passages/no-such-passage/related")
    assert missing.status_code == 404 and "no-such-passage" in missing.json()["detail"]
    page = httpx.get(f"{base_url}/documents/model-code", timeout=60).text
    assert "Cited by:" in page and "Cites:" in page


def test_reference_lists(client):
    codes = {j["code"]: j for j in client.get("/api/jurisdictions").json()}
    assert codes["DE"]["layer"] == "national" and "COE" in codes["DE"]["member_of"]
    topics = {t["id"] for t in client.get("/api/topics").json()}
    assert "reflection_period" in topics


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "reason"),
    [
        ("get", "/api/search", {"params": {"q": "x", "jurisdiction": "ZZ"}}, 400, "Unknown jurisdiction 'ZZ'"),
        ("get", "/api/search", {"params": {"q": "x", "limit": 0}}, 422, "greater than or equal to 1"),
        ("get", "/api/search", {"params": {"q": "x" * 2001}}, 422, "at most 2000"),
        ("post", "/api/search", {"json": {"q": ""}}, 422, "at least 1"),
        ("get", "/api/search", {"params": {"q": "NOT residence"}}, 400, "nothing to search for"),
        ("post", "/api/ask", {"json": {"question": "x", "jurisdictions": ["XX"]}}, 400, "Unknown jurisdiction"),
        ("post", "/api/compare", {"json": {"jurisdictions": ["US"], "topics": ["visas"]}}, 400, "Unknown topic"),
        ("get", "/api/documents/nope", {}, 404, "No document 'nope'"),
        ("get", "/api/passages/nope", {}, 404, "No passage 'nope'"),
        ("post", "/api/search", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, ""),
    ],
)
def test_bad_input_is_a_4xx_with_a_reason(client, method, url, kwargs, status, reason):
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == status
    assert reason in str(response.json()["detail"])


def test_writes_need_the_key_and_uploads_are_indexed_and_removable(client):
    upload = {
        "file": (
            "shelter-rules.md",
            b"# Shelter Rules\n\n## Rule 1\n\nA deceived person may stay in a shelter for ninety days.\n",
        )
    }
    assert client.post("/api/documents", files=upload).status_code == 401
    assert client.post("/api/documents", files=upload, headers={"X-API-Key": "wrong"}).status_code == 401
    created = client.post("/api/documents", files=upload, data={"jurisdiction": "US"}, headers={"X-API-Key": KEY})
    assert created.status_code == 201, created.text
    assert created.json()["indexed"][0]["document_id"] == "shelter-rules"
    found = client.get("/api/search", params={"q": "shelter for ninety days", "limit": 1}).json()
    assert found["results"][0]["document_id"] == "shelter-rules"
    assert client.delete("/api/documents/shelter-rules").status_code == 401
    removed = client.delete("/api/documents/shelter-rules", headers={"Authorization": f"Bearer {KEY}"})
    assert removed.status_code == 200 and removed.json()["passages"] > 0
    assert client.get("/api/documents/shelter-rules").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "status", "reason"),
    [
        ("tool.exe", b"MZ", 415, "Unsupported file"),
        ("latin1.md", "Caf\u00e9 r\u00e8gles".encode("latin-1"), 422, "not indexed"),
        ("huge.txt", b"a" * (2 * 2**20 + 1), 413, "upload limit"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(client, library, name, content, status, reason, monkeypatch):
    monkeypatch.setattr(library.settings, "max_upload_mb", 2)
    response = client.post("/api/documents", files={"file": (name, content)}, headers={"X-API-Key": KEY})
    assert response.status_code == status
    assert reason in response.json()["detail"]
    assert not (library.settings.data_dir / "uploads" / name).exists()


def test_reads_can_require_a_key_and_cors_is_off_by_default(client, library, monkeypatch):
    monkeypatch.setattr(library.settings, "api_reads_need_key", True)
    assert client.get("/api/search", params={"q": "shelter"}).status_code == 401
    assert client.get("/api/search", params={"q": "shelter"}, headers={"X-API-Key": KEY}).status_code == 200
    assert client.get("/api/health").status_code == 200  # liveness stays open
    assert (
        "access-control-allow-origin" not in client.get("/api/health", headers={"Origin": "https://x.example"}).headers
    )
