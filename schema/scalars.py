"""`DateTime` arguments are ISO-8601 with an offset, within the range the database stores.

Strawberry's own `DateTime` accepts a time without an offset, which no service can place (in the
site's zone? in UTC?), and a time so near the calendar's ends that it has no equivalent in UTC or
in the site's zone: both failed deep in a service, or in a `…Local` field, as an unexpected
error. Refused by the scalar, they are an error on the argument that holds them, before anything
runs.
"""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError as Refused
from strawberry.types.scalar import ScalarDefinition

EXAMPLE = "2026-12-01T09:00:00+04:00"
EARLIEST = datetime.min.replace(tzinfo=UTC) + timedelta(days=1)
LATEST = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)
"""A day inside the calendar's ends: the time exists in every zone, and so do its neighbours."""


def parse_datetime(value: object) -> datetime:
    """A coercion error (a GraphQL error, shown as it is in production) for anything else."""
    if not isinstance(value, str):
        raise Refused(f"Give the time as an ISO-8601 string, e.g. {EXAMPLE}.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Refused(f"{value!r} is not an ISO-8601 time, e.g. {EXAMPLE}.") from None
    if moment.tzinfo is None:
        raise Refused(f"Give the time {value!r} with its offset, e.g. {EXAMPLE}.")
    try:
        utc: datetime | None = moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise Refused(
            f"{value!r} is too near the calendar's ends; give a time between "
            f"{EARLIEST.date()} and {LATEST.date()}."
        )
    return moment


DATETIME = strawberry.scalar(
    name="DateTime",
    description=f"A moment: ISO-8601 with its offset, e.g. {EXAMPLE}.",
    serialize=datetime.isoformat,
    parse_value=parse_datetime,
)

SCALARS: Mapping[object, ScalarDefinition] = {datetime: DATETIME}
