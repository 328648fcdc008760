"""The export format: versioned NDJSON files, one record a line, and a manifest.

Version 2 holds the files below. An importer knows what it reads by the manifest's version alone
and refuses a version it does not know instead of guessing. Version 1 (before author profiles)
is still read: its bylines name staff accounts by email, each read as that account's profile.
"""

import re
from datetime import UTC, date, datetime
from typing import Any

import orjson

FORMAT_NAME = "newsroom-cms-export"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
FILES = (
    "users.ndjson",
    "categories.ndjson",
    "tags.ndjson",
    "media.ndjson",
    "authors.ndjson",
    "articles.ndjson",
    "revisions.ndjson",
    "live_streams.ndjson",
    "home_slots.ndjson",
)
"""In the order an import reads them: each file refers only to records of earlier files."""
PUBLIC_ID = re.compile(r"^[0-9a-f]{13}$")


def dumps(record: dict[str, Any]) -> bytes:
    """One line: sorted keys, so that the same data is always the same bytes."""
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n"


def timestamp(value: datetime | None) -> str | None:
    """UTC, ISO 8601 with offset, to the microsecond the databases keep."""
    return None if value is None else value.astimezone(UTC).isoformat(timespec="microseconds")


def parse_timestamp(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as error:
        raise ValueError(f"{field} is not an ISO 8601 time: {value!r}") from error
    if parsed.tzinfo is None:
        raise ValueError(f"{field} has no time zone: {value!r}")
    return parsed.astimezone(UTC)


def parse_date(value: Any, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ValueError(f"{field} is not a date (YYYY-MM-DD): {value!r}") from error
