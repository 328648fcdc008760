"""View counts that readers see move: a cached answer that shows `views` is fresh for
`CMS_VIEWS_MAX_AGE_SECONDS`, then served stale while one request recomputes it; a view never
purges an entry. The stores' clock is replaced by one the tests move, so nothing waits."""

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import Engine, event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from cms.models import Article
from cms.settings import Settings
from cms.web.app import create_app
from cms.web.response_cache import CachedResponse, RedisResponseCache, ResponseCache, ResponseStore
from tests.builders import make_article

REDIS_URL = "redis://127.0.0.1:6379/0"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
ARTICLE = "query A($id: String!) { article(publicId: $id) { title views } }"
ARTICLE_BY_FRAGMENT = (
    "query A($id: String!) { article(publicId: $id) { ...Counted } } "
    "fragment Counted on Article { title seen: views }"
)
HOME = "{ articles(first: 5) { edges { node { title views } } } }"
HOME_WITHOUT_VIEWS = "{ articles(first: 5) { edges { node { title } } } }"
HOME_WITH_MOST_READ = (
    "{ articles(first: 5) { edges { node { title } } } "
    "mostRead(period: WEEK) { article { title } } }"
)


class Clock:
    """A clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


async def _redis_reachable() -> bool:
    redis: Redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
        return True
    except RedisError:
        return False
    finally:
        await redis.aclose()


async def _drop_keys(prefix: str) -> None:
    redis: Redis = Redis.from_url(REDIS_URL)
    keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()


@pytest.fixture(params=["memory", "redis"])
async def store_settings(
    request: pytest.FixtureRequest, settings: Settings
) -> AsyncIterator[Settings]:
    """The settings for each response store: in process, or in Redis under its own prefix."""
    if request.param == "memory":
        yield settings
        return
    if not await _redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; CI starts it")
    prefix = f"test-{secrets.token_hex(4)}"
    yield settings.model_copy(update={"redis_url": REDIS_URL, "redis_prefix": prefix})
    await _drop_keys(prefix)


@pytest.fixture
async def redis_settings(settings: Settings) -> AsyncIterator[Settings]:
    if not await _redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; CI starts it")
    prefix = f"test-{secrets.token_hex(4)}"
    yield settings.model_copy(update={"redis_url": REDIS_URL, "redis_prefix": prefix})
    await _drop_keys(prefix)


@dataclass(frozen=True, slots=True)
class Worker:
    """An app (a worker of its own: engine, view counter, response store) and its client."""

    app: Starlette
    client: httpx.AsyncClient


@asynccontextmanager
async def serving(settings: Settings, clock: Clock) -> AsyncIterator[Worker]:
    """A worker whose response store ages entries by `clock`."""
    app = create_app(settings)
    app.state.response_cache.clock = clock
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            yield Worker(app, client)
    finally:
        cache = app.state.response_cache
        if isinstance(cache, RedisResponseCache):
            await cache.close()
        await app.state.engine.dispose()


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block, on every engine of this process: the
    workers' own, and on SQLite the compiled path's blocking reader (the test itself sends none
    meanwhile)."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


async def read(worker: Worker, query: str, **variables: str) -> httpx.Response:
    response = await worker.client.get(
        "/graphql", params={"query": query, "variables": json.dumps(variables)}
    )
    assert response.status_code == 200, response.text
    return response


async def view(worker: Worker, article: Article) -> None:
    """A reader's beacon, written at once as the periodic flush would."""
    await worker.client.post(f"/views/{article.public_id}", headers={"user-agent": BROWSER})
    assert await worker.app.state.views.flush() == 1


