"""The matters API under /api/matters: a client's private workspace (kb/matters.py). Every route
needs a key; a matter answers 404 to anyone who is not its member, as if it did not exist."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, Response, UploadFile
from fastapi.responses import PlainTextResponse

from kb.accounts import User
from search_api import schemas
from search_api.api import Lib, read_upload
from search_api.security import require_user

router = APIRouter(prefix="/api/matters", tags=["matters"])
Caller = Annotated[User, Depends(require_user)]


@router.post("", status_code=201, response_model=schemas.Matter)
def create(lib: Lib, user: Caller, body: schemas.MatterBody) -> dict[str, Any]:
    """Open a matter; the caller is its owner and first member (a lawyer's or an admin's account)."""
    return lib.matters.create(body.name, user).as_json()


@router.get("", response_model=list[schemas.Matter])
def mine(lib: Lib, user: Caller) -> list[dict[str, Any]]:
    """The caller's matters, and no one else's."""
    return [matter.as_json() for matter in lib.matters.of(user)]


@router.get("/{matter_id}", response_model=schemas.Matter)
def matter(lib: Lib, user: Caller, matter_id: str) -> dict[str, Any]:
    return lib.matters.get(matter_id, user).as_json()


@router.post("/{matter_id}/members", response_model=schemas.Matter)
def add_member(lib: Lib, user: Caller, matter_id: str, body: schemas.MemberBody) -> dict[str, Any]:
    """Add a person to the matter (its owner only)."""
    lib.matters.get(matter_id, user)
    if lib.accounts.user(body.user) is None:
        raise HTTPException(404, f"No user {body.user!r}.")
    return lib.matters.add_member(matter_id, user, body.user).as_json()


@router.delete("/{matter_id}/members/{name}", response_model=schemas.Matter)
def remove_member(lib: Lib, user: Caller, matter_id: str, name: str) -> dict[str, Any]:
    return lib.matters.remove_member(matter_id, user, name).as_json()


# A plain `def`: parsing and embedding take seconds and must not hold up the event loop.
@router.post("/{matter_id}/documents", status_code=201, response_model=schemas.IngestReport)
def add_document(
    lib: Lib,
    user: Caller,
    matter_id: str,
    file: Annotated[UploadFile, File(description="PDF, DOCX, text, Markdown, HTML or e-mail (.eml).")],
) -> dict[str, Any]:
    """Keep a client's document in the matter (encrypted) and index it there, apart from the law."""
    lib.matters.get(matter_id, user)
    name, content = read_upload(file, lib.settings.max_upload_mb)
    report = lib.add_matter_file(matter_id, user, name, content)
    if report.skipped:
        raise HTTPException(422, f"The file was not indexed: {report.skipped[0][1]}")
    return report.as_json()


@router.get("/{matter_id}/documents", response_model=list[schemas.DocumentSummary])
def documents(lib: Lib, user: Caller, matter_id: str) -> list[dict[str, Any]]:
    """The matter's documents."""
    return lib.matter_documents(matter_id, user)


@router.get("/{matter_id}/documents/{document_id}/export", response_class=PlainTextResponse)
def export_document(
    lib: Lib,
    user: Caller,
    matter_id: str,
    document_id: str,
    redact: Annotated[
        bool, Query(description="Personal data replaced by its kind; false: whole (the owner only).")
    ] = True,
) -> str:
    """A matter document as Markdown, for use outside the matter."""
    return lib.export_matter_document(matter_id, user, document_id, redact)


@router.post("/{matter_id}/analyse", response_model=schemas.Analysis)
def analyse(lib: Lib, user: Caller, matter_id: str, body: schemas.AnalyseBody) -> dict[str, Any]:
    """The legal issues a client's statement raises (offence elements and victims' rights), each with
    the sentences that raise it and the provisions that apply in each jurisdiction asked."""
    return lib.analyse(matter_id, user, body.jurisdictions, body.document_id, body.text)


@router.get("/{matter_id}/notes", response_model=list[schemas.Note])
def notes(lib: Lib, user: Caller, matter_id: str) -> list[dict[str, str]]:
    """The matter's notes, oldest first."""
    return lib.matters.notes(matter_id, user)


@router.post("/{matter_id}/notes", status_code=201, response_model=schemas.Note)
def add_note(lib: Lib, user: Caller, matter_id: str, body: schemas.NoteBody) -> dict[str, str]:
    """Add a note (kept encrypted, erased with the matter)."""
    return lib.matters.add_note(matter_id, user, body.text)


@router.get("/{matter_id}/collections", response_model=list[schemas.CollectionSummary])
def collections(lib: Lib, user: Caller, matter_id: str) -> list[dict[str, Any]]:
    """The matter's collections: provisions its team saved, with their notes."""
    return lib.collection_names(lib.matter_owner(matter_id, user))


@router.post("/{matter_id}/collections", status_code=201, response_model=schemas.Collection)
def create_collection(lib: Lib, user: Caller, matter_id: str, body: schemas.CollectionBody) -> dict[str, Any]:
    return lib.create_collection(body.name, lib.matter_owner(matter_id, user))


@router.get("/{matter_id}/collections/{name}", response_model=schemas.Collection)
def collection(lib: Lib, user: Caller, matter_id: str, name: str) -> dict[str, Any]:
    return lib.collection(name, lib.matter_owner(matter_id, user))


@router.post("/{matter_id}/collections/{name}/items", status_code=201, response_model=schemas.Item)
def add_item(lib: Lib, user: Caller, matter_id: str, name: str, body: schemas.ItemBody) -> dict[str, Any]:
    """Save a provision of the law, with a note, into the matter's collection (created if new)."""
    _, item = lib.save(name, body.passage_id, body.citation, body.note, lib.matter_owner(matter_id, user))
    lib.matters.audit(matter_id, user, "saved to collection", item.citation)
    return {**asdict(item), "in_index": True}


@router.delete("/{matter_id}/collections/{name}", status_code=204)
def delete_collection(lib: Lib, user: Caller, matter_id: str, name: str) -> Response:
    lib.delete_collection(name, lib.matter_owner(matter_id, user))
    return Response(status_code=204)


@router.get("/{matter_id}/audit", response_model=list[schemas.AuditEntry])
def audit(lib: Lib, user: Caller, matter_id: str) -> list[dict[str, str]]:
    """Who did what in the matter, and when (its owner only; never a document's text)."""
    return lib.matters.audit_log(matter_id, user)


@router.delete("/{matter_id}", status_code=204)
def erase(lib: Lib, user: Caller, matter_id: str) -> Response:
    """Erase the matter: its documents, passages, vectors, originals, log and membership (its owner only)."""
    lib.erase_matter(matter_id, user)
    return Response(status_code=204)
