"""Publishing what is due, archiving what is set to leave the site, expiring breaking flags and
home page slots, and announcing programmes as they start; run by the app's background task and
by `cms publish-due` for cron. Each of them fires its event after its commit, like an editor's
mutation.

Each due article is claimed with a conditional UPDATE (`WHERE status = 'SCHEDULED'`), so several
workers running this at once publish it exactly once; after downtime, everything overdue is
published on the first run, at its scheduled time.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select, update

from cms import cache_tags, metrics
from cms.after_commit import emit, invalidate
from cms.models import Article, ArticleStatus
from cms.models.columns import utcnow
from cms.services import audit
from cms.services import expiry as expiry_service
from cms.services import home_page as home_page_service
from cms.services import programme as programme_service
from cms.services.editorial import mark_stale, record_revision
from cms.services.viewer import ANONYMOUS
from cms.services.webhooks import outbox
from cms.services.workflow import breaking_event, published_event

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class SchedulerRun:
    published: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    breaking_expired: int = 0
    slots_announced: int = 0
    home_slots_emptied: int = 0


async def publish_due(*, session: AsyncSession, now: datetime | None = None) -> list[str]:
    """Publish every scheduled article whose time has come; the public ids published."""
    now = now or utcnow()
    due = select(Article).where(
        col(Article.status) == ArticleStatus.SCHEDULED, col(Article.scheduled_at) <= now
    )
    published = []
    for article in (await session.scalars(due.order_by(col(Article.scheduled_at)))).all():
        claimed = await session.execute(
            update(Article)
            .where(
                col(Article.id) == article.id,
                col(Article.status) == ArticleStatus.SCHEDULED,
                col(Article.scheduled_at) <= now,
            )
            .values(
                status=ArticleStatus.PUBLISHED,
                published_at=article.scheduled_at,
                scheduled_at=None,
                version=col(Article.version) + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        await session.refresh(article)
        assert article.id is not None
        await mark_stale(session, article)
        await record_revision(session, article, author_id=None)
        audit.record(session, ANONYMOUS, "article.publish_scheduled", "article", article.id)
        emit(session, published_event(article))
        outbox.article_status_changed(session, article, ArticleStatus.SCHEDULED)
        await session.commit()
        if article.published_at is not None:
            metrics.SCHEDULER_LAG.observe(max(0.0, (now - article.published_at).total_seconds()))
        published.append(article.public_id)
    return published


async def expire_breaking(*, session: AsyncSession, now: datetime | None = None) -> int:
    """Clear expired breaking flags; the UPDATE returns what it cleared, so that across workers
    each expiry is announced once."""
    now = now or utcnow()
    expired = await session.execute(
        update(Article)
        .where(col(Article.is_breaking), col(Article.breaking_until) <= now)
        .values(is_breaking=False, breaking_until=None)
        .returning(col(Article.public_id), col(Article.locale))
        .execution_options(synchronize_session=False)
    )
    rows = expired.all()
    invalidate(session, {cache_tags.article(public_id) for public_id, _ in rows})
    for public_id, locale in rows:
        emit(session, breaking_event(public_id, locale))
    await session.commit()
    return len(rows)


async def run_once(sessions: async_sessionmaker[AsyncSession]) -> SchedulerRun:
    async with sessions() as session:
        published = await publish_due(session=session)
        left = await expiry_service.expire_due(session=session)
        expired = await expire_breaking(session=session)
        announced = await programme_service.announce_current_slots(session=session)
        emptied = await home_page_service.expire_home_slots(session=session)
    return SchedulerRun(
        published=published,
        expired=left,
        breaking_expired=expired,
        slots_announced=announced,
        home_slots_emptied=emptied,
    )


async def run_forever(sessions: async_sessionmaker[AsyncSession], interval: float) -> None:
    """The app's background task: never dies on an error, tries again next tick."""
    while True:
        try:
            run = await run_once(sessions)
            if run != SchedulerRun():
                logger.info(
                    "scheduler: published %s, left the site %s, breaking expired %d, "
                    "programmes started %d, home slots emptied %d",
                    run.published,
                    run.expired,
                    run.breaking_expired,
                    run.slots_announced,
                    run.home_slots_emptied,
                )
        except Exception:
            logger.exception("scheduler run failed; retrying in %.0f s", interval)
        await asyncio.sleep(interval)
