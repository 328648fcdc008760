"""TV Live: the primary channel, whether it is on air, and what is on now and next."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import LiveStreamStatus
from tests.builders import make_slot, make_stream
from tests.conftest import Gql

LIVE_NOW = """
{
  liveNow {
    slug isOnAir status playbackUrl
    nowPlaying { title }
    upNext { title }
  }
}
"""


async def test_live_now_is_the_primary_channel_with_now_and_next(
    session: AsyncSession, gql: Gql
) -> None:
    await make_stream(session, slug="radio")
    tv = await make_stream(
        session, slug="tv-live", is_primary=True, playback_url="https://tv.example/live.m3u8"
    )
    now = datetime.now(UTC)
    await make_slot(
        session,
        tv,
        title="Morning news",
        starts_at=now - timedelta(hours=2),
        ends_at=now - timedelta(hours=1),
    )
    await make_slot(
        session,
        tv,
        title="Market hour",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(minutes=10),
    )
    await make_slot(
        session,
        tv,
        title="Interview",
        starts_at=now + timedelta(minutes=10),
        ends_at=now + timedelta(hours=1),
    )
    await make_slot(
        session,
        tv,
        title="Evening news",
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
    )
    await session.commit()

    result = await gql(LIVE_NOW)

    assert result.errors is None, result.errors
    assert result.data["liveNow"] == {
        "slug": "tv-live",
        "isOnAir": True,
        "status": "LIVE",
        "playbackUrl": "https://tv.example/live.m3u8",
        "nowPlaying": {"title": "Market hour"},
        "upNext": {"title": "Interview"},
    }


async def test_an_offline_channel_has_no_playback_url(session: AsyncSession, gql: Gql) -> None:
    await make_stream(session, is_primary=True, status=LiveStreamStatus.OFFLINE)
    await session.commit()

    live = (await gql(LIVE_NOW)).data["liveNow"]

    assert (live["isOnAir"], live["playbackUrl"], live["nowPlaying"]) == (False, None, None)


async def test_without_a_primary_channel_live_now_is_null(session: AsyncSession, gql: Gql) -> None:
    await make_stream(session)
    await session.commit()

    assert (await gql(LIVE_NOW)).data == {"liveNow": None}


async def test_live_streams_lists_the_primary_first(session: AsyncSession, gql: Gql) -> None:
    await make_stream(session, slug="radio", position=0)
    await make_stream(session, slug="tv-live", is_primary=True, position=5)
    await session.commit()

    result = await gql("{ liveStreams { slug isPrimary } }")

    assert result.data["liveStreams"] == [
        {"slug": "tv-live", "isPrimary": True},
        {"slug": "radio", "isPrimary": False},
    ]
