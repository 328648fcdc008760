"""View counting: beacons and `recordView` queue in memory, a flush writes them exactly."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import func, select
from starlette.applications import Starlette

from cms.models import Article, ArticleStatus, ArticleViewBucket, ArticleViewSeen
from cms.services.views import ViewCounter
from cms.settings import Settings
from cms.web.app import create_app
from tests.builders import make_article

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
RECORD = """
mutation Record($id: String!) { recordView(input: {publicId: $id}) { accepted errors { message } } }
"""


@pytest.fixture
async def app(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Starlette]:
    app = create_app(settings)
    yield app
    await app.state.engine.dispose()


@pytest.fixture
async def web(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


async def _views(session: AsyncSession, article: Article) -> int:
    await session.refresh(article)
    return article.views


async def _beacon(web: httpx.AsyncClient, public_id: str, agent: str = BROWSER) -> httpx.Response:
    return await web.post(f"/views/{public_id}", headers={"user-agent": agent})


async def test_a_beacon_counts_once_flushed_and_lands_in_todays_bucket(
    app: Starlette, web: httpx.AsyncClient, session: AsyncSession
) -> None:
    article = await make_article(session, views=10)
    await session.commit()

    response = await _beacon(web, article.public_id)
    before_flush = await _views(session, article)
    counted = await app.state.views.flush()

    assert response.status_code == 204
    assert response.headers["cache-control"] == "no-store"
    assert (before_flush, counted, await _views(session, article)) == (10, 1, 11)
    bucket = (await session.scalars(select(ArticleViewBucket))).one()
    assert (bucket.article_id, bucket.day, bucket.views) == (
        article.id,
        datetime.now(UTC).date(),
        1,
    )


async def test_the_same_reader_counts_once_per_half_hour_another_reader_again(
    app: Starlette, web: httpx.AsyncClient, session: AsyncSession
) -> None:
    article = await make_article(session)
    await session.commit()

    for _ in range(3):
        await _beacon(web, article.public_id)
    await app.state.views.flush()
    await _beacon(web, article.public_id)
    await _beacon(web, article.public_id, agent=BROWSER + " Mobile")
    await app.state.views.flush()

    assert await _views(session, article) == 2


async def test_bots_and_readers_without_a_user_agent_are_not_counted(
    app: Starlette, web: httpx.AsyncClient, session: AsyncSession
) -> None:
    article = await make_article(session)
    await session.commit()

    for agent in ("Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0", ""):
        await _beacon(web, article.public_id, agent=agent)
    await app.state.views.flush()

    assert await _views(session, article) == 0


async def test_views_of_unknown_or_unpublished_articles_store_nothing(
    app: Starlette, web: httpx.AsyncClient, session: AsyncSession
) -> None:
    draft = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()

    for public_id in (draft.public_id, "0123456789abc", "not a valid id at all", "x" * 500):
        response = await _beacon(web, public_id)
        assert response.status_code == 204
    counted = await app.state.views.flush()

    assert counted == 0
    assert await _views(session, draft) == 0
    assert (await session.scalar(select(func.count()).select_from(ArticleViewSeen))) == 0
    assert (await session.scalar(select(func.count()).select_from(ArticleViewBucket))) == 0


async def test_record_view_mutation_counts_like_the_beacon(
    app: Starlette, web: httpx.AsyncClient, session: AsyncSession
) -> None:
    article = await make_article(session)
    await session.commit()

    answer = await web.post(
        "/graphql",
        json={"query": RECORD, "variables": {"id": article.public_id}},
        headers={"user-agent": BROWSER},
    )
    bot = await web.post(
        "/graphql",
        json={"query": RECORD, "variables": {"id": article.public_id}},
        headers={"user-agent": "bingbot/2.0"},
    )
    await app.state.views.flush()

    assert answer.json()["data"]["recordView"] == {"accepted": True, "errors": []}
    assert bot.json()["data"]["recordView"] == {"accepted": False, "errors": []}
    assert await _views(session, article) == 1


async def test_counters_of_two_processes_agree_on_a_reader_and_add_up(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    first, second = await make_article(session), await make_article(session)
    await session.commit()
    workers = [ViewCounter(sessions, settings.secret_key) for _ in range(2)]

    for worker in workers:
        worker.record(first.public_id, "203.0.113.7", BROWSER)
        for reader in range(50):
            worker.record(second.public_id, f"198.51.100.{reader}", BROWSER)
    counted = [await worker.flush() for worker in workers]

    assert counted == [51, 0]
    assert (await _views(session, first), await _views(session, second)) == (1, 50)
