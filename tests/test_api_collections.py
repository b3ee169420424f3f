"""Collections and course packs through the HTTP API of a real server: a full round trip, a passage
removed from the index after it was saved, downloads opened with python-docx, and bad input."""

from __future__ import annotations

import io
import uuid

import httpx
import pytest
from docx import Document

from .conftest import API_KEY as KEY


@pytest.fixture
def client(base_url):
    with httpx.Client(base_url=base_url, timeout=60) as c:
        yield c


@pytest.fixture
def name(client):
    """A fresh collection name; the collection is deleted afterwards if the test left it."""
    fresh = f"Pack {uuid.uuid4().hex[:8]}"
    yield fresh
    client.delete(f"/api/collections/{fresh}")


def ids_for(client, query: str, n: int) -> list[str]:
    return [r["id"] for r in client.get("/api/search", params={"q": query, "limit": n}).json()["results"]]


def test_a_collection_round_trips_through_the_api(client, name):
    created = client.post("/api/collections", json={"name": name})
    assert created.status_code == 201 and created.json()["count"] == 0
    found = client.get("/api/search", params={"q": "claim damages from those who deceived them", "limit": 5}).json()
    # Two results other than the provision added by its citation below (a collection holds a passage once).
    first, second = [r["id"] for r in found["results"] if r["citation"] != "Model Convention, art 2"][:2]
    assert client.post(f"/api/collections/{name}/items", json={"passage_id": first, "note": "core"}).status_code == 201
    assert client.post(f"/api/collections/{name}/items", json={"passage_id": second}).status_code == 201
    by_citation = client.post(f"/api/collections/{name}/items", json={"citation": "Model Convention, art 2"})
    assert by_citation.status_code == 201 and by_citation.json()["citation"] == "Model Convention, art 2"

    got = client.get(f"/api/collections/{name}").json()
    assert [i["passage_id"] for i in got["items"][:2]] == [first, second]
    assert got["items"][0]["note"] == "core" and all(i["in_index"] for i in got["items"])
    assert got["count"] == 3 and {name} <= {c["name"] for c in client.get("/api/collections").json()}

    third = got["items"][2]["id"]
    moved = client.patch(f"/api/collections/{name}/items/{third}", json={"position": 1, "note": "start here"}).json()
    assert [i["id"] for i in moved["items"]][0] == third and moved["items"][0]["note"] == "start here"
    assert [i["position"] for i in moved["items"]] == [1, 2, 3]

    renamed = client.patch(f"/api/collections/{name}", json={"name": name + " (v2)"})
    assert renamed.status_code == 200 and renamed.json()["name"] == name + " (v2)"
    assert client.get(f"/api/collections/{name}").status_code == 404
    assert client.patch(f"/api/collections/{name} (v2)", json={"name": name}).status_code == 200

    removed = client.delete(f"/api/collections/{name}/items/{moved['items'][1]['id']}")
    assert removed.status_code == 204
    assert [i["id"] for i in client.get(f"/api/collections/{name}").json()["items"]] == [
        moved["items"][0]["id"],
        moved["items"][2]["id"],
    ]
    assert client.delete(f"/api/collections/{name}").status_code == 204
    assert client.get(f"/api/collections/{name}").status_code == 404


def test_saving_into_a_new_name_creates_the_collection(client, name):
    (first,) = ids_for(client, "permanent stay", 1)
    assert client.post(f"/api/collections/{name}/items", json={"passage_id": first}).status_code == 201
    assert client.get(f"/api/collections/{name}").json()["count"] == 1


