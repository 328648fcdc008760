"""The Redis response store under concurrency: an entry stored while an invalidation is under
way must stay reachable through its tags, or a later write could never invalidate it."""

import asyncio
import secrets
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from cms.web.response_cache import CachedResponse, RedisResponseCache

REDIS_URL = "redis://127.0.0.1:6379/0"
FEED = "feed:locale:ka"


def _entry(body: bytes) -> CachedResponse:
    return CachedResponse(body=body, headers=(), etag=b'"e"', tags=frozenset({FEED}))


@pytest.fixture
async def cache() -> AsyncIterator[RedisResponseCache]:
    prefix = f"test-{secrets.token_hex(4)}:rc"
    redis: Redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
    except RedisError:
        await redis.aclose()
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; CI starts it")
    store = RedisResponseCache(REDIS_URL, 60, prefix=prefix)
    yield store
    await store.close()
    keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()


async def test_an_entry_stored_during_an_invalidation_is_dropped_by_the_next_one(
    cache: RedisResponseCache,
) -> None:
    """A reader that read the generation after a publish's invalidation began stores a fresh
    answer while that invalidation is still deleting; the next publish must still find it."""

    async def put_later(key: str, generation: int, delay: int) -> None:
        for _ in range(delay):
            await asyncio.sleep(0)
        await cache.put(key, _entry(b"fresh"), generation)

    for round_ in range(40):
        generation = await cache.generation()
        cache.invalidate({FEED})
        await asyncio.gather(cache.settle(), put_later(f"page-{round_}", generation + 1, round_))
    cache.invalidate({FEED})
    await cache.settle()

    survivors = [n for n in range(40) if await cache.get(f"page-{n}") is not None]

    assert survivors == []