async def test_a_reader_sees_the_count_move_once_the_age_has_passed(
    store_settings: Settings, sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    article = await make_article(session, views=10)
    await session.commit()
    clock = Clock()
    async with serving(store_settings, clock) as worker:
        first = await read(worker, ARTICLE, id=article.public_id)
        await view(worker, article)
        within = await read(worker, ARTICLE, id=article.public_id)
        clock.now += store_settings.views_max_age_seconds
        stale = await read(worker, ARTICLE, id=article.public_id)
        refreshed = await read(worker, ARTICLE, id=article.public_id)

    assert first.json()["data"]["article"]["views"] == 10
    assert (within.headers["x-cache"], within.json()["data"]["article"]["views"]) == ("HIT", 10)
    assert (stale.headers["x-cache"], stale.json()["data"]["article"]["views"]) == ("STALE", 10)
    assert refreshed.headers["x-cache"] == "HIT"
    assert refreshed.json()["data"]["article"]["views"] == 11


async def test_an_answer_older_than_the_stale_window_is_recomputed_before_it_is_answered(
    store_settings: Settings, sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    article = await make_article(session, views=10)
    await session.commit()
    clock = Clock()
    async with serving(store_settings, clock) as worker:
        await read(worker, ARTICLE, id=article.public_id)
        await view(worker, article)
        clock.now += (
            store_settings.views_max_age_seconds + store_settings.cache_stale_while_revalidate
        )
        late = await read(worker, ARTICLE, id=article.public_id)

    assert late.headers["x-cache"] == "MISS"
    assert late.json()["data"]["article"]["views"] == 11


async def test_views_through_an_alias_in_a_fragment_bound_the_age_for_a_cdn_too(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    article = await make_article(session)
    await session.commit()
    clock = Clock()
    async with serving(settings, clock) as worker:
        await read(worker, ARTICLE_BY_FRAGMENT, id=article.public_id)
        clock.now += 12
        hit = await read(worker, ARTICLE_BY_FRAGMENT, id=article.public_id)
        home = await read(worker, HOME_WITHOUT_VIEWS)

    age, window = settings.views_max_age_seconds, settings.cache_stale_while_revalidate
    assert hit.headers["cache-control"] == (
        f"public, max-age={min(settings.cache_max_age, age)}, s-maxage={age}, "
        f"stale-while-revalidate={window}"
    )
    assert hit.headers["age"] == "12"
    assert "x-cms-max-age" not in hit.headers
    assert f"s-maxage={settings.cache_s_maxage}," in home.headers["cache-control"]
    assert "age" not in home.headers


async def test_a_page_with_most_read_is_kept_for_the_bounded_age_even_without_counts(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    """The most-read list is ordered by views, so a home page showing it (which is cached
    for its feed) moves with them like the counts."""
    article = await make_article(session)
    await session.commit()
    async with serving(settings, Clock()) as worker:
        await view(worker, article)
        answer = await read(worker, HOME_WITH_MOST_READ)

    assert f"s-maxage={settings.views_max_age_seconds}," in answer.headers["cache-control"]


async def test_a_view_does_not_purge_the_home_page(
    store_settings: Settings, sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    article = await make_article(session, title="Read all day", views=3)
    await session.commit()
    async with serving(store_settings, Clock()) as worker:
        for query in (HOME, HOME_WITHOUT_VIEWS):
            await read(worker, query)
        await view(worker, article)
        with statements() as seen:
            homes = [await read(worker, query) for query in (HOME, HOME_WITHOUT_VIEWS)]

    assert seen == []
    assert [home.headers["x-cache"] for home in homes] == ["HIT", "HIT"]
    assert homes[0].json()["data"]["articles"]["edges"][0]["node"]["views"] == 3


async def test_an_answer_without_views_is_not_recomputed_by_age(
    store_settings: Settings, sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    await make_article(session, title="Evergreen")
    await session.commit()
    clock = Clock()
    async with serving(store_settings, clock) as worker:
        await read(worker, HOME_WITHOUT_VIEWS)
        clock.now += 10 * (
            store_settings.views_max_age_seconds + store_settings.cache_stale_while_revalidate
        )
        with statements() as seen:
            later = await read(worker, HOME_WITHOUT_VIEWS)

    assert seen == []
    assert later.headers["x-cache"] == "HIT"


async def test_readers_at_once_after_the_age_recompute_it_once(
    store_settings: Settings, sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    article = await make_article(session, views=10)
    await session.commit()
    clock = Clock()
    async with serving(store_settings, clock) as worker:
        with statements() as computing:
            await read(worker, ARTICLE, id=article.public_id)
        await view(worker, article)
        clock.now += store_settings.views_max_age_seconds
        with statements() as recomputing:
            answers = await asyncio.gather(
                *(read(worker, ARTICLE, id=article.public_id) for _ in range(8))
            )
        after = await read(worker, ARTICLE, id=article.public_id)

    assert len(recomputing) == len(computing) > 0
    assert {answer.headers["x-cache"] for answer in answers} <= {"STALE", "HIT"}
    assert after.json()["data"]["article"]["views"] == 11


async def test_two_workers_sharing_redis_recompute_a_stale_answer_once(
    redis_settings: Settings, sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    """Readers arriving at both workers at once after the age all get an answer at once, and
    the database sees one recomputation, not one per reader or per worker."""
    article = await make_article(session, views=10)
    await session.commit()
    clock = Clock()
    async with serving(redis_settings, clock) as one, serving(redis_settings, clock) as two:
        with statements() as computing:
            await read(one, ARTICLE, id=article.public_id)
        shared = await read(two, ARTICLE, id=article.public_id)
        await view(one, article)
        clock.now += redis_settings.views_max_age_seconds
        with statements() as recomputing:
            answers = await asyncio.gather(
                *(read(worker, ARTICLE, id=article.public_id) for worker in [one, two] * 6)
            )
        after = [await read(worker, ARTICLE, id=article.public_id) for worker in (one, two)]

    assert shared.headers["x-cache"] == "HIT"
    assert len(recomputing) == len(computing) > 0
    assert {answer.headers["x-cache"] for answer in answers} <= {"STALE", "HIT"}
    assert [a.json()["data"]["article"]["views"] for a in after] == [11, 11]


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[ResponseStore]:
    if request.param == "memory":
        yield ResponseCache(1024 * 1024)
        return
    if not await _redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; CI starts it")
    prefix = f"test-{secrets.token_hex(4)}:rc"
    redis_store = RedisResponseCache(REDIS_URL, 60, prefix=prefix)
    yield redis_store
    await redis_store.close()
    await _drop_keys(prefix)


def _version(stored_at: float) -> CachedResponse:
    return CachedResponse(
        body=b"{}", headers=(), etag=b'"e"', tags=frozenset({"feed:all"}), stored_at=stored_at
    )


async def test_a_refresh_is_claimed_once_per_version_and_again_after_a_failure(
    store: ResponseStore,
) -> None:
    """The claim a stale reader takes names the version it saw: a second reader of that
    version cannot take it, a failed refresh gives it up, and the next version has its own."""
    old, new = _version(1000.0), _version(1060.0)

    first = await store.claim("home", old)
    second = await store.claim("home", old)
    await store.release("home", old)
    after_failure = await store.claim("home", old)
    seen_late = await store.claim("home", old)
    next_version = await store.claim("home", new)

    assert (first, second, after_failure, seen_late, next_version) == (
        True,
        False,
        True,
        False,
        True,
    )