def test_the_collection_exports_as_markdown_and_docx(client, name):
    for query in ("claim damages from those who deceived them", "waiting time before removal"):
        client.post(f"/api/collections/{name}/items", json={"passage_id": ids_for(client, query, 1)[0]})
    items = client.get(f"/api/collections/{name}").json()["items"]

    markdown = client.get(f"/api/collections/{name}/export", params={"format": "md", "title": "Damages"})
    assert markdown.status_code == 200 and markdown.headers["content-type"].startswith("text/markdown")
    assert 'filename="damages.md"' in markdown.headers["content-disposition"]
    lines = markdown.text.splitlines()
    assert lines[0] == "# Damages" and "## Bibliography" in lines
    for item in items:  # each quote is followed by its citation
        cited = lines.index(next(line for line in lines if line.startswith(f"— {item['citation']}")))
        assert lines[cited - 2].startswith(">")

    docx = client.get(f"/api/collections/{name}/export", params={"format": "docx"})
    assert docx.status_code == 200 and docx.headers["content-type"].endswith("wordprocessingml.document")
    document = Document(io.BytesIO(docx.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert {"Contents", "Provisions", "Key provisions", "Bibliography"} <= set(headings)
    cited = [p.text for p in document.paragraphs if p.text.startswith("— ")]
    assert [c.split(",")[0] for c in cited] == [f"— {i['citation']}".split(",")[0] for i in items]


def test_a_passage_removed_from_the_index_is_kept_as_saved_and_flagged(client, name):
    upload = {
        "file": ("night-shelter.md", b"# Night Shelter Rules\n\n## Rule 1\n\nGuests may stay for seven nights.\n")
    }
    assert client.post(
        "/api/documents", files=upload, data={"jurisdiction": "US"}, headers={"X-API-Key": KEY}
    ).is_success
    passage = client.get("/api/documents/night-shelter").json()["passages"][-1]
    client.post(f"/api/collections/{name}/items", json={"passage_id": passage["id"]})
    assert client.delete("/api/documents/night-shelter", headers={"X-API-Key": KEY}).status_code == 200

    (item,) = client.get(f"/api/collections/{name}").json()["items"]
    assert item["in_index"] is False and "seven nights" in item["text"]
    pack = client.get(f"/api/collections/{name}/export", params={"format": "md"})
    assert pack.status_code == 200 and pack.headers["x-haven-missing"] == "1"
    assert "is no longer in the index; it is quoted as saved" in pack.text and "seven nights" in pack.text


def test_a_topic_pack_downloads_and_says_what_is_missing(client):
    pack = client.get(
        "/api/export", params={"topic": ["confidentiality_privacy"], "jurisdiction": ["US", "CA"], "format": "md"}
    )
    assert pack.status_code == 200 and "### Key provisions" in pack.text
    assert "No provision on confidentiality and privacy was found for CA." in pack.text
    assert int(pack.headers["x-haven-missing"]) >= 1


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "reason"),
    [
        ("post", "/api/collections", {"name": "   "}, 400, "needs a name"),
        ("post", "/api/collections", {"name": "a/b"}, 400, "cannot contain '/'"),
        ("get", "/api/collections/No such pack", None, 404, "No collection named 'No such pack'"),
        ("post", "/api/collections/{name}/items", {"passage_id": "nope"}, 404, "No passage 'nope'"),
        ("post", "/api/collections/{name}/items", {"passage_id": "x", "citation": "y"}, 422, "one of the two"),
        ("post", "/api/collections/{name}/items", {}, 422, "one of the two"),
        ("patch", "/api/collections/{name}/items/999999", {"note": "x"}, 404, "has no item 999999"),
        ("patch", "/api/collections/{name}/items/1", {"position": 0}, 422, "greater than or equal to 1"),
        ("get", "/api/collections/{name}/export?format=pdf", None, 422, "'md' or 'docx'"),
        ("get", "/api/export?topic=visas&jurisdiction=US", None, 400, "Unknown topic 'visas'"),
        ("get", "/api/export?topic=permanent_residence", None, 422, "jurisdiction"),
    ],
)
def test_bad_collection_requests_are_4xx_with_a_reason(client, name, method, path, body, status, reason):
    client.post("/api/collections", json={"name": name})
    kwargs = {"json": body} if body is not None else {}
    response = client.request(method.upper(), path.format(name=name), **kwargs)
    assert response.status_code == status, response.text
    assert reason in str(response.json()["detail"])


def test_duplicates_are_conflicts(client, name):
    (first,) = ids_for(client, "permanent stay", 1)
    client.post(f"/api/collections/{name}/items", json={"passage_id": first})
    again = client.post(f"/api/collections/{name}/items", json={"passage_id": first})
    assert again.status_code == 409 and "is already in" in again.json()["detail"]
    assert client.post("/api/collections", json={"name": name}).status_code == 409


def test_web_forms_refuse_other_sites_and_answer_errors_with_a_page(client, name):
    evil = client.post("/collections", data={"name": name}, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403 and client.get(f"/api/collections/{name}").status_code == 404
    created = client.post("/collections", data={"name": name}, headers={"Origin": str(client.base_url)})
    assert created.status_code == 303 and created.headers["location"] == f"/collections/{name.replace(' ', '%20')}"
    unknown = client.post("/collections/save", data={"passage_id": "nope", "collection": name, "next": "/"})
    assert unknown.status_code == 404 and "No passage" in unknown.text
    offsite = client.post(
        "/collections/save",
        data={"passage_id": ids_for(client, "permanent stay", 1)[0], "collection": name, "next": "//evil.example/x"},
    )
    assert offsite.status_code == 303
    assert offsite.headers["location"].endswith("back=%2F")  # never sent back to another host
    missing = client.get("/collections/No such pack")
    assert missing.status_code == 404 and "No collection named" in missing.text
