"""Editors manage live streams: playback URLs that players can use, one primary channel, and
status changes along one transition table."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import LiveStreamStatus, Role
from cms.services.viewer import Viewer
from tests.builders import make_media, make_stream, make_user
from tests.conftest import Gql

CREATE = """
mutation Create($input: CreateLiveStreamInput!) {
  createLiveStream(input: $input) {
    liveStream { slug title status isPrimary playbackUrl poster { alt } }
    errors { field message code }
  }
}
"""
UPDATE = """
mutation Update($input: UpdateLiveStreamInput!) {
  updateLiveStream(input: $input) {
    liveStream { slug isPrimary }
    errors { field message }
  }
}
"""
STATUS = """
mutation Status($slug: String!, $status: LiveStreamStatus!) {
  setLiveStreamStatus(input: {slug: $slug, status: $status}) {
    liveStream { status isOnAir startedAt endedAt }
    errors { field message }
  }
}
"""


async def _editor(session: AsyncSession) -> Viewer:
    viewer = Viewer(await make_user(session, role=Role.EDITOR))
    await session.commit()
    return viewer


async def _create(gql: Gql, viewer: Viewer, **values: Any) -> dict[str, Any]:
    result = await gql(CREATE, {"input": {"title": "TV Live"} | values}, viewer=viewer)
    assert result.errors is None, result.errors
    payload: dict[str, Any] = result.data["createLiveStream"]
    return payload


async def test_an_editor_creates_the_first_stream_as_primary(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    poster = await make_media(session, alt="Studio")
    await session.commit()

    payload = await _create(
        gql, editor, playbackUrl="https://cdn.example/tv/index.m3u8", posterId=str(poster.id)
    )

    assert payload == {
        "liveStream": {
            "slug": "tv-live",
            "title": "TV Live",
            "status": "OFFLINE",
            "isPrimary": True,
            "playbackUrl": None,
            "poster": {"alt": "Studio"},
        },
        "errors": [],
    }


async def test_playback_urls_must_be_https_hls_or_an_allowed_provider(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)

    refused = [
        (await _create(gql, editor, playbackUrl=url))["errors"][0]["message"]
        for url in ("http://cdn.example/live.m3u8", "https://cdn.example/live.mp4")
    ]
    provider = await _create(gql, editor, slug="mux", playbackUrl="https://stream.mux.com/abc")

    assert "https://" in refused[0]
    assert ".m3u8" in refused[1]
    assert provider["errors"] == []


async def test_making_a_stream_primary_unsets_the_previous_one(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    await _create(gql, editor, slug="tv")
    await _create(gql, editor, slug="radio")

    made = await gql(UPDATE, {"input": {"slug": "radio", "isPrimary": True}}, viewer=editor)
    streams = await gql("{ liveStreams { slug isPrimary } liveNow { slug } }")

    assert made.data["updateLiveStream"]["errors"] == []
    assert streams.data == {
        "liveStreams": [{"slug": "radio", "isPrimary": True}, {"slug": "tv", "isPrimary": False}],
        "liveNow": {"slug": "radio"},
    }


async def test_the_primary_stream_cannot_simply_be_unset(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    await _create(gql, editor, slug="tv")

    result = await gql(UPDATE, {"input": {"slug": "tv", "isPrimary": False}}, viewer=editor)

    assert result.data["updateLiveStream"]["errors"][0]["field"] == "isPrimary"


async def test_a_stream_goes_live_and_ends(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    await make_stream(session, slug="tv", status=LiveStreamStatus.SCHEDULED, is_primary=True)
    await session.commit()

    live = await gql(STATUS, {"slug": "tv", "status": "LIVE"}, viewer=editor)
    ended = await gql(STATUS, {"slug": "tv", "status": "ENDED"}, viewer=editor)

    on_air = live.data["setLiveStreamStatus"]["liveStream"]
    off_air = ended.data["setLiveStreamStatus"]["liveStream"]
    assert (on_air["status"], on_air["isOnAir"], on_air["endedAt"]) == ("LIVE", True, None)
    assert (off_air["status"], off_air["isOnAir"]) == ("ENDED", False)
    assert off_air["startedAt"] == on_air["startedAt"] < off_air["endedAt"]


async def test_a_refused_transition_names_the_current_status(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    await make_stream(session, slug="tv", status=LiveStreamStatus.ENDED)
    await session.commit()

    result = await gql(STATUS, {"slug": "tv", "status": "LIVE"}, viewer=editor)

    assert result.data["setLiveStreamStatus"] == {
        "liveStream": None,
        "errors": [
            {
                "field": "status",
                "message": "The stream is ENDED; it cannot go to LIVE, only to OFFLINE, SCHEDULED.",
            }
        ],
    }


async def test_going_live_needs_a_playback_url(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    await make_stream(session, slug="tv", status=LiveStreamStatus.OFFLINE, playback_url=None)
    await session.commit()

    result = await gql(STATUS, {"slug": "tv", "status": "LIVE"}, viewer=editor)

    assert "playback URL" in result.data["setLiveStreamStatus"]["errors"][0]["message"]


async def test_an_unknown_stream_is_a_not_found_error(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)

    result = await gql(STATUS, {"slug": "nope", "status": "LIVE"}, viewer=editor)

    assert result.data["setLiveStreamStatus"]["errors"][0]["field"] == "slug"
