"""Cached responses that show TV Live, the programme or a live blog are dropped by the writes
that change them, including the scheduler announcing a programme start."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from cms.models import LiveStreamStatus, Role
from cms.services import scheduling
from tests.builders import make_article, make_slot, make_stream, make_token, make_user

LIVE = "{ liveNow { status nowPlaying { title } } }"
BLOG = "query B($id: String!) { article(publicId: $id) { liveUpdates { totalCount } } }"


async def _get(client: httpx.AsyncClient, query: str, **variables: Any) -> Any:
    params = {"query": query} | ({"variables": json.dumps(variables)} if variables else {})
    response = await client.get("/graphql", params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def _as_editor(
    client: httpx.AsyncClient, session: AsyncSession, query: str, **variables: Any
) -> None:
    token = await make_token(session, await make_user(session, role=Role.EDITOR))
    await session.commit()
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert "errors" not in response.json(), response.json()


async def test_a_status_change_drops_the_cached_live_now(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_stream(session, slug="tv", is_primary=True, status=LiveStreamStatus.SCHEDULED)
    await session.commit()
    before = await _get(client, LIVE)

    await _as_editor(
        client,
        session,
        'mutation { setLiveStreamStatus(input: {slug: "tv", status: LIVE}) { __typename } }',
    )

    assert before["liveNow"]["status"] == "SCHEDULED"
    assert (await _get(client, LIVE))["liveNow"]["status"] == "LIVE"


async def test_a_programme_starting_drops_the_cached_live_now(
    client: httpx.AsyncClient, app: Starlette, session: AsyncSession
) -> None:
    tv = await make_stream(session, slug="tv", is_primary=True)
    now = datetime.now(UTC)
    await make_slot(
        session,
        tv,
        title="Market hour",
        starts_at=now + timedelta(seconds=1),
        ends_at=now + timedelta(hours=1),
    )
    await session.commit()
    before = await _get(client, LIVE)

    await scheduling.run_once(app.state.sessions)
    await _sleep_past(now + timedelta(seconds=1))
    await scheduling.run_once(app.state.sessions)

    assert before["liveNow"]["nowPlaying"] is None
    assert (await _get(client, LIVE))["liveNow"]["nowPlaying"] == {"title": "Market hour"}


async def test_a_live_blog_entry_drops_the_cached_article(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    blog = await make_article(session, is_live_blog=True)
    await session.commit()
    before = await _get(client, BLOG, id=blog.public_id)

    await _as_editor(
        client,
        session,
        'mutation A($id: String!) { addLiveBlogUpdate(input: {article: $id, body: "<p>Up</p>"}) '
        "{ __typename } }",
        id=blog.public_id,
    )

    assert before["article"]["liveUpdates"]["totalCount"] == 0
    after = await _get(client, BLOG, id=blog.public_id)
    assert after["article"]["liveUpdates"]["totalCount"] == 1


async def _sleep_past(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()) + 0.05)
