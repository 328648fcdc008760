"""Purging the response cache and the CDN from a command line run (an import), once at its end:
the shared Redis cache, if the site uses one, and the CDN's surrogate keys, if it has a purge URL.
A single process's in-memory cache belongs to the server and clears itself as entries age."""

from collections.abc import Awaitable, Callable, Iterator

from cms.settings import Settings
from cms.web.cdn import CdnPurger
from cms.web.response_cache import RedisResponseCache

CHUNK = 1000
"""Tags per invalidation call: a 100,000-article import would otherwise send one huge script."""


def _chunks(tags: set[str]) -> Iterator[set[str]]:
    ordered = sorted(tags)
    for start in range(0, len(ordered), CHUNK):
        yield set(ordered[start : start + CHUNK])


def purger_for(settings: Settings) -> Callable[[set[str]], Awaitable[None]] | None:
    if not settings.redis_url and not settings.cdn_purge_url:
        return None

    async def purge(tags: set[str]) -> None:
        cache = (
            RedisResponseCache(
                settings.redis_url, settings.cache_s_maxage, prefix=f"{settings.redis_prefix}:rc"
            )
            if settings.redis_url
            else None
        )
        cdn = CdnPurger(settings.cdn_purge_url) if settings.cdn_purge_url else None
        try:
            for chunk in _chunks(tags):
                if cache is not None:
                    cache.invalidate(chunk)
                if cdn is not None:
                    cdn.purge(chunk)
            if cache is not None:
                await cache.settle()
        finally:
            if cache is not None:
                await cache.close()
            if cdn is not None:
                await cdn.close()

    return purge
