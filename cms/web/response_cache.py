"""Encoded GraphQL responses, tagged with what they contain.

An entry carries tags naming the entities and lists it shows (`article:4f1c…`, `feed:locale:ka`,
`feed:category:7`, `categories`, `live`); a write invalidates exactly the tags it touches.

Two stores: in process (one worker; bounded by bytes, least recently used evicted first), and in
Redis when `CMS_REDIS_URL` is set, shared by every worker. With Redis, a write's invalidation is
awaited before the write's response leaves (`settle`), so no worker can serve a stale entry
after a publish has returned.

A view changes no tag (views are counted all day long, and a view must not empty the home page),
so an answer that shows view counts carries a bounded age instead (`max_age`): past it, the
middleware serves it stale while the one caller that `claim`s it recomputes it. A claim names
the stale version (its `stored_at`) and is given up only when the refresh stored no new
version, so a reader that saw the old version after it was already refreshed cannot refresh it
again. With Redis the
claim is a key set with NX and an expiry, so one worker of all refreshes it, and a worker that
dies mid-refresh holds it for `REFRESH_CLAIM_SECONDS` at most.
"""

import asyncio
import json
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis

MAX_AGE_HEADER = "x-cms-max-age"
"""Set by the GraphQL view on an answer that may be shared only this many seconds before it is
recomputed; the middleware takes it off and keeps it with the entry."""
REFRESH_CLAIM_SECONDS = 30
"""How long a claim to refresh an entry outlives a worker that died before releasing it."""


@dataclass(frozen=True, slots=True)
class CachedResponse:
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    etag: bytes
    tags: frozenset[str]
    stored_at: float = 0.0
    """When the answer was computed, in seconds since the epoch (the store's clock)."""
    max_age: int | None = None
    """Seconds it stays fresh; None for an answer valid until a write invalidates it."""
    operations: tuple[str, ...] = ()
    """The GraphQL operation names it answers, for the metrics and log of a hit."""


class ResponseStore(Protocol):
    """Entries are put with the generation read before the response was computed: a put made
    stale by an invalidation in between is dropped, so a slow reader never stores old news.

    `clock` tells the time entries are stamped and aged by (tests replace it)."""

    clock: Callable[[], float]

    async def get(self, key: str) -> CachedResponse | None: ...

    async def generation(self) -> int: ...

    async def put(self, key: str, entry: CachedResponse, generation: int) -> None: ...

    def invalidate(self, tags: set[str]) -> None:
        """Start dropping every entry carrying one of `tags` (called on commit)."""

    async def settle(self) -> None:
        """Wait until every invalidation started so far has taken effect."""

    async def claim(self, key: str, stale: CachedResponse) -> bool:
        """Whether the caller is the one to refresh this version of the entry `key`."""

    async def release(self, key: str, stale: CachedResponse) -> None:
        """Give a claim up after a refresh that stored no new version, so that the next
        reader tries again."""


class ResponseCache:
    """The in-process store; everything is synchronous, so invalidation is immediate."""

    def __init__(self, max_bytes: int, clock: Callable[[], float] = time.time) -> None:
        self.max_bytes = max_bytes
        self.clock = clock
        self._claims: dict[str, float] = {}
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
            self._forget(next(iter(self._entries)))

    def invalidate(self, tags: set[str]) -> None:
        """Drop every entry carrying one of `tags`."""
        self._generation += 1
        for key in set().union(*(self._keys_by_tag.get(tag, set()) for tag in tags)):
            self._forget(key)

    async def settle(self) -> None:
        return

    async def claim(self, key: str, stale: CachedResponse) -> bool:
        if self._claims.get(key) == stale.stored_at:
            return False
        self._claims[key] = stale.stored_at
        return True

    async def release(self, key: str, stale: CachedResponse) -> None:
        if self._claims.get(key) == stale.stored_at:
            del self._claims[key]

    def _forget(self, key: str) -> None:
        """Drop an entry with its claim, which only a put replacing the entry keeps."""
        self._drop(key)
        self._claims.pop(key, None)

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

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""
"""Drop a refresh claim only if it is still ours: one that outlived its expiry may be another's."""


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else value


class RedisResponseCache:
    """Entries and their tag index in Redis, shared by every worker; entries expire after `ttl`."""

    def __init__(
        self,
        url: str,
        ttl_seconds: int,
        prefix: str = "cms:rc",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis: Redis = Redis.from_url(url)
        self.clock = clock
        self._claimant = secrets.token_hex(8)
        self._ttl = ttl_seconds
        self._prefix = prefix
        self._pending: set[asyncio.Task[None]] = set()
        self._generation_key = f"{prefix}:generation"
        self._put_script = self._redis.register_script(_PUT_IF_CURRENT)
        self._invalidate_script = self._redis.register_script(_INVALIDATE)
        self._release_script = self._redis.register_script(_RELEASE)

    def _entry_key(self, key: str) -> str:
        return f"{self._prefix}:entry:{key}"

    def _tag_key(self, tag: str) -> str:
        return f"{self._prefix}:tag:{tag}"

    def _claim_key(self, key: str, stale: CachedResponse) -> str:
        return f"{self._prefix}:refresh:{key}:{stale.stored_at!r}"

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
            stored_at=meta.get("s", 0.0),
            max_age=meta.get("m"),
            operations=tuple(meta.get("o", ())),
        )

    async def generation(self) -> int:
        return int(await self._redis.get(self._generation_key) or 0)

    async def put(self, key: str, entry: CachedResponse, generation: int) -> None:
        meta = {
            "h": [(n.decode("latin-1"), v.decode("latin-1")) for n, v in entry.headers],
            "e": entry.etag.decode(),
            "t": sorted(entry.tags),
            "s": entry.stored_at,
            "m": entry.max_age,
            "o": entry.operations,
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

    async def claim(self, key: str, stale: CachedResponse) -> bool:
        claimed = await self._redis.set(
            self._claim_key(key, stale), self._claimant, nx=True, ex=REFRESH_CLAIM_SECONDS
        )
        return bool(claimed)

    async def release(self, key: str, stale: CachedResponse) -> None:
        await self._release_script(keys=[self._claim_key(key, stale)], args=[self._claimant])

    async def close(self) -> None:
        await self.settle()
        await self._redis.aclose()
