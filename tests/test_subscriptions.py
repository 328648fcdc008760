"""Subscriptions over a real WebSocket to a real server: events arrive at once, only published
content reaches readers, and each socket is held to its limits (`test_ws_protocol` holds the
protocol under violations)."""

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cms.models import ArticleStatus, LiveStreamStatus, Role
from cms.services import scheduling
from cms.settings import Settings
from tests.builders import make_article, make_category, make_stream, make_token, make_user
from tests.polling import until
from tests.ws import LiveServer, graphql_socket, live_server

BREAKING = 'subscription { breakingNews(locale: "en") { title isBreaking status } }'
SET_BREAKING = """
mutation B($id: String!) {
  setArticleBreaking(input: {id: $id, breaking: true}) { errors { message } }
}
"""
PUBLISH = "mutation P($id: String!) { publishArticle(input: {id: $id}) { errors { message } } }"


@pytest.fixture
async def server(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[LiveServer]:
    served = Settings(
        _env_file=None,
        database_url=settings.database_url,
        media_root=settings.media_root,
        site_url=settings.site_url,
        scheduler_interval_seconds=0,
        ws_ping_seconds=0.3,
        ws_max_subscriptions=3,
        ws_allowed_origins=["https://app.example"],
    )
    async with live_server(served) as running:
        yield running


async def _editor_token(session: AsyncSession, role: Role = Role.EDITOR) -> str:
    token = await make_token(session, await make_user(session, role=role))
    await session.commit()
    return token


async def _post(server: LiveServer, token: str, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=f"http://{server.address}") as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def _subscribed(server: LiveServer, count: int = 1) -> None:
    await until(lambda: server.subscribers == count, what=f"{count} subscription(s) registering")


async def test_breaking_news_reaches_a_subscribed_reader_when_published(
    server: LiveServer, session: AsyncSession
) -> None:
    token = await _editor_token(session)
    story = await make_article(session, title="Central bank cuts rates", status=ArticleStatus.DRAFT)
    await session.commit()
    async with graphql_socket(server.address) as reader:
        await reader.subscribe("1", BREAKING)
        await _subscribed(server)
        await _post(server, token, SET_BREAKING, id=story.public_id)

        started = time.perf_counter()
        await _post(server, token, PUBLISH, id=story.public_id)
        message = await reader.receive()
        print(f"breakingNews latency: {(time.perf_counter() - started) * 1000:.1f} ms")

    assert message == {
        "id": "1",
        "type": "next",
        "payload": {
            "data": {
                "breakingNews": {
                    "title": "Central bank cuts rates",
                    "isBreaking": True,
                    "status": "PUBLISHED",
                }
            }
        },
    }


async def test_readers_never_receive_a_draft(server: LiveServer, session: AsyncSession) -> None:
    token = await _editor_token(session)
    draft = await make_article(session, title="Embargoed", status=ArticleStatus.DRAFT)
    published = await make_article(session, title="Out now")
    await session.commit()
    async with graphql_socket(server.address) as reader:
        await reader.subscribe("1", BREAKING)
        await _subscribed(server)

        await _post(server, token, SET_BREAKING, id=draft.public_id)
        await _post(server, token, SET_BREAKING, id=published.public_id)
        message = await reader.receive()

    assert message["payload"]["data"]["breakingNews"]["title"] == "Out now"


async def test_published_articles_are_pushed_by_category_and_locale(
    server: LiveServer, session: AsyncSession
) -> None:
    token = await _editor_token(session)
    economy = await make_category(session, slug="economy")
    markets = await make_category(session, slug="markets", parent_id=economy.id)
    sport = await make_category(session, slug="sport")
    samples: list[tuple[str, dict[str, Any]]] = [
        ("Sport", {"category_id": sport.id}),
        ("Georgian", {"category_id": markets.id, "locale": "ka"}),
        ("Markets", {"category_id": markets.id}),
    ]
    drafts = [
        await make_article(session, title=title, status=ArticleStatus.DRAFT, **values)
        for title, values in samples
    ]
    await session.commit()
    async with graphql_socket(server.address) as reader:
        await reader.subscribe(
            "1",
            'subscription { articlePublished(category: "economy", locale: "en") { title } }',
        )
        await _subscribed(server)
        for draft in drafts:
            await _post(server, token, PUBLISH, id=draft.public_id)
        message = await reader.receive()

    assert message["payload"]["data"] == {"articlePublished": {"title": "Markets"}}


async def test_the_scheduler_pushes_what_it_publishes_and_expires(
    server: LiveServer, session: AsyncSession
) -> None:
    now = datetime.now(UTC)
    await make_article(
        session,
        title="Due",
        status=ArticleStatus.SCHEDULED,
        scheduled_at=now - timedelta(seconds=1),
        is_breaking=True,
        breaking_until=now + timedelta(hours=1),
    )
    await make_article(
        session, title="Expired", is_breaking=True, breaking_until=now - timedelta(seconds=1)
    )
    await session.commit()
    async with graphql_socket(server.address) as reader:
        await reader.subscribe("1", BREAKING)
        await _subscribed(server)
        await scheduling.run_once(server.app.state.sessions)
        first, second = await reader.receive(), await reader.receive()

    assert [
        first["payload"]["data"]["breakingNews"],
        second["payload"]["data"]["breakingNews"],
    ] == [
        {"title": "Due", "isBreaking": True, "status": "PUBLISHED"},
        {"title": "Expired", "isBreaking": False, "status": "PUBLISHED"},
    ]


async def test_a_channel_going_live_is_pushed(server: LiveServer, session: AsyncSession) -> None:
    token = await _editor_token(session)
    await make_stream(session, slug="tv", status=LiveStreamStatus.SCHEDULED)
    await session.commit()
    async with graphql_socket(server.address) as viewer:
        await viewer.subscribe(
            "tv", 'subscription { liveStreamChanged(channel: "tv") { status playbackUrl } }'
        )
        await _subscribed(server)
        await _post(
            server,
            token,
            'mutation { setLiveStreamStatus(input: {slug: "tv", status: LIVE}) { __typename } }',
        )
        message = await viewer.receive()

    assert message["payload"]["data"]["liveStreamChanged"]["status"] == "LIVE"
    assert message["payload"]["data"]["liveStreamChanged"]["playbackUrl"].endswith(".m3u8")


async def test_a_live_blog_entry_is_pushed(server: LiveServer, session: AsyncSession) -> None:
    token = await _editor_token(session)
    blog = await make_article(session, is_live_blog=True)
    await session.commit()
    async with graphql_socket(server.address) as reader:
        await reader.subscribe(
            "blog",
            "subscription S($id: String!) { liveBlogUpdated(article: $id) { body } }",
            {"id": blog.public_id},
        )
        await _subscribed(server)
        await _post(
            server,
            token,
            "mutation A($id: String!) { addLiveBlogUpdate(input: {article: $id, "
            'body: "<p>Markets open higher</p>"}) { errors { message } } }',
            id=blog.public_id,
        )
        message = await reader.receive()

    assert message["payload"]["data"] == {"liveBlogUpdated": {"body": "<p>Markets open higher</p>"}}


async def test_a_draft_live_blog_or_an_unknown_channel_is_an_error(
    server: LiveServer, session: AsyncSession
) -> None:
    draft = await make_article(session, is_live_blog=True, status=ArticleStatus.DRAFT)
    await session.commit()
    async with graphql_socket(server.address) as reader:
        await reader.subscribe(
            "blog",
            "subscription S($id: String!) { liveBlogUpdated(article: $id) { body } }",
            {"id": draft.public_id},
        )
        [blog_error] = await reader.until_done("blog")
        await reader.subscribe(
            "tv", 'subscription { liveStreamChanged(channel: "nope") { status } }'
        )
        [channel_error] = await reader.until_done("tv")
        await reader.subscribe("q", "{ liveStreams { slug } }")
        [still_served] = await reader.until_done("q")

    assert blog_error["payload"]["errors"][0]["message"] == (
        f"No live blog with public id {draft.public_id!r}."
    )
    assert channel_error["payload"]["errors"][0]["message"] == (
        "No channel with slug 'nope'; see `liveStreams`."
    )
    assert still_served["payload"] == {"data": {"liveStreams": []}}


async def test_subscriptions_per_connection_are_capped(server: LiveServer) -> None:
    async with graphql_socket(server.address) as greedy:
        for n in range(4):
            await greedy.subscribe(str(n), BREAKING)
        refused = await greedy.receive()
        await _subscribed(server, 3)

    assert refused == {
        "id": "3",
        "type": "error",
        "payload": [{"message": "Subscription limit reached"}],
    }


async def test_a_mutation_over_the_socket_needs_the_role(
    server: LiveServer, session: AsyncSession
) -> None:
    author = await _editor_token(session, Role.AUTHOR)
    editor = await _editor_token(session, Role.EDITOR)
    create = 'mutation { createLiveStream(input: {title: "Radio"}) { liveStream { slug } } }'
    codes = []
    for params in ({}, {"token": author}):
        async with graphql_socket(server.address, params) as client:
            await client.subscribe("m", create)
            answer = await client.receive()
            codes.append(answer["payload"]["errors"][0]["extensions"]["code"])
    async with graphql_socket(server.address, {"token": editor}) as client:
        await client.subscribe("m", create)
        created = await client.receive()

    assert codes == ["UNAUTHENTICATED", "FORBIDDEN"]
    assert created["payload"] == {"data": {"createLiveStream": {"liveStream": {"slug": "radio"}}}}


@pytest.mark.parametrize(
    ("page", "outcome"),
    [("same-site", "createLiveStream"), ("https://app.example", "UNAUTHENTICATED")],
)
async def test_graphiqls_session_cookie_signs_in_a_socket_from_the_same_site_only(
    server: LiveServer, session: AsyncSession, page: str, outcome: str
) -> None:
    token = await _editor_token(session)
    origin = f"http://{server.address}" if page == "same-site" else page
    headers = {"Cookie": f"cms_session={token}", "Origin": origin}
    create = 'mutation { createLiveStream(input: {title: "TV"}) { __typename } }'
    async with graphql_socket(server.address, headers=headers) as client:
        await client.subscribe("m", create)
        [answer] = await client.until_done("m")

    payload = answer["payload"]
    codes = [error["extensions"]["code"] for error in payload.get("errors", [])]
    assert outcome in [*(payload["data"] or {}), *codes]


async def test_the_server_pings_idle_clients(server: LiveServer) -> None:
    async with graphql_socket(server.address) as idle:
        await idle.subscribe("1", BREAKING)
        await idle.subscribe("q", "{ liveStreams { slug } }")
        await idle.until_done("q")
        await idle.pinged(times=2)

    assert idle.pings >= 2


async def test_shutting_down_closes_sockets_cleanly(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    served = Settings(
        _env_file=None, database_url=settings.database_url, scheduler_interval_seconds=0
    )
    async with live_server(served) as running, graphql_socket(running.address) as reader:
        await reader.subscribe("1", BREAKING)
        await _subscribed(running)
        running.server.should_exit = True

        assert await reader.close_code() == 1012
        await until(lambda: running.subscribers == 0, what="the subscription ending")


async def test_an_anonymous_socket_runs_registered_documents_only_when_locked(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    (tmp_path / "breaking.graphql").write_text(BREAKING, encoding="utf-8")
    locked = settings.model_copy(
        update={
            "persisted_queries_only": True,
            "persisted_queries_dir": tmp_path,
            "scheduler_interval_seconds": 0,
        }
    )
    async with live_server(locked) as running, graphql_socket(running.address) as reader:
        await reader.subscribe("other", "{ liveStreams { slug } }")
        [refused] = await reader.until_done("other")
        await reader.subscribe("registered", BREAKING)
        await _subscribed(running)

    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
