"""Encoded GraphQL responses kept in process, tagged with what they contain.

An entry carries tags naming the entities and lists it shows (`article:4f1c…`, `feed:locale:ka`,
`feed:category:7`, `categories`, `live`); a write invalidates exactly the tags it touches. The
store is bounded by bytes and evicts the least recently used entry first.
"""

from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CachedResponse:
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    etag: bytes
    tags: frozenset[str]


class ResponseCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._keys_by_tag: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> CachedResponse | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: CachedResponse) -> None:
        if len(entry.body) > self.max_bytes:
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
        for key in set().union(*(self._keys_by_tag.get(tag, set()) for tag in tags)):
            self._drop(key)

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
