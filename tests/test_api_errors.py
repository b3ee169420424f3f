"""One error -> status table (search_api/errors.py) for the API and the web pages: the table's order,
and the same error answered with the same status by both, over a real server."""

from __future__ import annotations

import uuid

import httpx
import pytest
from haystack.errors import FilterError

from kb.collections import AlreadyThere, CollectionError, NoSuchCollection
from kb.retrieve import SearchError
from kb.store import StoreError
from search_api.errors import status_of
from search_api.library import NotFound


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (SearchError("bad query"), 400),
        (FilterError("bad filter"), 400),
        (NotFound("no such passage"), 404),
        (NoSuchCollection("no such collection"), 404),  # a CollectionError, but not a 400
        (AlreadyThere("taken"), 409),  # a CollectionError, but not a 400
        (CollectionError("bad name"), 400),
        (StoreError("locked by another process"), 503),
        (ValueError("anything else"), 500),
    ],
)
def test_each_error_has_its_status_and_the_most_specific_class_wins(error, status):
    assert status_of(error) == status


@pytest.fixture
def client(base_url):
    with httpx.Client(base_url=base_url, timeout=60, headers={"Origin": base_url}) as c:
        yield c


@pytest.fixture
def taken(client):
    """A collection that exists, so that creating it again conflicts."""
    name = f"Taken {uuid.uuid4().hex[:8]}"
    assert client.post("/api/collections", json={"name": name}).status_code == 201
    yield name
    client.delete(f"/api/collections/{name}")


@pytest.mark.parametrize(
    ("api", "web", "status", "reason"),
    [
        (("GET", "/api/documents/nope", {}), ("GET", "/documents/nope", {}), 404, "No document"),
        (("GET", "/api/collections/Nothing here", {}), ("GET", "/collections/Nothing here", {}), 404, "No collection"),
        (
            ("GET", "/api/collections/Nothing here/export", {}),
            ("GET", "/collections/Nothing here/export", {}),
            404,
            "No collection",
        ),
        (
            ("GET", "/api/export", {"params": {"topic": "visas", "jurisdiction": "US"}}),
            ("GET", "/export", {"params": {"topic": "visas", "jurisdiction": "US"}}),
            400,
            "Unknown topic",
        ),
        (
            ("POST", "/api/collections", {"json": {"name": "a/b"}}),
            ("POST", "/collections", {"data": {"name": "a/b"}}),
            400,
            "cannot contain",
        ),
        (
            ("POST", "/api/collections", {"json": {"name": "{taken}"}}),
            ("POST", "/collections", {"data": {"name": "{taken}"}}),
            409,
            "already exists",
        ),
    ],
)
def test_the_api_and_the_web_pages_answer_an_error_with_the_same_status(client, taken, api, web, status, reason):
    def send(method: str, path: str, kwargs: dict) -> httpx.Response:
        for key in ("json", "data"):
            if key in kwargs:
                kwargs = {key: {k: v.format(taken=taken) for k, v in kwargs[key].items()}}
        return client.request(method, path, **kwargs)

    answered = send(*api)
    assert answered.status_code == status and answered.headers["content-type"] == "application/json"
    assert reason in answered.json()["detail"]

    page = send(*web)
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")
    heading = "Not found" if status == 404 else "Not done"
    assert f"<h1>{heading}</h1>" in page.text and reason in page.text
