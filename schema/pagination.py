"""Relay cursor connections paged by keyset: a cursor names a position, never an offset.

A cursor is opaque to clients (base64 of the position); a malformed one is an error that says so,
and so is one no page of ours could have given (a time at the calendar's ends, a row id past the
largest key, an infinite score). `first` above the cap is refused rather than silently cut.
"""

import base64
import binascii
import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from graphql import GraphQLError
from strawberry import relay

from cms.services.articles import FeedKey
from cms.services.search import SearchKey
from schema.errors import bad_input
from schema.node_ids import row_id


class Created(Protocol):
    """A row listed newest first by when it was made: staff, media, subscribers, live posts."""

    @property
    def id(self) -> int | None: ...

    @property
    def created_at(self) -> datetime: ...


RowT = TypeVar("RowT", bound=Created)
EdgeT = TypeVar("EdgeT")

_PREFIX = "feed:"
_SEARCH_PREFIX = "search:"


def encode_cursor(key: FeedKey) -> str:
    raw = f"{_PREFIX}{key.moment.isoformat()}|{key.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> FeedKey:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not raw.startswith(_PREFIX):
            raise ValueError(cursor)
        moment, _, ident = raw.removeprefix(_PREFIX).partition("|")
        at = datetime.fromisoformat(moment)
        row = row_id(ident)
        if at.tzinfo is None or row is None:
            raise ValueError(cursor)
        return FeedKey(at.astimezone(UTC), row)
    except (ValueError, OverflowError, UnicodeDecodeError, binascii.Error) as error:
        raise invalid_cursor(cursor) from error


def encode_search_cursor(key: SearchKey) -> str:
    raw = f"{_SEARCH_PREFIX}{key.score!r}|{key.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_search_cursor(cursor: str) -> SearchKey:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not raw.startswith(_SEARCH_PREFIX):
            raise ValueError(cursor)
        score, _, ident = raw.removeprefix(_SEARCH_PREFIX).partition("|")
        row = row_id(ident)
        if not math.isfinite(float(score)) or row is None:
            raise ValueError(cursor)
        return SearchKey(float(score), row)
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise invalid_cursor(cursor) from error


def invalid_cursor(cursor: str) -> GraphQLError:
    return bad_input(
        f"Invalid cursor {cursor[:40]!r}: pass the `endCursor` of a previous page unchanged."
    )


def check_first(first: int, cap: int) -> int:
    if not 0 <= first <= cap:
        raise bad_input(f"`first` must be between 0 and {cap}; got {first}. Page with `after`.")
    return first


def keyset_page_info(cursors: list[str], *, has_next: bool, after_given: bool) -> relay.PageInfo:
    """A page's `pageInfo` from its edges' cursors: a keyset page has something before it
    exactly when it was asked for with `after`."""
    return relay.PageInfo(
        has_next_page=has_next,
        has_previous_page=after_given,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


def created_at_page(
    rows: Sequence[RowT],
    edge: Callable[[str, RowT], EdgeT],
    *,
    has_next: bool,
    after_given: bool,
) -> tuple[list[EdgeT], relay.PageInfo]:
    """The edges and `pageInfo` of a page of rows listed by (created_at, id), newest first;
    `edge` makes one edge from a row's cursor and the row."""
    cursors = [encode_cursor(FeedKey(row.created_at, row.id or 0)) for row in rows]
    edges = [edge(cursor, row) for cursor, row in zip(cursors, rows, strict=True)]
    return edges, keyset_page_info(cursors, has_next=has_next, after_given=after_given)
