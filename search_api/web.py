"""The web UI: server-rendered pages (Jinja2, autoescaped) that work without JavaScript.

Search results at /search?q=... are a plain GET form, so they can be bookmarked and shared.
Collections are edited with plain POST forms, each answered by a redirect (post/redirect/get).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from kb.collections import MAX_NAME, MAX_NOTE
from kb.compare import NOT_FOUND
from kb.model import INSTRUMENT_TYPES
from kb.query_language import languages_line
from kb.query_syntax import parse_query
from kb.retrieve import MAX_QUERY_CHARS, SearchError, SearchFilters
from kb.text import stem, terms, token_spans
from kb.topics import load_topics
from search_api.downloads import PackFormat, pack_download
from search_api.errors import KNOWN_ERRORS, status_of
from search_api.library import Library
from search_api.security import signed_in

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(default_response_class=HTMLResponse)
# The error page's heading for a status; others are "Not done".
HEADINGS = {404: "Not found", 503: "Unavailable"}


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


def highlight(text: str, query: str) -> Markup:
    """The text, escaped, with the words that share a stem with a query word marked (<mark>):
    "victims" marks "victim", "identified" marks "identify"."""
    stems = terms(parse_query(query).text) if query else set()
    if not stems:
        return escape(text)
    out, last = [], 0
    for match in (m for m in token_spans(text) if stem(m.group(0)) in stems):
        out += [escape(text[last : match.start()]), Markup("<mark>"), escape(match.group(0)), Markup("</mark>")]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


templates.env.filters["highlight"] = highlight
templates.env.filters["languages_line"] = languages_line


def _library(request: Request) -> Library:
    return request.app.state.library


def _owner(request: Request) -> str:
    """Whose collections the page shows: the signed-in person's; "" (the shared workspace) otherwise."""
    found = signed_in(request)
    return found[0].name if found else ""


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    library = _library(request)
    context.setdefault("topics", load_topics())
    context.setdefault("jurisdictions", library.jurisdictions())
    context.setdefault("names", {j["code"]: j["name"] for j in context["jurisdictions"]})
    context.setdefault("instrument_types", INSTRUMENT_TYPES)
    context.setdefault("collections", library.collection_names(_owner(request)))
    context.setdefault("signed_in", signed_in(request))  # (person, CSRF token) or None
    context.setdefault("here", request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, error: Exception) -> HTMLResponse:
    """The error page for an error of search_api/errors.py's table, with its status. It asks the
    index for nothing, so it can be shown when the store is what failed."""
    status = status_of(error)
    heading = HEADINGS.get(status, "Not done")
    context = {"message": str(error), "heading": heading}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


@router.get("/")
def home(request: Request) -> HTMLResponse:
    return _page(request, "search.html", q="", response=None, error=None, chosen={})


@router.get("/search")
def search(
    request: Request,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    jurisdiction: Annotated[str, Query(max_length=10)] = "",
    only: bool = False,
    type: Annotated[str, Query(max_length=20)] = "",
    topic: Annotated[str, Query(max_length=40)] = "",
    language: Annotated[str, Query(max_length=5)] = "",
) -> HTMLResponse:
    chosen = {"jurisdiction": jurisdiction, "only": only, "type": type, "topic": topic, "language": language}
    if not q.strip():
        return _page(request, "search.html", q=q, response=None, error=None, chosen=chosen)
    filters = SearchFilters(
        [jurisdiction] if jurisdiction else [],
        [type] if type else [],
        [language] if language else [],
        [topic] if topic else [],
        only,
    )
    try:
        response = _library(request).search(q, filters, 20, facets=True)
    except SearchError as error:
        return _page(request, "search.html", status_of(error), q=q, response=None, error=str(error), chosen=chosen)
    return _page(request, "search.html", q=q, response=response, error=None, chosen=chosen)


@router.get("/documents/{document_id}")
def document(request: Request, document_id: str, p: Annotated[str, Query(max_length=64)] = "") -> HTMLResponse:
    return _page(request, "document.html", doc=_library(request).document(document_id), target=p)


@router.get("/ask")
def ask(
    request: Request,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    jurisdiction: Annotated[list[str], Query(max_length=10)] = [],  # noqa: B006 (FastAPI copies defaults)
) -> HTMLResponse:
    codes = [j for j in jurisdiction if j]
    if not q.strip():
        return _page(request, "ask.html", q=q, draft=None, error=None, chosen=codes)
    try:
        draft = _library(request).ask(q, codes)
    except SearchError as error:
        return _page(request, "ask.html", status_of(error), q=q, draft=None, error=str(error), chosen=codes)
    return _page(request, "ask.html", q=q, draft=draft, error=None, chosen=codes)


@router.get("/compare")
def compare_page(
    request: Request,
    jurisdiction: Annotated[list[str], Query(max_length=10)] = [],  # noqa: B006
    topic: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006
) -> HTMLResponse:
    codes, wanted = [j for j in jurisdiction if j], [t for t in topic if t]
    context = {"matrix": None, "error": None, "chosen": codes, "wanted": wanted, "not_found": NOT_FOUND}
    if codes and wanted:
        try:
            context["matrix"] = _library(request).compare(codes, wanted)
        except SearchError as error:
            return _page(request, "compare.html", status_of(error), **{**context, "error": str(error)})
    return _page(request, "compare.html", **context)


