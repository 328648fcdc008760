"""The async engine and its session factory: one engine a process, short sessions per unit of work.

SQLite gets WAL (readers never wait for the writer) and enforced foreign keys on every connection;
PostgreSQL runs through asyncpg. Both run the same code and the same migrations.

An acknowledged write survives the server process being killed (SIGKILL, the out-of-memory
killer, a crash) on both. On SQLite, in WAL mode a commit has written the transaction's pages to
the `-wal` file before it returns: they sit in the operating system's page cache, which outlives
the process, and the next connection reads them back. `synchronous=NORMAL` only skips the fsync
at each commit, so the last commits before a checkpoint can be lost to a power cut or a kernel
crash, never to a process kill, and the file is never corrupted; `FULL` would close that gap at
the price of an fsync per write. Production runs PostgreSQL, which fsyncs its log at each commit.
`tests/test_no_lost_writes.py` kills a live server amid writes to show it.
"""

from typing import Any

import orjson
import sqlalchemy
from sqlalchemy import Engine, event, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from cms import metrics
from cms.after_commit import TARGETS_KEY, AfterCommitSession, Invalidate, Targets
from cms.events import EventBus
from cms.settings import Settings


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_engine(settings: Settings) -> AsyncEngine:
    """The engine of the primary database (`CMS_DATABASE_URL`)."""
    return create_engine_for(settings, settings.database_url)


def create_engine_for(settings: Settings, url: str) -> AsyncEngine:
    """An engine on `url` (the primary or a replica). A failed statement's error (and its log
    line) carries no bound values, which may be password hashes or addresses, unless
    `CMS_SQL_ECHO` asks to see them."""
    options: dict[str, Any] = {
        "echo": settings.sql_echo,
        "hide_parameters": not settings.sql_echo,
        "pool_size": 20,
        "max_overflow": 20,
    }
    if is_sqlite(url):
        # Each SQLite connection is a thread with its own page cache (2 MB) that takes the
        # interpreter lock to hand its rows over: a few are as fast as forty, and keep a
        # worker's memory small under load.
        options |= {"pool_size": 4, "max_overflow": 4}
    else:
        options["pool_pre_ping"] = True
    if settings.db_pool_size is not None:
        options |= {"pool_size": settings.db_pool_size, "max_overflow": settings.db_pool_size}
    engine = create_async_engine(url, **options)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    event.listen(engine.sync_engine.pool, "checkout", _checked_out)
    event.listen(engine.sync_engine.pool, "checkin", _checked_in)
    return engine


def _checked_out(*_: object) -> None:
    metrics.DB_CONNECTIONS_IN_USE.inc()


def _checked_in(*_: object) -> None:
    metrics.DB_CONNECTIONS_IN_USE.dec()


def create_blocking_engine(settings: Settings) -> Engine | None:
    """On SQLite, an engine for short reads on the calling thread (the event loop), which the
    compiled read path uses; None on PostgreSQL, whose driver is asynchronous. A request's
    reads on it never await, so one connection serves every request in turn."""
    if not is_sqlite(settings.database_url):
        return None
    engine = sqlalchemy.create_engine(
        make_url(settings.database_url).set(drivername="sqlite"),
        hide_parameters=not settings.sql_echo,
        poolclass=StaticPool,
        connect_args={"check_same_thread": False},
        json_deserializer=orjson.loads,
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def create_sessionmaker(
    engine: AsyncEngine,
    events: EventBus | None = None,
    invalidate: Invalidate | None = None,
) -> async_sessionmaker[AsyncSession]:
    """Sessions that, once a transaction commits, publish its events to `events` and report
    the cache tags its writes made stale to `invalidate` (either is dropped without a target)."""
    return async_sessionmaker(
        engine,
        expire_on_commit=False,
        sync_session_class=AfterCommitSession,
        info={TARGETS_KEY: Targets(events, invalidate)},
    )
