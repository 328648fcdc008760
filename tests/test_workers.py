"""Two app processes, one database, one Redis: a reader connected to one worker hears what an
editor does on the other."""

import secrets
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import ArticleStatus, Role
from tests.builders import make_article, make_token, make_user
from tests.live_server import live_server
from tests.polling import until
from tests.ws import graphql_socket

REDIS_URL = "redis://127.0.0.1:6379/0"
BREAKING = "subscription { breakingNews { title isBreaking } }"
FLAG = """
mutation Go($id: String!) {
  setArticleBreaking(input: {id: $id, breaking: true}) { errors { message } }
}
"""
PUBLISH = "mutation P($id: String!) { publishArticle(input: {id: $id}) { errors { message } } }"


async def _subscribed(address: str) -> bool:
    async with httpx.AsyncClient() as client:
        return bool((await client.get(f"http://{address}/healthz")).json()["subscribers"] == 1)


@pytest.fixture
async def redis_channel() -> AsyncIterator[str]:
    """A channel prefix of this test run only, so parallel runs never hear each other."""
    client: Redis = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisError, OSError):
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; CI starts it")
    yield f"cms-test-{secrets.token_hex(6)}"
    await client.aclose()


async def test_a_reader_on_one_worker_hears_a_publish_on_another(
    session: AsyncSession, database_url: str, redis_channel: str, tmp_path: Path
) -> None:
    editor = await make_user(session, role=Role.EDITOR)
    token = await make_token(session, editor)
    story = await make_article(session, title="Lari strengthens", status=ArticleStatus.DRAFT)
    await session.commit()
    env = {
        "CMS_DATABASE_URL": database_url,
        "CMS_REDIS_URL": REDIS_URL,
        "CMS_REDIS_PREFIX": redis_channel,
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0",
        "CMS_MEDIA_ROOT": str(tmp_path / "media"),
    }
    redis: Redis = Redis.from_url(REDIS_URL)

    async def both_listening() -> bool:
        counts = await redis.pubsub_numsub(f"{redis_channel}:events")
        return bool(counts[0][1] == 2)

    with live_server(env) as url_a, live_server(env) as url_b:
        worker_a, worker_b = (url.removeprefix("http://") for url in (url_a, url_b))
        await until(both_listening, what="both workers subscribing to Redis")
        async with (
            graphql_socket(worker_a) as reader,
            httpx.AsyncClient(
                base_url=f"http://{worker_b}", headers={"Authorization": f"Bearer {token}"}
            ) as editor_on_b,
        ):
            await reader.subscribe("1", BREAKING)
            await until(lambda: _subscribed(worker_a), what="the subscription on worker A")
            flagged = await editor_on_b.post(
                "/graphql", json={"query": FLAG, "variables": {"id": story.public_id}}
            )
            assert flagged.json()["data"]["setArticleBreaking"]["errors"] == []

            started = time.perf_counter()
            published = await editor_on_b.post(
                "/graphql", json={"query": PUBLISH, "variables": {"id": story.public_id}}
            )
            message = await reader.receive()
            print(f"breakingNews across workers: {(time.perf_counter() - started) * 1000:.1f} ms")

    await redis.aclose()
    assert published.json()["data"]["publishArticle"]["errors"] == []
    assert message["payload"] == {
        "data": {"breakingNews": {"title": "Lari strengthens", "isBreaking": True}}
    }
