"""The programme: slots that never overlap on a channel, and a day's listing in the site's time
zone, right on the days clocks change."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry import Schema
from strawberry.relay import GlobalID

from cms.models import Role
from cms.services.programme import day_bounds
from cms.services.viewer import Viewer
from cms.settings import Settings
from schema import build_schema
from schema.context import Context
from tests.builders import make_slot, make_stream, make_user
from tests.conftest import Gql

ADD = """
mutation Add($input: AddProgrammeSlotInput!) {
  addProgrammeSlot(input: $input) { slot { id title startsAt } errors { field message } }
}
"""
SCHEDULE = 'query Day($date: Date!) { schedule(channel: "tv", date: $date) { title } }'
DAY = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def _editor(session: AsyncSession) -> Viewer:
    viewer = Viewer(await make_user(session, role=Role.EDITOR))
    await session.commit()
    return viewer


def _slot(title: str, start: datetime, minutes: int) -> dict[str, Any]:
    end = start + timedelta(minutes=minutes)
    return {
        "channel": "tv",
        "title": title,
        "startsAt": start.isoformat(),
        "endsAt": end.isoformat(),
    }


async def test_an_overlapping_slot_is_refused_naming_the_clash(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    await make_stream(session, slug="tv")
    await session.commit()
    first = await gql(ADD, {"input": _slot("Market hour", DAY, 60)}, viewer=editor)

    clash = await gql(
        ADD, {"input": _slot("Interview", DAY + timedelta(minutes=30), 60)}, viewer=editor
    )
    adjacent = await gql(
        ADD, {"input": _slot("Interview", DAY + timedelta(hours=1), 60)}, viewer=editor
    )

    assert first.data["addProgrammeSlot"]["errors"] == []
    error = clash.data["addProgrammeSlot"]["errors"][0]
    assert error["field"] == "startsAt"
    assert "'Market hour' (2026-12-01 12:00 to 13:00 Asia/Tbilisi)" in error["message"]
    assert adjacent.data["addProgrammeSlot"]["errors"] == []


async def test_a_slot_must_end_after_it_starts(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    await make_stream(session, slug="tv")
    await session.commit()

    result = await gql(ADD, {"input": _slot("Backwards", DAY, -10)}, viewer=editor)

    assert result.data["addProgrammeSlot"]["errors"] == [
        {"field": "endsAt", "message": "The end must be after the start."}
    ]


async def test_a_slot_is_moved_and_deleted_by_its_id(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    await make_stream(session, slug="tv")
    await session.commit()
    added = await gql(ADD, {"input": _slot("News", DAY, 30)}, viewer=editor)
    slot_id = added.data["addProgrammeSlot"]["slot"]["id"]

    moved = await gql(
        "mutation M($id: ID!, $at: DateTime!) {"
        " updateProgrammeSlot(input: {id: $id, startsAt: $at})"
        " { slot { startsAt endsAt } errors { message } } }",
        {"id": slot_id, "at": (DAY - timedelta(minutes=30)).isoformat()},
        viewer=editor,
    )
    deleted = await gql(
        "mutation D($id: ID!) { deleteProgrammeSlot(input: {id: $id}) { deleted } }",
        {"id": slot_id},
        viewer=editor,
    )

    assert moved.data["updateProgrammeSlot"] == {
        "slot": {"startsAt": "2026-12-01T07:30:00+00:00", "endsAt": "2026-12-01T08:30:00+00:00"},
        "errors": [],
    }
    assert deleted.data["deleteProgrammeSlot"] == {"deleted": True}
    assert (await gql(SCHEDULE, {"date": "2026-12-01"})).data["schedule"] == []


async def test_the_schedule_lists_one_local_day(session: AsyncSession, gql: Gql) -> None:
    tv = await make_stream(session, slug="tv")
    # Tbilisi is UTC+4: its 1 December runs from 30 November 20:00 to 1 December 20:00 UTC.
    for title, start in [
        ("Late show, the day before", datetime(2026, 11, 30, 18, 0, tzinfo=UTC)),
        ("Overnight", datetime(2026, 11, 30, 19, 30, tzinfo=UTC)),
        ("Morning", datetime(2026, 12, 1, 5, 0, tzinfo=UTC)),
        ("Night, the day after", datetime(2026, 12, 1, 20, 0, tzinfo=UTC)),
    ]:
        await make_slot(
            session, tv, title=title, starts_at=start, ends_at=start + timedelta(hours=1)
        )
    await session.commit()

    result = await gql(SCHEDULE, {"date": "2026-12-01"})

    assert result.data["schedule"] == [{"title": "Overnight"}, {"title": "Morning"}]


async def test_the_calendars_first_and_last_days_list_what_they_hold(
    session: AsyncSession, gql: Gql
) -> None:
    tv = await make_stream(session, slug="tv")
    last = datetime(9999, 12, 30, 20, 0, tzinfo=UTC)  # 31 December 9999 in Tbilisi
    end = last + timedelta(hours=1)
    await make_slot(session, tv, title="Last show", starts_at=last, ends_at=end)
    await session.commit()

    first = await gql(SCHEDULE, {"date": "0001-01-01"})
    final = await gql(SCHEDULE, {"date": "9999-12-31"})

    assert (first.errors, first.data["schedule"]) == (None, [])
    assert (final.errors, final.data["schedule"]) == (None, [{"title": "Last show"}])


async def test_an_unknown_channel_is_an_error(session: AsyncSession, gql: Gql) -> None:
    result = await gql(SCHEDULE, {"date": "2026-12-01"})

    assert result.errors is not None
    assert "No channel with slug 'tv'" in result.errors[0].message


@pytest.mark.parametrize(
    ("day", "hours"), [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 6, 1), 24)]
)
def test_a_day_in_berlin_lasts_as_long_as_its_clocks_say(day: date, hours: int) -> None:
    start, end = day_bounds(day, Settings(_env_file=None, timezone="Europe/Berlin").zone)

    assert end - start == timedelta(hours=hours)


async def test_the_schedule_is_right_on_a_daylight_saving_change(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    """Berlin's clocks go back on 25 October 2026: that day runs 22:00 UTC to 23:00 UTC."""
    berlin = Settings(_env_file=None, database_url=database_url, timezone="Europe/Berlin")
    tv = await make_stream(session, slug="tv")
    for title, start in [
        ("Before midnight", datetime(2026, 10, 24, 21, 30, tzinfo=UTC)),
        ("First of the day", datetime(2026, 10, 24, 22, 0, tzinfo=UTC)),
        ("Last of the day", datetime(2026, 10, 25, 22, 30, tzinfo=UTC)),
        ("Next day", datetime(2026, 10, 25, 23, 0, tzinfo=UTC)),
    ]:
        await make_slot(
            session, tv, title=title, starts_at=start, ends_at=start + timedelta(minutes=30)
        )
    await session.commit()
    schema: Schema = build_schema(berlin)
    result = await schema.execute(
        '{ schedule(channel: "tv", date: "2026-10-25") { title startsAtLocal } }',
        context_value=Context(settings=berlin, sessions=sessions),
    )

    assert result.errors is None, result.errors
    assert result.data == {
        "schedule": [
            {"title": "First of the day", "startsAtLocal": "2026-10-25T00:00:00+02:00"},
            {"title": "Last of the day", "startsAtLocal": "2026-10-25T23:30:00+01:00"},
        ]
    }


async def test_a_slot_is_a_node(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    await make_stream(session, slug="tv")
    await session.commit()
    added = await gql(ADD, {"input": _slot("News", DAY, 30)}, viewer=editor)
    slot_id = added.data["addProgrammeSlot"]["slot"]["id"]

    found = await gql(
        "query N($id: ID!) { node(id: $id) { ... on ProgrammeSlot { title } } }", {"id": slot_id}
    )

    assert found.data == {"node": {"title": "News"}}


async def test_a_slot_id_past_the_largest_key_is_an_error_on_the_id(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    too_large = str(GlobalID("ProgrammeSlot", "99999999999999999999"))

    result = await gql(
        "mutation D($id: ID!) { deleteProgrammeSlot(input: {id: $id}) { errors { field } } }",
        {"id": too_large},
        viewer=editor,
    )

    assert result.errors is None, result.errors
    assert result.data["deleteProgrammeSlot"]["errors"] == [{"field": "id"}]
