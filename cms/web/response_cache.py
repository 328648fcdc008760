"""Encoded GraphQL responses, tagged with what they contain.

An entry carries tags naming the entities and lists it shows (`article:4f1c…`, `feed:locale:ka`,
`feed:category:7`, `categories`, `live`); a write invalidates exactly the tags it touches.

Two stores: in process (one worker; bounded by bytes, least recently used evicted first), and in
Redis when `CMS_REDIS_URL` is set, shared by every worker. With Redis, a write's invalidation is
awaited before the write's response leaves (`settle`), so no worker can serve a stale entry
after a publish has returned.
"""

import asyncio
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis


@dataclass(frozen=True, slots=True)
class CachedResponse:
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    etag: bytes
    tags: frozenset[str]


class ResponseStore(Protocol):
    """Entries are put with the generation read before the response was computed: a put made
    stale by an invalidation in between is dropped, so a slow reader never stores old news."""

    async def get(self, key: str) -> CachedResponse | None: ...

    async def generation(self) -> int: ...

    async def put(self, key: str, entry: CachedResponse, generation: int) -> None: ...

    def invalidate(self, tags: set[str]) -> None:
        """Start dropping every entry carrying one of `tags` (called on commit)."""

    async def settle(self) -> None:
        """Wait until every invalidation started so far has taken effect."""


class ResponseCache:
    """The in-process store; everything is synchronous, so invalidation is immediate."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._keys_by_tag: dict[str, set[str]] = {}
        self._generation = 0

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> CachedResponse | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    async def generation(self) -> int:
        return self._generation

    async def put(self, key: str, entry: CachedResponse, generation: int) -> None:
        if len(entry.body) > self.max_bytes or generation != self._generation:
            return
        self._drop(key)
        self._entries[key] = entry
        self.size += len(entry.body)
        for tag in entry.tags:
            self._keys_by_tag.setdefault(tag, set()).add(key)
        while self.size > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def invalidate(self, tags: set[str]) -> None:
        """Drop every entry carrying one of `tags`."""
        self._generation += 1
        for key in set().union(*(self._keys_by_tag.get(tag, set()) for tag in tags)):
            self._drop(key)

    async def settle(self) -> None:
        return

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self.size -= len(entry.body)
        for tag in entry.tags:
            keys = self._keys_by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._keys_by_tag[tag]


_PUT_IF_CURRENT = """
if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
for i = 3, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[4])
  redis.call('EXPIRE', KEYS[i], ARGV[3])
end
return 1
"""
"""Store an entry only if no invalidation happened since its generation was read (atomic)."""

_INVALIDATE = """
redis.call('INCR', KEYS[1])
for i = 2, #KEYS do
  for _, key in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    redis.call('DEL', ARGV[1] .. key)
  end
  redis.call('DEL', KEYS[i])
end
return 1
"""
"""Bump the generation and drop the tags' entries and their index in one step (atomic): an
entry put between reading a tag's members and deleting the tag would lose its place in the
index, and no later invalidation could find it. Entry keys are built in the script, so this
needs one Redis, not a cluster."""


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else value


class RedisResponseCache:
    """Entries and their tag index in Redis, shared by every worker; entries expire after `ttl`."""

    def __init__(self, url: str, ttl_seconds: int, prefix: str = "cms:rc") -> None:
        self._redis: Redis = Redis.from_url(url)
        self._ttl = ttl_seconds
        self._prefix = prefix
        self._pending: set[asyncio.Task[None]] = set()
        self._generation_key = f"{prefix}:generation"
        self._put_script = self._redis.register_script(_PUT_IF_CURRENT)
        self._invalidate_script = self._redis.register_script(_INVALIDATE)

    def _entry_key(self, key: str) -> str:
        return f"{self._prefix}:entry:{key}"

    def _tag_key(self, tag: str) -> str:
        return f"{self._prefix}:tag:{tag}"

    async def get(self, key: str) -> CachedResponse | None:
        raw = await self._redis.get(self._entry_key(key))
        if raw is None:
            return None
        head, _, body = _as_bytes(raw).partition(b"\n")
        meta = json.loads(head)
        return CachedResponse(
            body=body,
            headers=tuple((n.encode("latin-1"), v.encode("latin-1")) for n, v in meta["h"]),
            etag=meta["e"].encode(),
            tags=frozenset(meta["t"]),
        )

    async def generation(self) -> int:
        return int(await self._redis.get(self._generation_key) or 0)

    async def put(self, key: str, entry: CachedResponse, generation: int) -> None:
        meta = {
            "h": [(n.decode("latin-1"), v.decode("latin-1")) for n, v in entry.headers],
            "e": entry.etag.decode(),
            "t": sorted(entry.tags),
        }
        value = json.dumps(meta).encode() + b"\n" + entry.body
        tag_keys = [self._tag_key(tag) for tag in sorted(entry.tags)]
        await self._put_script(
            keys=[self._generation_key, self._entry_key(key), *tag_keys],
            args=[generation, value, self._ttl, key],
        )

    def invalidate(self, tags: set[str]) -> None:
        task = asyncio.get_running_loop().create_task(self._invalidate(tags))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _invalidate(self, tags: set[str]) -> None:
        await self._invalidate_script(
            keys=[self._generation_key, *(self._tag_key(tag) for tag in sorted(tags))],
            args=[self._entry_key("")],
        )

    async def settle(self) -> None:
        if self._pending:
            await asyncio.gather(*self._pending)

    async def close(self) -> None:
        await self.settle()
        await self._redis.aclose()
