"""The JSON API under /api: search, ask, compare, documents, passages, jurisdictions, topics,
collections and course packs.

Responses carry citations exactly as the CLI's `--json` does; what each route takes and answers is
a model of search_api/schemas.py. Bad input is a 4xx with a reason (search_api/errors.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, Response, UploadFile

from ingest.load import SUPPORTED_SUFFIXES
from ingest.metadata import Overrides
from kb.retrieve import SearchFilters
from search_api import schemas
from search_api.downloads import PackFormat, pack_download
from search_api.library import Library
from search_api.security import caller, collection_owner, require_read, require_write

router = APIRouter(prefix="/api")
# Uploads are kept under their own name: what a file system takes (255 bytes, no control characters).
MAX_FILE_NAME_BYTES = 200


async def library(request: Request) -> Library:
    """The app's library (`async`: no thread-pool hop for a lookup)."""
    return request.app.state.library


Lib = Annotated[Library, Depends(library)]
# Whose collections a request reads: the person its key belongs to; "" (the shared workspace) otherwise.
Owner = Annotated[str, Depends(collection_owner)]


def _search(lib: Library, query: schemas.SearchQuery, request: Request) -> dict[str, Any]:
    filters = SearchFilters(query.jurisdiction, query.type, query.language, query.topic, query.only)
    user = None
    if query.matter is not None:
        user = caller(request)
        if user is None:
            raise HTTPException(401, "Searching a matter needs an API key: send X-API-Key.")
    return lib.search(query.q, filters, query.limit, query.facets, query.context, query.matter, user).as_json()


@router.get(
    "/search",
    response_model=schemas.SearchResponse,
    response_model_exclude_unset=True,  # a result has "context" only when it was asked for
    dependencies=[Depends(require_read)],
)
def search_get(lib: Lib, query: Annotated[schemas.SearchQuery, Query()], request: Request) -> dict[str, Any]:
    """Hybrid search with filters; as `kb search --json`. List parameters repeat: `jurisdiction=DE&jurisdiction=GB`."""
    return _search(lib, query, request)


@router.post(
    "/search",
    response_model=schemas.SearchResponse,
    response_model_exclude_unset=True,
    dependencies=[Depends(require_read)],
)
def search_post(lib: Lib, body: schemas.SearchQuery, request: Request) -> dict[str, Any]:
    """Hybrid search with filters; as `kb search --json`."""
    return _search(lib, body, request)


@router.post("/ask", response_model=schemas.Draft, dependencies=[Depends(require_read)])
def ask(lib: Lib, body: schemas.AskBody) -> dict[str, Any]:
    """A draft answer with a citation on every sentence, or an abstention; as `kb ask --json`."""
    return lib.ask(body.question, body.jurisdictions).as_json()


@router.post("/compare", response_model=schemas.Matrix, dependencies=[Depends(require_read)])
def compare_route(lib: Lib, body: schemas.CompareBody) -> dict[str, Any]:
    """The jurisdiction x topic matrix; as `kb compare --json`."""
    return lib.compare(body.jurisdictions, body.topics).as_json()


@router.get("/documents", response_model=list[schemas.DocumentSummary], dependencies=[Depends(require_read)])
def documents(lib: Lib) -> list[dict[str, Any]]:
    """Every indexed document with its metadata."""
    return lib.documents()


@router.get("/documents/{document_id}", response_model=schemas.Document, dependencies=[Depends(require_read)])
def document(lib: Lib, document_id: str) -> dict[str, Any]:
    """A document's metadata and outline: every passage in reading order with its citation."""
    return lib.document(document_id)


@router.get("/passages/{passage_id}", response_model=schemas.Passage, dependencies=[Depends(require_read)])
def passage(lib: Lib, passage_id: str) -> dict[str, Any]:
    """One passage with its citation and document."""
    return lib.passage(passage_id)


@router.get("/passages/{passage_id}/related", response_model=schemas.Related, dependencies=[Depends(require_read)])
def related(lib: Lib, passage_id: str) -> dict[str, Any]:
    """What the passage's text cites and which passages cite it, linked where the corpus holds them."""
    return lib.related(passage_id)


@router.get("/jurisdictions", response_model=list[schemas.Jurisdiction], dependencies=[Depends(require_read)])
def jurisdictions(lib: Lib) -> list[dict[str, Any]]:
    """Known jurisdictions, their layer, the bodies they belong to and their passage counts."""
    return lib.jurisdictions()


@router.get("/topics", response_model=list[schemas.Topic], dependencies=[Depends(require_read)])
def topics(lib: Lib) -> list[dict[str, Any]]:
    """The victim-rights taxonomy with passage counts."""
    return lib.topics()


@router.get("/collections", response_model=list[schemas.CollectionSummary], dependencies=[Depends(require_read)])
def collections(lib: Lib, owner: Owner) -> list[dict[str, Any]]:
    """The caller's collections (and those shared with them) with their item counts."""
    return lib.collection_names(owner)


@router.post("/collections", status_code=201, response_model=schemas.Collection, dependencies=[Depends(require_read)])
def create_collection(lib: Lib, owner: Owner, body: schemas.CollectionBody) -> dict[str, Any]:
    """Create an empty collection, the caller's own (409 when they have one by that name)."""
    return lib.create_collection(body.name, owner)


@router.get("/collections/{name}", response_model=schemas.Collection, dependencies=[Depends(require_read)])
def collection(lib: Lib, owner: Owner, name: str) -> dict[str, Any]:
    """A collection's items in order, each with what was saved and whether it is still indexed."""
    return lib.collection(name, owner)


