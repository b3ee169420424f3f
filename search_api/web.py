"""The web UI: server-rendered pages (Jinja2, autoescaped) that work without JavaScript.

Search results at /search?q=... are a plain GET form, so they can be bookmarked and shared.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from spacy.lang.en.stop_words import STOP_WORDS

from kb.compare import NOT_FOUND, compare
from kb.model import INSTRUMENT_TYPES
from kb.query_syntax import parse_query
from kb.retrieve import MAX_QUERY_CHARS, SearchError, SearchFilters
from kb.topics import load_topics
from search_api.library import Library, NotFound

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(default_response_class=HTMLResponse)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]{2,}")


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


def highlight(text: str, query: str) -> Markup:
    """The text, escaped, with the query's words marked (<mark>); case-insensitive, whole words."""
    words = {w.lower() for w in _WORD.findall(parse_query(query).text)} - STOP_WORDS if query else set()
    if not words:
        return escape(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\w*", re.I)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [escape(text[last : match.start()]), Markup("<mark>"), escape(match.group(0)), Markup("</mark>")]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


templates.env.filters["highlight"] = highlight


def _library(request: Request) -> Library:
    return request.app.state.library


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    library = _library(request)
    context.setdefault("topics", load_topics())
    context.setdefault("jurisdictions", library.jurisdictions())
    context.setdefault("names", {j["code"]: j["name"] for j in context["jurisdictions"]})
    context.setdefault("instrument_types", INSTRUMENT_TYPES)
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/")
def home(request: Request) -> HTMLResponse:
    return _page(request, "search.html", q="", response=None, error=None, chosen={})


@router.get("/search")
def search(
    request: Request,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    jurisdiction: Annotated[str, Query(max_length=10)] = "",
    only: bool = False,
    type: Annotated[str, Query(max_length=20)] = "",  # noqa: A002
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
        response = _library(request).searcher.search(q, filters, 20, facets=True)
    except SearchError as error:
        return _page(request, "search.html", 400, q=q, response=None, error=str(error), chosen=chosen)
    return _page(request, "search.html", q=q, response=response, error=None, chosen=chosen)


@router.get("/documents/{document_id}")
def document(request: Request, document_id: str, p: Annotated[str, Query(max_length=64)] = "") -> HTMLResponse:
    try:
        doc = _library(request).document(document_id)
    except NotFound as error:
        return _page(request, "error.html", 404, message=str(error))
    return _page(request, "document.html", doc=doc, target=p)


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
        draft = _library(request).answerer.ask(q, codes)
    except SearchError as error:
        return _page(request, "ask.html", 400, q=q, draft=None, error=str(error), chosen=codes)
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
            context["matrix"] = compare(_library(request).searcher, codes, wanted)
        except SearchError as error:
            return _page(request, "compare.html", 400, **{**context, "error": str(error)})
    return _page(request, "compare.html", **context)
