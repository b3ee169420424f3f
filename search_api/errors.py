"""The one table from the errors of the knowledge base to HTTP statuses, for the JSON API and the web
pages alike. Each error's message is the reason given to the client."""

from __future__ import annotations

from haystack.errors import FilterError

from kb.accounts import AccountError
from kb.collections import AlreadyThere, CollectionError, NoSuchCollection
from kb.matters import MatterError, MatterNotFound, MatterRefused
from kb.retrieve import SearchError
from kb.store import StoreError
from search_api.library import NotFound

# The most specific classes first: the first that an error is an instance of gives its status.
STATUS: dict[type[Exception], int] = {
    SearchError: 400,
    FilterError: 400,
    NotFound: 404,
    MatterNotFound: 404,  # for a non-member too: a matter's existence is private
    MatterRefused: 403,
    MatterError: 400,
    AccountError: 400,
    NoSuchCollection: 404,
    AlreadyThere: 409,
    CollectionError: 400,
    StoreError: 503,
}
KNOWN_ERRORS: tuple[type[Exception], ...] = tuple(STATUS)


def status_of(error: Exception) -> int:
    """The HTTP status for an error of the table; 500 for any other."""
    return next((status for kind, status in STATUS.items() if isinstance(error, kind)), 500)
