"""The web UI's sign-in and matters: the same contract as /api/matters, for people in a browser.

Sign-in sets a session cookie (HttpOnly, SameSite=Lax, Secure when served over https) with a new
token at each sign-in; every form that changes a matter carries the session's CSRF token and must
come from this site. A matter that is not the person's answers 404, as if it did not exist.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kb.accounts import User
from kb.matters import MAX_NAME
from kb.retrieve import MAX_QUERY_CHARS, SearchError, SearchFilters
from search_api.api import read_upload
from search_api.security import SESSION_COOKIE, client_address, signed_in
from search_api.web import _library, _local, _page, _see, same_origin

# Browser pages, not API operations: out of /openapi.json (the API's matters are /api/matters).
router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


class SignInNeeded(Exception):
    """A page for signed-in people only; the app answers with the sign-in page."""


def person(request: Request) -> tuple[User, str]:
    found = signed_in(request)
    if found is None:
        raise SignInNeeded(request.url.path)
    return found


async def to_sign_in(request: Request, error: Exception) -> Response:
    """A page for signed-in people, asked for by someone who is not: the sign-in page, then back."""
    return RedirectResponse(f"/login?{urlencode({'next': str(error)})}", status_code=303)


def checked_form(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> User:
    """A form that changes something: from this site, by the signed-in person, with their token."""
    same_origin(request)
    user, token = person(request)
    if not hmac.compare_digest(csrf, token):
        raise HTTPException(403, "This form has expired or did not come from this site: reload the page.")
    return user


Person = Annotated[tuple[User, str], Depends(person)]
Changer = Annotated[User, Depends(checked_form)]


@router.get("/login")
def login_page(request: Request, next: Annotated[str, Query(max_length=2000)] = "/matters") -> HTMLResponse:
    return _page(request, "login.html", next=_local(next), error=None)


@router.post("/login", dependencies=[Depends(same_origin)])
def login(
    request: Request,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/matters",
) -> Response:
    library = _library(request)
    limiter = request.app.state.limiter
    limiter.check(client_address(request))
    try:
        user = library.accounts.by_password(name, password)
    except ValueError:
        user = None
    if user is None:
        limiter.failed(client_address(request))
        return _page(request, "login.html", 401, next=_local(next), error="Wrong name or password.")
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        library.accounts.close_session(old)  # a session id set before sign-in is never kept (fixation)
    token, _ = library.accounts.open_session(user)
    response = RedirectResponse(_local(next), status_code=303)
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure, path="/")
    return response


@router.post("/logout")
def logout(request: Request, user: Changer) -> Response:
    library = _library(request)
    library.accounts.close_session(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/matters")
def matters_page(request: Request, who: Person) -> HTMLResponse:
    user, csrf = who
    return _page(request, "matters.html", matters=_library(request).matters.of(user), csrf=csrf, error=None)


@router.post("/matters")
def create_matter(request: Request, user: Changer, name: Annotated[str, Form(max_length=MAX_NAME)]) -> Response:
    matter = _library(request).matters.create(name, user)
    return _see(f"/matters/{matter.id}")


@router.get("/matters/{matter_id}")
def matter_page(
    request: Request,
    who: Person,
    matter_id: str,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    analyse: Annotated[str, Query(max_length=200)] = "",
    jurisdiction: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    user, csrf = who
    library = _library(request)
    matter = library.matters.get(matter_id, user)
    context: dict[str, Any] = {"matter": matter, "csrf": csrf, "user": user, "q": q, "response": None, "error": None}
    context.update(analysis=None, analysed=analyse, chosen_jurisdiction=jurisdiction)
    context["documents"] = library.matter_documents(matter_id, user)
    context["notes"] = library.matters.notes(matter_id, user)
    try:
        if q.strip():
            context["response"] = library.search(q, SearchFilters(), 20, matter=matter_id, user=user)
        if analyse and jurisdiction:
            context["analysis"] = library.analyse(matter_id, user, [jurisdiction], analyse, None)
    except SearchError as error:
        context["error"] = str(error)
    return _page(request, "matter.html", **context)


@router.post("/matters/{matter_id}/documents")
def add_document(request: Request, user: Changer, matter_id: str, file: Annotated[UploadFile, File()]) -> Response:
    library = _library(request)
    library.matters.get(matter_id, user)
    name, content = read_upload(file, library.settings.max_upload_mb)
    report = library.add_matter_file(matter_id, user, name, content)
    if report.skipped:
        raise HTTPException(422, f"The file was not indexed: {report.skipped[0][1]}")
    return _see(f"/matters/{matter_id}")


@router.post("/matters/{matter_id}/members")
def add_member(request: Request, user: Changer, matter_id: str, name: Annotated[str, Form(max_length=64)]) -> Response:
    library = _library(request)
    library.matters.get(matter_id, user)
    if library.accounts.user(name.strip().lower()) is None:
        raise HTTPException(404, f"No user {name!r}.")
    library.matters.add_member(matter_id, user, name.strip().lower())
    return _see(f"/matters/{matter_id}")


@router.post("/matters/{matter_id}/members/{name}/remove")
def remove_member(request: Request, user: Changer, matter_id: str, name: str) -> Response:
    _library(request).matters.remove_member(matter_id, user, name)
    return _see(f"/matters/{matter_id}")


@router.post("/matters/{matter_id}/notes")
def add_note(request: Request, user: Changer, matter_id: str, text: Annotated[str, Form(max_length=20000)]) -> Response:
    _library(request).matters.add_note(matter_id, user, text)
    return _see(f"/matters/{matter_id}#notes-h")


@router.post("/matters/{matter_id}/erase")
def erase(request: Request, user: Changer, matter_id: str) -> Response:
    _library(request).erase_matter(matter_id, user)
    return _see("/matters")


@router.get("/matters/{matter_id}/documents/{document_id}/export")
def export_document(request: Request, who: Person, matter_id: str, document_id: str) -> Response:
    """A matter document as Markdown with its personal data redacted (the API gives the owner it whole)."""
    text = _library(request).export_matter_document(matter_id, who[0], document_id, redact=True)
    headers = {"Content-Disposition": 'attachment; filename="redacted.md"'}
    return Response(text, media_type="text/markdown; charset=utf-8", headers=headers)


@router.get("/matters/{matter_id}/audit")
def audit_page(request: Request, who: Person, matter_id: str) -> HTMLResponse:
    user, _ = who
    library = _library(request)
    matter = library.matters.get(matter_id, user)
    return _page(request, "audit.html", matter=matter, entries=library.matters.audit_log(matter_id, user))
