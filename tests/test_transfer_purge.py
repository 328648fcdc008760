"""After an import, the shared response cache and the CDN are purged once, for what changed:
a real Redis cache and a real HTTP receiver standing in for the CDN's purge endpoint."""

import json
import secrets
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import delete

from cms.models import Article, metadata
from cms.settings import Settings
from cms.web.purge import purger_for
from cms.web.response_cache import CachedResponse, RedisResponseCache
from tests.builders import make_article
from tests.transfer_helpers import export_to, import_from

REDIS_URL = "redis://127.0.0.1:6379/0"


class Receiver(BaseHTTPRequestHandler):
    purges: list[list[str]] = []  # noqa: RUF012 - one receiver per test module

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.purges.append(json.loads(body)["surrogateKeys"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def cdn() -> Iterator[str]:
    Receiver.purges = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/purge"
    server.shutdown()
    server.server_close()


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    prefix = f"test-{secrets.token_hex(4)}"
    redis: Redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
    except RedisError:
        await redis.aclose()
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; CI starts it")
    yield prefix
    keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()


def _entry(tag: str) -> CachedResponse:
    return CachedResponse(body=b"{}", headers=(), etag=b'"e"', tags=frozenset({tag}))


async def test_an_import_purges_the_shared_cache_and_the_cdn_once_for_what_changed(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], session: AsyncSession,
    settings: Settings, tmp_path: Path, cdn: str, prefix: str,
) -> None:  # fmt: skip
    articles = [await make_article(session, public_id=f"{n:013x}") for n in range(3)]
    await session.commit()
    folder = await export_to(sessions, settings, tmp_path / "export")
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(table.delete())
    configured = settings.model_copy(
        update={"redis_url": REDIS_URL, "redis_prefix": prefix, "cdn_purge_url": cdn}
    )
    cache = RedisResponseCache(REDIS_URL, 60, prefix=f"{prefix}:rc")
    generation = await cache.generation()
    await cache.put("home", _entry("feed:all"), generation)
    await cache.put("article", _entry(f"article:{articles[0].public_id}"), generation)
    await cache.put("live", _entry("live"), generation)

    await import_from(sessions, configured, folder, purge=purger_for(configured))

    assert await cache.get("home") is None
    assert await cache.get("article") is None
    assert await cache.get("live") is not None
    assert len(Receiver.purges) == 1
    assert {"feed:all", *(f"article:{a.public_id}" for a in articles)} <= set(Receiver.purges[0])
    await cache.close()


async def test_an_unreachable_cache_is_a_warning_after_the_import_is_saved(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession, settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    await make_article(session, public_id="0000000000abc")
    await session.commit()
    folder = await export_to(sessions, settings, tmp_path / "export")
    await session.execute(delete(Article))
    await session.commit()
    closed = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})

    report = await import_from(sessions, closed, folder, purge=purger_for(closed))

    assert report.created["articles"] == 1
    assert [p.item for p in report.warnings] == ["cache purge"]
    assert "cached pages show the old content until they expire" in report.warnings[0].message
