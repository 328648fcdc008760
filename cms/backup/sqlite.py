"""SQLite: the online backup API copies the whole file in one step, under one read transaction,
while the server's writers carry on in WAL mode; restore copies it back the same way, which
replaces the target's content in one write transaction."""

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from cms.backup.contents import read_contents
from cms.backup.manifest import BackupError
from cms.backup.snapshot import Snapshot

BUSY_TIMEOUT_SECONDS = 30


def database_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def _copy(source: Path, target: Path) -> None:
    with (
        closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_SECONDS)) as reader,
        closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS)) as writer,
    ):
        writer.execute("PRAGMA journal_mode=DELETE")
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode=DELETE")


async def snapshot(url: str, destination: Path) -> Snapshot:
    """Copy the live database to `destination`, then read its contents from the copy."""
    source = database_path(url)
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    try:
        await asyncio.to_thread(_copy, source, destination)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy {source}: {error}") from error
    engine = create_async_engine(f"sqlite+aiosqlite:///{destination}", poolclass=NullPool)
    try:
        async with engine.connect() as connection, connection.begin():
            contents = await read_contents(connection)
    finally:
        await engine.dispose()
    return Snapshot("sqlite", sqlite3.sqlite_version, "SQLite online backup API", contents)


async def restore(url: str, source: Path) -> None:
    target = database_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        await asyncio.to_thread(_copy, source, target)
    except sqlite3.OperationalError as error:
        raise BackupError(
            f"SQLite could not write {target} ({error}); stop the servers using it and retry."
        ) from error