@router.patch("/collections/{name}", response_model=schemas.Collection, dependencies=[Depends(require_read)])
def rename_collection(lib: Lib, owner: Owner, name: str, body: schemas.CollectionBody) -> dict[str, Any]:
    """Rename a collection (its owner)."""
    return lib.rename_collection(name, body.name, owner)


@router.delete("/collections/{name}", status_code=204, dependencies=[Depends(require_read)])
def delete_collection(lib: Lib, owner: Owner, name: str) -> Response:
    """Delete a collection and its items (its owner)."""
    lib.delete_collection(name, owner)
    return Response(status_code=204)


@router.post(
    "/collections/{name}/items", status_code=201, response_model=schemas.Item, dependencies=[Depends(require_read)]
)
def add_item(lib: Lib, owner: Owner, name: str, body: schemas.ItemBody) -> dict[str, Any]:
    """Save a passage, by id or citation, with a note; the collection is created if it is new."""
    _, item = lib.save(name, body.passage_id, body.citation, body.note, owner)
    return {**asdict(item), "in_index": True}


@router.patch(
    "/collections/{name}/items/{item_id}", response_model=schemas.Collection, dependencies=[Depends(require_read)]
)
def change_item(lib: Lib, owner: Owner, name: str, item_id: int, body: schemas.ItemChange) -> dict[str, Any]:
    """Change an item's note and/or move it to another position."""
    return lib.change_item(name, item_id, body.note, body.position, owner)


@router.delete("/collections/{name}/items/{item_id}", status_code=204, dependencies=[Depends(require_read)])
def remove_item(lib: Lib, owner: Owner, name: str, item_id: int) -> Response:
    """Remove an item from a collection."""
    lib.remove_item(name, item_id, owner)
    return Response(status_code=204)


@router.post("/collections/{name}/share", response_model=schemas.Collection, dependencies=[Depends(require_read)])
def share_collection(lib: Lib, owner: Owner, name: str, body: schemas.MemberBody) -> dict[str, Any]:
    """Share a collection with another person, who may then add to it and edit its items (its owner)."""
    if not owner:
        raise HTTPException(401, "Sharing a collection needs a person's API key.")
    return lib.share_collection(name, body.user, owner)


@router.get("/collections/{name}/export", dependencies=[Depends(require_read)], response_class=Response)
def export_collection(
    lib: Lib,
    owner: Owner,
    name: str,
    format: PackFormat = "md",
    title: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The collection as a course pack: Markdown or DOCX, as `kb export --collection`."""
    return pack_download(lib.collection_pack(name, title, owner), format)


@router.get("/export", dependencies=[Depends(require_read)], response_class=Response)
def export_topics(
    lib: Lib,
    topic: Annotated[list[str], Query(min_length=1, max_length=20)],
    jurisdiction: Annotated[list[str], Query(min_length=1, max_length=10)],
    format: PackFormat = "md",
    title: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """A course pack on topics for jurisdictions (from the compare matrix), as `kb export --topic`."""
    return pack_download(lib.topic_pack(topic, jurisdiction, title), format)


@router.get("/health", response_model=schemas.Health)
def health(lib: Lib) -> dict[str, Any]:
    """Liveness and what the index holds."""
    return lib.health()


# A plain `def`, so FastAPI runs it in its thread pool: parsing and embedding a file take seconds and
# must not hold up the event loop, which serves every other request meanwhile.
@router.post("/documents", status_code=201, response_model=schemas.IngestReport, dependencies=[Depends(require_write)])
def upload(
    lib: Lib,
    file: Annotated[UploadFile, File(description="Markdown, text, HTML, DOCX, PDF or legislation XML.")],
    jurisdiction: Annotated[str | None, Form(max_length=10)] = None,
    instrument_type: Annotated[str | None, Form(max_length=20)] = None,
    title: Annotated[str | None, Form(max_length=300)] = None,
) -> dict[str, Any]:
    """Upload a file and index it (an admin's API key is required)."""
    name, content = read_upload(file, lib.settings.max_upload_mb)
    report = lib.add_file(name, content, Overrides(jurisdiction, instrument_type, title))
    if report.skipped:
        raise HTTPException(422, f"The file was not indexed: {report.skipped[0][1]}")
    return report.as_json()


def read_upload(file: UploadFile, max_mb: int) -> tuple[str, bytes]:
    """An uploaded file's name and bytes, once its kind, name and size are checked."""
    name = Path(file.filename or "").name
    if not name or not name.lower().endswith(SUPPORTED_SUFFIXES):
        raise HTTPException(415, f"Unsupported file {name!r}; upload one of: {', '.join(SUPPORTED_SUFFIXES)}.")
    if len(name.encode()) > MAX_FILE_NAME_BYTES or any(unicodedata.category(c) == "Cc" for c in name):
        raise HTTPException(400, f"A file name has at most {MAX_FILE_NAME_BYTES} bytes and no control characters.")
    limit = max_mb * 2**20
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise HTTPException(413, f"The file is over the {max_mb} MB upload limit.")
    return name, content


@router.delete(
    "/documents/{document_id}", response_model=schemas.RemovedDocument, dependencies=[Depends(require_write)]
)
def delete(lib: Lib, document_id: str) -> dict[str, Any]:
    """Remove a document and its passages (an API key is required)."""
    return {"removed": document_id, "passages": lib.remove(document_id)}
