"""Per-client budgets: anonymous queries, cache hits, staff, view beacons; counted by the
address a trusted proxy names, and shared by workers through Redis."""

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from ipaddress import ip_network

import httpx
import pytest
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cms.models import Role
from cms.settings import Settings
from cms.web.app import create_app
from tests.builders import make_article, make_token, make_user

REDIS_URL = "redis://127.0.0.1:6379/0"
LATEST = "query Latest { articles(first: 1) { totalCount } }"


@pytest.fixture(autouse=True)
def _emptied_database(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Every test runs against the migrated, emptied database."""


@asynccontextmanager
async def _client(settings: Settings, **changes: object) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=changes))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            yield client
    finally:
        await app.state.limiter.close()
        await app.state.engine.dispose()


def _query(n: int) -> dict[str, object]:
    """A query the cache has not seen, so that it runs."""
    return {"query": f"query Q{n} {{ articles(first: {n + 1}) {{ totalCount }} }}"}


async def test_an_anonymous_client_past_its_budget_gets_429_with_retry_after(
    settings: Settings,
) -> None:
    async with _client(settings, rate_limit_anonymous="3/minute") as client:
        statuses = [(await client.post("/graphql", json=_query(n))).status_code for n in range(3)]
        refused = await client.post("/graphql", json=_query(3))
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_cache_hits_spend_only_their_own_looser_budget(settings: Settings) -> None:
    async with _client(
        settings, rate_limit_anonymous="1/minute", rate_limit_cached="4/minute"
    ) as client:
        answers = [await client.post("/graphql", json={"query": LATEST}) for _ in range(4)]
        fifth = await client.post("/graphql", json={"query": LATEST})
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert [a.headers["x-cache"] for a in answers] == ["MISS", "HIT", "HIT", "HIT"]
    assert fifth.status_code == 429


async def test_staff_have_their_own_budget_per_account(
    settings: Settings, session: AsyncSession
) -> None:
    editor = await make_user(session, role=Role.EDITOR)
    token = await make_token(session, editor)
    await session.commit()
    signed_in = {"Authorization": f"Bearer {token}"}
    async with _client(
        settings, rate_limit_anonymous="1/minute", rate_limit_staff="2/minute"
    ) as client:
        assert (await client.post("/graphql", json=_query(0))).status_code == 200
        assert (await client.post("/graphql", json=_query(1))).status_code == 429
        staff = [
            (await client.post("/graphql", json=_query(n), headers=signed_in)).status_code
            for n in range(3)
        ]
    assert staff == [200, 200, 429]


async def test_an_invented_token_buys_no_staff_budget(settings: Settings) -> None:
    invented = {"Authorization": "Bearer not-a-real-token"}
    async with _client(
        settings, rate_limit_anonymous="1/minute", rate_limit_staff="100/minute"
    ) as client:
        first = await client.post("/graphql", json=_query(0), headers=invented)
        second = await client.post("/graphql", json=_query(1), headers=invented)
    assert (first.status_code, second.status_code) == (200, 429)


async def test_view_beacons_past_their_budget_are_refused_and_not_counted(
    settings: Settings, session: AsyncSession
) -> None:
    story = await make_article(session)
    await session.commit()
    app = create_app(settings.model_copy(update={"rate_limit_views": "2/minute"}))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://t") as c:
        statuses = [
            (await c.post(f"/views/{story.public_id}", headers={"User-Agent": f"r{n}"})).status_code
            for n in range(3)
        ]
    await app.state.engine.dispose()
    assert statuses == [204, 204, 429]
    assert len(app.state.views.pending) == 2


async def test_a_listed_proxy_names_the_client(settings: Settings) -> None:
    """Behind a trusted proxy, two readers are two clients; the proxy's own hop is skipped."""
    async with _client(
        settings, rate_limit_anonymous="1/minute", trusted_proxies=[ip_network("127.0.0.1/32")]
    ) as client:
        reader_a = {"X-Forwarded-For": "203.0.113.7, 127.0.0.1"}
        reader_b = {"X-Forwarded-For": "198.51.100.9"}
        a1 = await client.post("/graphql", json=_query(0), headers=reader_a)
        b1 = await client.post("/graphql", json=_query(1), headers=reader_b)
        a2 = await client.post("/graphql", json=_query(2), headers=reader_a)
    assert (a1.status_code, b1.status_code, a2.status_code) == (200, 200, 429)


async def test_a_forwarded_header_from_an_unlisted_peer_is_ignored(settings: Settings) -> None:
    async with _client(
        settings, rate_limit_anonymous="1/minute", trusted_proxies=[ip_network("10.0.0.0/8")]
    ) as client:
        first = await client.post(
            "/graphql", json=_query(0), headers={"X-Forwarded-For": "1.2.3.4"}
        )
        forged = await client.post(
            "/graphql", json=_query(1), headers={"X-Forwarded-For": "5.6.7.8"}
        )
    assert (first.status_code, forged.status_code) == (200, 429)


async def test_a_malformed_forwarded_header_counts_against_the_proxy(settings: Settings) -> None:
    async with _client(
        settings, rate_limit_anonymous="1/minute", trusted_proxies=[ip_network("127.0.0.1/32")]
    ) as client:
        first = await client.post("/graphql", json=_query(0), headers={"X-Forwarded-For": "junk"})
        second = await client.post(
            "/graphql", json=_query(1), headers={"X-Forwarded-For": "999.1.1.1, also junk"}
        )
    assert (first.status_code, second.status_code) == (200, 429)


async def test_workers_sharing_redis_share_a_budget(settings: Settings) -> None:
    probe: Redis = Redis.from_url(REDIS_URL)
    try:
        await probe.ping()
    except (RedisError, OSError):
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; CI starts it")
    finally:
        await probe.aclose()
    shared = {
        "redis_url": REDIS_URL,
        "redis_prefix": f"cms-test-{secrets.token_hex(6)}",
        "rate_limit_anonymous": "3/minute",
        "response_cache_bytes": 0,
    }
    async with _client(settings, **shared) as one, _client(settings, **shared) as other:
        statuses = [(await one.post("/graphql", json=_query(n))).status_code for n in range(2)]
        statuses.append((await other.post("/graphql", json=_query(2))).status_code)
        statuses.append((await other.post("/graphql", json=_query(3))).status_code)
    assert statuses == [200, 200, 200, 429]


async def test_views_count_readers_by_the_address_a_listed_proxy_names(
    settings: Settings, session: AsyncSession
) -> None:
    story = await make_article(session)
    await session.commit()
    app = create_app(settings.model_copy(update={"trusted_proxies": [ip_network("127.0.0.1")]}))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://t") as c:
        for reader in ("203.0.113.7", "198.51.100.9", "203.0.113.7"):
            headers = {"X-Forwarded-For": reader, "User-Agent": "Mozilla/5.0"}
            await c.post(f"/views/{story.public_id}", headers=headers)
    await app.state.engine.dispose()
    assert len(app.state.views.pending) == 2


def test_a_rate_that_is_not_in_limits_notation_is_refused() -> None:
    with pytest.raises(ValidationError, match="is not like `300/minute`"):
        Settings(_env_file=None, rate_limit_anonymous="lots")


def test_trusted_proxies_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMS_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.10")
    assert Settings(_env_file=None).trusted_proxies == [
        ip_network("10.0.0.0/8"),
        ip_network("192.0.2.10"),
    ]
