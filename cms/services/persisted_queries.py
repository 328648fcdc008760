"""Persisted queries: documents known by their SHA-256, so clients send a hash, not the text.

Two kinds: *registered* documents (the allow-list, stored in the database, added with
`cms queries add` or from a folder at start-up) and *automatic* ones (Apollo's APQ), which any
client may teach the server and which live in a bounded in-process LRU, never in the database.
"""

import hashlib
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from cms.models import PersistedQuery


def document_hash(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


class PersistedQueryStore:
    """The registered allow-list, loaded at start-up, and a bounded LRU of automatic ones."""

    def __init__(self, automatic_capacity: int) -> None:
        self.registered: dict[str, str] = {}
        self._automatic: OrderedDict[str, str] = OrderedDict()
        self._capacity = automatic_capacity

    def lookup(self, sha256: str) -> str | None:
        if sha256 in self.registered:
            return self.registered[sha256]
        document = self._automatic.get(sha256)
        if document is not None:
            self._automatic.move_to_end(sha256)
        return document

    def remember(self, sha256: str, document: str) -> None:
        self._automatic[sha256] = document
        self._automatic.move_to_end(sha256)
        while len(self._automatic) > self._capacity:
            self._automatic.popitem(last=False)

    async def load(self, *, session: AsyncSession) -> None:
        rows = await session.scalars(select(PersistedQuery))
        self.registered = {row.sha256: row.document for row in rows}


def read_documents(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """`(name, document)` for each `.graphql` file, folders searched recursively."""
    found = []
    for path in paths:
        files = sorted(path.rglob("*.graphql")) if path.is_dir() else [path]
        found += [(file.stem, file.read_text(encoding="utf-8")) for file in files]
    return found


async def register(*, session: AsyncSession, documents: list[tuple[str, str]]) -> list[str]:
    """Add documents to the allow-list (idempotent); their hashes, in order."""
    hashes = []
    for name, document in documents:
        sha256 = document_hash(document)
        exists = await session.scalars(
            select(PersistedQuery.sha256).where(col(PersistedQuery.sha256) == sha256)
        )
        if exists.first() is None:
            session.add(PersistedQuery(sha256=sha256, document=document, name=name))
        hashes.append(sha256)
    await session.commit()
    return hashes
