"""TV Live: the demo channels and a full day's programme, so "now" and "next" always answer.

The channels and the programme are in `content/live.toml`.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cms.models import LiveStreamStatus
from cms.seed.reader import collection


@dataclass(frozen=True, slots=True)
class StreamSeed:
    slug: str
    title: str
    description: str
    status: LiveStreamStatus
    playback_url: str
    is_primary: bool
    position: int


@dataclass(frozen=True, slots=True)
class Programme:
    """A slot of the day's schedule, starting at a local wall-clock hour."""

    hour: int
    title: str
    description: str


@dataclass(frozen=True, slots=True)
class SlotTimes:
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime


_TABLES = collection("live")
STREAMS: tuple[StreamSeed, ...] = tuple(
    StreamSeed(**(table | {"status": LiveStreamStatus(table["status"])}))
    for table in _TABLES["stream"]
)
PROGRAMME: tuple[Programme, ...] = tuple(Programme(**table) for table in _TABLES["programme"])


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def day_schedule(now: datetime, zone: ZoneInfo) -> list[SlotTimes]:
    """Contiguous slots covering the local day of `now`, midnight to midnight, in UTC."""
    today = now.astimezone(zone).date()
    starts = [
        _local_midnight(today, zone) + timedelta(hours=programme.hour) for programme in PROGRAMME
    ]
    boundaries = [start.astimezone(UTC) for start in starts]
    boundaries.append(_local_midnight(today + timedelta(days=1), zone).astimezone(UTC))
    return [
        SlotTimes(programme.title, programme.description, boundaries[i], boundaries[i + 1])
        for i, programme in enumerate(PROGRAMME)
    ]
