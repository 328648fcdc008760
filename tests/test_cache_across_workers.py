"""Two worker processes sharing one database and one Redis: after a publish returns on one
worker, the other never answers from a stale cache entry."""

import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import ArticleStatus, Role
from cms.services.passwords import hash_password
from cms.settings import Settings
from tests.builders import make_article, make_user
from tests.live_server import live_server

REDIS_URL = "redis://127.0.0.1:6379/0"
HOME = "{ articles(first: 10) { edges { node { title } } } }"
LOGIN = "mutation L($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token } }"
PUBLISH = "mutation P($id: String!) { publishArticle(input: {id: $id}) { errors { message } } }"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two uvicorn processes on the test database and one Redis, with their own key prefix."""
    try:
        Redis.from_url(REDIS_URL).ping()
    except RedisError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; CI starts it")
    env = {
        "CMS_DATABASE_URL": settings.database_url,
        "CMS_REDIS_URL": REDIS_URL,
        "CMS_REDIS_PREFIX": f"test-{secrets.token_hex(4)}",
        "CMS_MEDIA_ROOT": str(tmp_path / "media"),
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0",
        "CMS_DIGEST_TIME": "off",
    }
    with live_server(env) as writer, live_server(env) as reader:
        yield writer, reader


async def test_a_publish_on_one_worker_is_seen_on_the_other_at_once(
    session: AsyncSession, workers: tuple[str, str]
) -> None:
    writer, reader = workers
    await make_user(
        session,
        email="ed@newsroom.example",
        role=Role.EDITOR,
        password_hash=hash_password(PASSWORD),
    )
    await make_article(session, title="Earlier story")
    drafts = [
        await make_article(session, title=f"Story {n}", status=ArticleStatus.DRAFT)
        for n in range(5)
    ]
    await session.commit()
    async with httpx.AsyncClient() as editor, httpx.AsyncClient() as client:
        login = await editor.post(
            f"{writer}/graphql",
            json={"query": LOGIN, "variables": {"e": "ed@newsroom.example", "p": PASSWORD}},
        )
        headers = {"authorization": f"Bearer {login.json()['data']['login']['token']}"}

        for draft in drafts:
            await client.get(f"{reader}/graphql", params={"query": HOME})
            cached = await client.get(f"{reader}/graphql", params={"query": HOME})
            assert cached.headers["x-cache"] == "HIT"

            await editor.post(
                f"{writer}/graphql",
                json={"query": PUBLISH, "variables": {"id": draft.public_id}},
                headers=headers,
            )
            after = await client.get(f"{reader}/graphql", params={"query": HOME})

            titles = [e["node"]["title"] for e in after.json()["data"]["articles"]["edges"]]
            assert titles[0] == draft.title
