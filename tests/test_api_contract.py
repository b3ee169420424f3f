"""The API's contract: every JSON answer under /api has a model in /openapi.json, the answers are
the knowledge base's JSON field for field, GET and POST search take the same parameters, and routes
reach the knowledge base only through the Library."""

from __future__ import annotations

import ast
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from kb.retrieve import SearchFilters

SEARCH_API = Path(__file__).resolve().parent.parent / "search_api"
# The parts the Library holds; a route that used them directly would bypass it.
LIBRARY_PARTS = {"searcher", "answerer", "indexer", "collections"}
JSON_OPERATIONS = {
    "GET /api/search",
    "POST /api/search",
    "POST /api/ask",
    "POST /api/compare",
    "GET /api/documents",
    "POST /api/documents",
    "GET /api/documents/{document_id}",
    "DELETE /api/documents/{document_id}",
    "GET /api/passages/{passage_id}",
    "GET /api/passages/{passage_id}/related",
    "GET /api/jurisdictions",
    "GET /api/topics",
    "GET /api/collections",
    "POST /api/collections",
    "GET /api/collections/{name}",
    "PATCH /api/collections/{name}",
    "POST /api/collections/{name}/items",
    "PATCH /api/collections/{name}/items/{item_id}",
    "GET /api/health",
    "POST /api/collections/{name}/share",
    "POST /api/matters",
    "GET /api/matters",
    "GET /api/matters/{matter_id}",
    "POST /api/matters/{matter_id}/members",
    "DELETE /api/matters/{matter_id}/members/{name}",
    "POST /api/matters/{matter_id}/documents",
    "GET /api/matters/{matter_id}/documents",
    "POST /api/matters/{matter_id}/analyse",
    "GET /api/matters/{matter_id}/audit",
    "GET /api/matters/{matter_id}/notes",
    "GET /api/matters/{matter_id}/collections",
    "POST /api/matters/{matter_id}/collections",
    "GET /api/matters/{matter_id}/collections/{name}",
    "POST /api/matters/{matter_id}/collections/{name}/items",
    "POST /api/matters/{matter_id}/notes",
}
NO_CONTENT = {
    "DELETE /api/collections/{name}",
    "DELETE /api/collections/{name}/items/{item_id}",
    "DELETE /api/matters/{matter_id}",
    "DELETE /api/matters/{matter_id}/collections/{name}",
}


@pytest.fixture
def client(base_url):
    with httpx.Client(base_url=base_url, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def spec(base_url) -> dict[str, Any]:
    return httpx.get(f"{base_url}/openapi.json").json()


def test_every_json_operation_answers_with_a_model(spec):
    components = spec["components"]["schemas"]
    modelled, empty = set(), set()
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/") or path.endswith("/export"):  # the exports are attachments
            continue
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            ((status, response),) = [(s, r) for s, r in operation["responses"].items() if s.startswith("2")]
            if status == "204":
                assert "content" not in response, name
                empty.add(name)
                continue
            schema = response["content"]["application/json"]["schema"]
            target = schema["items"] if schema.get("type") == "array" else schema
            assert target.get("$ref", "").startswith("#/components/schemas/"), f"{name}: {schema}"
            model = components[target["$ref"].rsplit("/", 1)[1]]
            assert model["properties"] and model.get("additionalProperties") is not True, name
            modelled.add(name)
    assert modelled == JSON_OPERATIONS and empty == NO_CONTENT


def test_get_and_post_search_take_the_same_parameters(spec):
    search = spec["paths"]["/api/search"]
    body = search["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = spec["components"]["schemas"][body]["properties"]
    parameters = {p["name"]: p for p in search["get"]["parameters"]}
    assert set(parameters) == set(fields)
    assert parameters["q"]["required"] and parameters["limit"]["schema"]["maximum"] == fields["limit"]["maximum"]
    assert parameters["jurisdiction"]["schema"]["type"] == "array"  # repeatable


def _as_sent(value: Any) -> Any:
    """What the knowledge base's JSON looks like once sent: through json, without the timings."""
    loaded = json.loads(json.dumps(value))
    if isinstance(loaded, dict):
        loaded.pop("took_ms", None)
    return loaded


def _answer(response: httpx.Response) -> Any:
    assert response.is_success, response.text
    return _as_sent(response.json())


def test_answers_are_the_knowledge_bases_json_field_for_field(client, library):
    question = "How long must a deceived person be allowed to wait before removal?"
    with_context = client.get("/api/search", params={"q": "permanent stay", "limit": 5, "facets": 1, "context": 1})
    assert _answer(with_context) == _as_sent(library.search("permanent stay", SearchFilters(), 5, True, True).as_json())
    assert all("context" in r for r in with_context.json()["results"])
    plain = client.post("/api/search", json={"q": "claim damages", "jurisdiction": ["US"]})
    assert _answer(plain) == _as_sent(library.search("claim damages", SearchFilters(["US"])).as_json())
    assert not any("context" in r for r in plain.json()["results"])  # only when asked for

    assert _answer(client.post("/api/ask", json={"question": question})) == _as_sent(
        library.ask(question, []).as_json()
    )
    abstained = client.post("/api/ask", json={"question": "What is the average processing time?"})
    assert abstained.json()["abstained"] and _answer(abstained) == _as_sent(
        library.ask("What is the average processing time?", []).as_json()
    )
    matrix = client.post("/api/compare", json={"jurisdictions": ["US", "CA"], "topics": ["permanent_residence"]})
    assert _answer(matrix) == _as_sent(library.compare(["US", "CA"], ["permanent_residence"]).as_json())

    assert _answer(client.get("/api/documents")) == _as_sent(library.documents())
    assert _answer(client.get("/api/documents/model-convention")) == _as_sent(library.document("model-convention"))
    first = library.document("model-convention")["passages"][0]["id"]
    assert _answer(client.get(f"/api/passages/{first}")) == _as_sent(library.passage(first))
    assert _answer(client.get("/api/jurisdictions")) == _as_sent(library.jurisdictions())
    assert _answer(client.get("/api/topics")) == _as_sent(library.topics())
    assert _answer(client.get("/api/health")) == _as_sent(library.health())


def test_collection_answers_are_the_librarys_json_field_for_field(client, library):
    name = f"Contract {uuid.uuid4().hex[:8]}"
    created = client.post("/api/collections", json={"name": name})
    try:
        assert _answer(created) == _as_sent(library.collection(name))
        added = client.post(f"/api/collections/{name}/items", json={"citation": "Model Convention, art 2", "note": "x"})
        (saved,) = library.collection(name)["items"]
        assert _answer(added) == _as_sent(saved)
        assert _answer(client.get(f"/api/collections/{name}")) == _as_sent(library.collection(name))
        changed = client.patch(f"/api/collections/{name}/items/{saved['id']}", json={"note": "y"})
        assert _answer(changed) == _as_sent(library.collection(name))
        assert _answer(client.get("/api/collections")) == _as_sent(library.collection_names())
    finally:
        client.delete(f"/api/collections/{name}")


@pytest.mark.parametrize("module", ["api.py", "web.py"])
def test_routes_reach_the_knowledge_base_only_through_the_library(module):
    tree = ast.parse((SEARCH_API / module).read_text(encoding="utf-8"))
    reached = sorted(
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in LIBRARY_PARTS
    )
    assert not reached, f"{module} uses the Library's parts directly: {reached}"