# --- collections -------------------------------------------------------------------------------
def same_origin(request: Request) -> None:
    """Refuse a form posted from another site (a cross-site request would edit the collections)."""
    origin = request.headers.get("origin")
    if request.headers.get("sec-fetch-site") == "cross-site" or (
        origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host")
    ):
        raise HTTPException(403, "Forms may only be posted from this site.")


def _local(path: str) -> str:
    """A path on this site to go back to; anything else (another host) becomes the home page."""
    return path if path.startswith("/") and not path.startswith(("//", "/\\")) else "/"


def _collection_url(name: str, **query: str) -> str:
    return f"/collections/{quote(name, safe='')}" + (f"?{urlencode(query)}" if query else "")


def _see(url: str) -> RedirectResponse:
    """After a change, go to `url` (303, so a reload does not post again). A change refused raises,
    and the app answers with the error page (search_api/app.py)."""
    return RedirectResponse(url, status_code=303)


@router.get("/collections")
def collections_page(request: Request) -> HTMLResponse:
    return _page(request, "collections.html", error=None)


@router.post("/collections", dependencies=[Depends(same_origin)])
def create_collection(request: Request, name: Annotated[str, Form(max_length=MAX_NAME)]) -> Response:
    return _see(_collection_url(_library(request).create_collection(name, _owner(request))["name"]))


@router.post("/collections/save", dependencies=[Depends(same_origin)])
def save(
    request: Request,
    passage_id: Annotated[str, Form(max_length=64)],
    collection: Annotated[str, Form(max_length=MAX_NAME)],
    note: Annotated[str, Form(max_length=MAX_NOTE)] = "",
    next: Annotated[str, Form(max_length=4000)] = "/",
) -> Response:
    """Save a passage. The page's script posts this and reads JSON; without it, the browser goes to
    the collection, which links back to the results."""
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        name, item = _library(request).save(collection, passage_id=passage_id, note=note, owner=_owner(request))
    except KNOWN_ERRORS as error:
        if not wants_json:
            raise
        return JSONResponse({"detail": str(error)}, status_code=status_of(error))
    if wants_json:
        return JSONResponse({"saved": item.citation, "collection": name, "item": item.id}, status_code=201)
    return RedirectResponse(_collection_url(name, saved=item.citation, back=_local(next)), status_code=303)


@router.get("/collections/{name}")
def collection_page(
    request: Request,
    name: str,
    saved: Annotated[str, Query(max_length=300)] = "",
    back: Annotated[str, Query(max_length=4000)] = "",
) -> HTMLResponse:
    collection = _library(request).collection(name, _owner(request))
    back = _local(back) if back else ""
    return _page(request, "collection.html", collection=collection, saved=saved, back=back, error=None)


@router.post("/collections/{name}/rename", dependencies=[Depends(same_origin)])
def rename_collection(request: Request, name: str, new_name: Annotated[str, Form(alias="name")]) -> Response:
    return _see(_collection_url(_library(request).rename_collection(name, new_name, _owner(request))["name"]))


@router.post("/collections/{name}/delete", dependencies=[Depends(same_origin)])
def delete_collection(request: Request, name: str) -> Response:
    _library(request).delete_collection(name, _owner(request))
    return _see("/collections")


@router.post("/collections/{name}/items/{item_id}/note", dependencies=[Depends(same_origin)])
def note_item(
    request: Request, name: str, item_id: int, note: Annotated[str, Form(max_length=MAX_NOTE)] = ""
) -> Response:
    _library(request).change_item(name, item_id, note=note, owner=_owner(request))
    return _see(_collection_url(name) + f"#item-{item_id}")


@router.post("/collections/{name}/items/{item_id}/move", dependencies=[Depends(same_origin)])
def move_item(request: Request, name: str, item_id: int, position: Annotated[int, Form()]) -> Response:
    _library(request).change_item(name, item_id, position=position, owner=_owner(request))
    return _see(_collection_url(name) + f"#item-{item_id}")


@router.post("/collections/{name}/items/{item_id}/remove", dependencies=[Depends(same_origin)])
def remove_item(request: Request, name: str, item_id: int) -> Response:
    _library(request).remove_item(name, item_id, _owner(request))
    return _see(_collection_url(name))


@router.get("/collections/{name}/export", response_model=None)
def export_collection(request: Request, name: str, format: PackFormat = "docx") -> Response:
    return pack_download(_library(request).collection_pack(name, owner=_owner(request)), format)


@router.get("/export", response_model=None)
def export_topics(
    request: Request,
    topic: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006
    jurisdiction: Annotated[list[str], Query(max_length=10)] = [],  # noqa: B006
    format: PackFormat = "docx",
) -> Response:
    return pack_download(_library(request).topic_pack(topic, jurisdiction), format)
