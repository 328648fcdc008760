"""An article leaving the site at a set time: an embargo that ends, a notice that runs out.

Editors set `expires_at` on an article; once it is PUBLISHED and the time has come, the scheduler
archives it (off every page and list, kept on file), records the whole article as a revision and
refreshes every cached page that showed it. Each expiry is claimed with a conditional UPDATE, so
several workers archive an article once. Unpublishing or archiving by hand clears the time.
"""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select, update

from cms.after_commit import invalidate
from cms.errors import CmsError
from cms.models import Article, ArticleStatus
from cms.models.columns import utcnow
from cms.services import audit
from cms.services.editorial import (
    Conflict,
    EditorialContext,
    get_for_editing,
    placement,
    record_revision,
    retried,
    save,
)
from cms.services.lifecycle import Transition
from cms.services.roles import check_can_transition
from cms.services.viewer import ANONYMOUS
from cms.services.workflow import check_lead_time

EXPIRING = (
    ArticleStatus.DRAFT,
    ArticleStatus.IN_REVIEW,
    ArticleStatus.SCHEDULED,
    ArticleStatus.PUBLISHED,
)


async def set_expiry(ec: EditorialContext, public_id: str, expires_at: datetime | None) -> Article:
    """Set (or, with None, clear) when the article leaves the site; whoever may unpublish it."""
    return await retried(ec, lambda: _set_expiry(ec, public_id, expires_at), Conflict)


async def _set_expiry(ec: EditorialContext, public_id: str, expires_at: datetime | None) -> Article:
    article = await get_for_editing(ec, public_id)
    check_can_transition(ec.viewer, article, Transition.UNPUBLISH)
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise CmsError(
                "Give the time with its offset, e.g. 2026-12-01T09:00:00+04:00.",
                field="expires_at",
            )
        if article.status not in EXPIRING:
            raise CmsError(
                f"The article is {article.status.value}: it is not on the site to leave it.",
                field="expires_at",
            )
        check_lead_time(expires_at, "expires_at", "The time to leave the site")
        if article.scheduled_at is not None and expires_at <= article.scheduled_at:
            raise CmsError(
                "The article would leave the site before it is published at "
                f"{article.scheduled_at.isoformat()}; choose a later time.",
                field="expires_at",
            )
    await save(ec, article, {"expires_at": expires_at}, article.version)
    when = expires_at.isoformat() if expires_at else None
    audit.record(ec.session, ec.viewer, "article.expiry", "article", article.id, at=when)
    await ec.session.commit()
    return article


async def expire_due(*, session: AsyncSession, now: datetime | None = None) -> list[str]:
    """Archive every published article whose time to leave has come; their public ids."""
    now = now or utcnow()
    due = select(Article).where(
        col(Article.status) == ArticleStatus.PUBLISHED, col(Article.expires_at) <= now
    )
    expired = []
    for article in (await session.scalars(due.order_by(col(Article.expires_at)))).all():
        shown = (await placement(session, article)).pages(article)
        claimed = await session.execute(
            update(Article)
            .where(
                col(Article.id) == article.id,
                col(Article.status) == ArticleStatus.PUBLISHED,
                col(Article.expires_at) <= now,
            )
            .values(
                status=ArticleStatus.ARCHIVED,
                expires_at=None,
                version=col(Article.version) + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        await session.refresh(article)
        invalidate(session, shown)
        await record_revision(session, article, author_id=None)
        audit.record(session, ANONYMOUS, "article.expire", "article", article.id)
        await session.commit()
        expired.append(article.public_id)
    return expired
