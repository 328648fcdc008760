"""Telling a CDN which cached pages went stale: a POST of the surrogate keys to a purge URL.

Purges are best effort and never hold up a write: they run in the background, and a CDN that
is down only means its copies live until their `s-maxage` runs out.
"""

import asyncio
import logging

import httpx

logger = logging.getLogger(__name__)


class CdnPurger:
    def __init__(self, url: str) -> None:
        self.url = url
        self._client = httpx.AsyncClient(timeout=5)
        self._pending: set[asyncio.Task[None]] = set()

    def purge(self, tags: set[str]) -> None:
        task = asyncio.get_running_loop().create_task(self._send(sorted(tags)))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _send(self, tags: list[str]) -> None:
        try:
            response = await self._client.post(self.url, json={"surrogateKeys": tags})
            response.raise_for_status()
        except httpx.HTTPError:
            logger.warning("CDN purge of %d key(s) failed; they expire by s-maxage", len(tags))

    async def close(self) -> None:
        if self._pending:
            await asyncio.gather(*self._pending)
        await self._client.aclose()
