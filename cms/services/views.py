"""Counting article views: in memory per request, in the database per flush.

A beacon costs no SQL: it lands in a dict keyed by (client, article). Every few seconds, and on
shutdown, one transaction writes the lot. The database decides what counts: the upsert on
`article_view_seen` only touches rows whose client was last counted more than half an hour ago,
and `RETURNING` names exactly those, so workers that flush at once never count a client twice and
never lose a view (`views = views + n`, bucket upserts). Unknown and unpublished articles are
dropped at flush, when their public ids are resolved through the visibility rule.

A flush invalidates no cached response (it touches no tag): views arrive all day, and each
flush would otherwise empty the home page and every list. Cached answers that show counts are
refreshed by age instead (`CMS_VIEWS_MAX_AGE_SECONDS`).
"""

import asyncio
import hashlib
import hmac
import logging
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from cms.models import Article, ArticleViewBucket, ArticleViewSeen
from cms.models.columns import utcnow
from cms.services.articles import visible_articles
from cms.services.viewer import ANONYMOUS

logger = logging.getLogger(__name__)

BOTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|headless|"
    r"lighthouse|curl|wget|python|httpx|aiohttp|go-http|java/|okhttp|libwww|scrapy",
    re.IGNORECASE,
)
PUBLIC_ID = re.compile(r"^[0-9A-Za-z_-]{1,13}$")
BATCH = 500
MAX_PENDING = 200_000

Key = tuple[str, str]


def is_bot(user_agent: str) -> bool:
    """Crawlers, link previews and scripts announce themselves; a browser always sends a UA."""
    return not user_agent.strip() or BOTS.search(user_agent) is not None


def client_hash(secret: str, address: str, user_agent: str) -> str:
    """A keyed hash of who is reading: enough to count once, useless to identify anyone."""
    message = f"{address}\n{user_agent}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def _insert(session: AsyncSession, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


class ViewCounter:
    """One per process: queues views and writes them in one transaction per flush."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        secret: str,
        repeat_after: timedelta = timedelta(minutes=30),
    ) -> None:
        self.sessions = sessions
        self.secret = secret
        self.repeat_after = repeat_after
        self.pending: dict[Key, datetime] = {}

    def record(self, public_id: str, address: str, user_agent: str) -> bool:
        """Queue a view; False for bots, malformed ids and a full queue (nothing is queued)."""
        if is_bot(user_agent) or not PUBLIC_ID.match(public_id):
            return False
        if len(self.pending) >= MAX_PENDING:
            logger.warning("view queue full; dropping views until the next flush")
            return False
        key = (client_hash(self.secret, address, user_agent), public_id)
        self.pending.setdefault(key, utcnow())
        return True

    async def flush(self) -> int:
        """Write the queued views; how many counted. On failure they stay queued for next time."""
        batch, self.pending = self.pending, {}
        if not batch:
            return 0
        try:
            return await self._write(batch)
        except Exception:
            for key, at in batch.items():
                self.pending.setdefault(key, at)
            raise

    async def _write(self, batch: dict[Key, datetime]) -> int:
        ids = await self._article_ids(sorted({public_id for _, public_id in batch}))
        rows = [
            {"client_hash": client, "article_id": ids[public_id], "counted_at": at}
            for (client, public_id), at in batch.items()
            if public_id in ids
        ]
        if not rows:
            return 0
        cutoff = utcnow() - self.repeat_after
        counted: Counter[tuple[int, date]] = Counter()
        async with self.sessions() as session, session.begin():
            for start in range(0, len(rows), BATCH):
                insert = _insert(session, ArticleViewSeen).values(rows[start : start + BATCH])
                upsert = insert.on_conflict_do_update(
                    index_elements=["client_hash", "article_id"],
                    set_={"counted_at": insert.excluded.counted_at},
                    where=col(ArticleViewSeen.counted_at) <= cutoff,
                ).returning(col(ArticleViewSeen.article_id), col(ArticleViewSeen.counted_at))
                for article_id, at in await session.execute(upsert):
                    counted[(article_id, at.date())] += 1
            if counted:
                await self._add(session, counted)
            await session.execute(
                delete(ArticleViewSeen).where(col(ArticleViewSeen.counted_at) < cutoff)
            )
        return sum(counted.values())

    async def _article_ids(self, public_ids: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        async with self.sessions() as session:
            for start in range(0, len(public_ids), BATCH):
                query = (
                    visible_articles(ANONYMOUS)
                    .where(col(Article.public_id).in_(public_ids[start : start + BATCH]))
                    .with_only_columns(col(Article.public_id), col(Article.id))
                )
                for public_id, article_id in await session.execute(query):
                    assert article_id is not None
                    found[public_id] = article_id
        return found

    @staticmethod
    async def _add(session: AsyncSession, counted: Counter[tuple[int, date]]) -> None:
        per_article: Counter[int] = Counter()
        for (article_id, _), n in counted.items():
            per_article[article_id] += n
        table = Article.__table__  # type: ignore[attr-defined]
        await session.execute(
            table.update()
            .where(table.c.id == bindparam("article"))
            .values(views=table.c.views + bindparam("n")),
            [{"article": article_id, "n": n} for article_id, n in sorted(per_article.items())],
        )
        buckets = _insert(session, ArticleViewBucket).values(
            [
                {"article_id": article_id, "day": day, "views": n}
                for (article_id, day), n in sorted(counted.items())
            ]
        )
        await session.execute(
            buckets.on_conflict_do_update(
                index_elements=["article_id", "day"],
                set_={"views": col(ArticleViewBucket.views) + buckets.excluded.views},
            )
        )

    async def run_forever(self, interval: float) -> None:
        """The app's background flusher: never dies on an error, tries again next tick."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.flush()
            except Exception:
                logger.exception("view flush failed; retrying in %.0f s", interval)
