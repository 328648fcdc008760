"""Where a read goes when `CMS_DATABASE_REPLICA_URLS` lists PostgreSQL streaming replicas.

Anonymous queries (the public site's traffic, compiled or not) read from a replica; writes,
subscriptions and everything a signed-in caller asks read from the primary. Staff stay on the
primary rather than on a "read your writes" window: they are few, they read drafts they have
just saved, and a window would be a time guess that a slow replica can outlast.

A replica is used only when it has replayed everything the primary had written when the request
began: the router asks the primary for its WAL position (`pg_current_wal_insert_lsn()`, which
covers commits not yet flushed under `synchronous_commit=off`; no table is touched) and compares
it with the replica's replay position, remembered per process and asked again only when behind.
A replica that is behind or down is skipped, and the primary answers. So a reader on any host
sees a publish as soon as the publish's response has been sent, and the response cache, emptied
at that commit, is never refilled from a replica that has not seen it.
"""

import itertools
import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cms.db import create_engine_for
from cms.settings import Settings

logger = logging.getLogger(__name__)

PRIMARY_POSITION = text("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")
REPLAY_POSITION = text("SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn")


class Replica:
    """One replica's engine, sessions, and how far it had replayed when last asked."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.replayed = -1

    async def has_replayed(self, position: int) -> bool:
        """Whether the replica shows every commit up to `position`; asks it only when the
        position it last reported is older."""
        if self.replayed >= position:
            return True
        async with self.engine.connect() as connection:
            replayed = await connection.scalar(REPLAY_POSITION)
        if replayed is None:
            logger.warning("%s is not a standby; reads stay on the primary", self.engine.url)
            return False
        self.replayed = max(self.replayed, int(replayed))
        return self.replayed >= position


class ReadRouter:
    """Picks the replica (in turn) or the primary an anonymous query reads from."""

    def __init__(
        self,
        settings: Settings,
        primary: AsyncEngine,
        primary_sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        self.primary = primary
        self.primary_sessions = primary_sessions
        self.replicas = [
            Replica(create_engine_for(settings, url)) for url in settings.database_replica_urls
        ]
        self._turn = itertools.cycle(range(len(self.replicas) or 1))

    async def _fresh_replica(self) -> Replica | None:
        if not self.replicas:
            return None
        async with self.primary.connect() as connection:
            position = int(await connection.scalar(PRIMARY_POSITION) or 0)
        first = next(self._turn)
        for replica in self.replicas[first:] + self.replicas[:first]:
            try:
                if await replica.has_replayed(position):
                    return replica
            except (OperationalError, DBAPIError, OSError):
                logger.exception("Replica %s did not answer; trying the next", replica.engine.url)
        return None

    async def engine_for_reads(self) -> AsyncEngine:
        """The engine an anonymous query reads from."""
        replica = await self._fresh_replica()
        return self.primary if replica is None else replica.engine

    async def sessions_for_reads(self) -> async_sessionmaker[AsyncSession]:
        """The session factory an anonymous query reads from."""
        replica = await self._fresh_replica()
        return self.primary_sessions if replica is None else replica.sessions

    async def close(self) -> None:
        for replica in self.replicas:
            await replica.engine.dispose()
