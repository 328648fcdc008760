"""What a database holds, read inside one transaction: its migration, rows and a checksum per
table, and the media files its rows point to. The backup records it in the manifest from the
snapshot itself; the restore reads it again from the restored database and compares.

Checksums hash every row in primary-key order as the driver returns it, so they compare one
database with a copy of the same kind, which is what a restore produces.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from cms.backup.manifest import TableSummary
from cms.models import Media
from cms.models.search import SEARCH_VECTOR, is_search_object
from cms.services.media.images import MIME_TYPES

VERSION_TABLE = "alembic_version"


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A media file a row points to, and the type to store it with again."""

    key: str
    content_type: str
    original: bool


@dataclass(frozen=True, slots=True)
class Contents:
    revision: str | None
    tables: dict[str, TableSummary]
    media: list[StoredFile]


@dataclass(frozen=True, slots=True)
class _Table:
    name: str
    columns: list[str]
    order: list[str]


def _tables(connection: Connection) -> list[_Table]:
    inspector = inspect(connection)
    found = []
    for name in sorted(inspector.get_table_names()):
        if is_search_object(name, "table"):
            continue
        columns = [
            column["name"]
            for column in inspector.get_columns(name)
            if not (name == "article" and column["name"] == SEARCH_VECTOR)
        ]
        order = inspector.get_pk_constraint(name)["constrained_columns"] or columns
        found.append(_Table(name, columns, order))
    return found


def _plain(value: Any) -> Any:
    """What orjson cannot write itself (Decimal, bytes, driver-specific types), as text."""
    return value.hex() if isinstance(value, bytes) else str(value)


async def _summary(connection: AsyncConnection, table: _Table) -> TableSummary:
    quote = connection.dialect.identifier_preparer.quote
    query = (
        f"SELECT {', '.join(map(quote, table.columns))} FROM {quote(table.name)} "
        f"ORDER BY {', '.join(map(quote, table.order))}"
    )
    digest = hashlib.sha256()
    rows = 0
    result = await connection.stream(text(query))
    async for partition in result.partitions(1000):
        for row in partition:
            digest.update(orjson.dumps(list(row), default=_plain) + b"\n")
            rows += 1
    return TableSummary(rows=rows, sha256=digest.hexdigest())


async def _media_files(connection: AsyncConnection) -> list[StoredFile]:
    """Originals first, then renditions; each key once (a rendition list names its original)."""
    files: dict[str, StoredFile] = {}
    media = (col(Media.storage_key), col(Media.mime_type), col(Media.renditions))
    result = await connection.execute(select(*media).order_by(col(Media.id)))
    rows = result.all()
    for key, mime_type, _ in rows:
        files.setdefault(key, StoredFile(key, mime_type, original=True))
    for _, _, renditions in rows:
        for rendition in renditions or []:
            content_type = MIME_TYPES.get(rendition["format"], "application/octet-stream")
            files.setdefault(rendition["key"], StoredFile(rendition["key"], content_type, False))
    return list(files.values())


async def read_contents(connection: AsyncConnection) -> Contents:
    """Call inside one transaction, so every number describes the same moment."""
    tables = await connection.run_sync(_tables)
    names = {table.name for table in tables}
    revision = None
    if VERSION_TABLE in names:
        revision = await connection.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    summaries = {table.name: await _summary(connection, table) for table in tables}
    media = await _media_files(connection) if "media" in names else []
    return Contents(revision, summaries, media)


async def has_content(connection: AsyncConnection) -> bool:
    """True when any table but the migration marker holds a row: restoring would replace it."""
    quote = connection.dialect.identifier_preparer.quote
    for table in await connection.run_sync(_tables):
        if table.name == VERSION_TABLE:
            continue
        if await connection.scalar(text(f"SELECT 1 FROM {quote(table.name)} LIMIT 1")):
            return True
    return False


async def table_names(connection: AsyncConnection) -> list[str]:
    return await connection.run_sync(lambda sync: inspect(sync).get_table_names())
