"""Corrections: what a published article got wrong, told to readers with the date it was fixed.

A correction is added, never edited away: readers and search engines rely on the list staying
true. Adding one is an editorial save like any other: the article's version and `updatedAt`
move (feeds and sitemaps show the corrected time), a revision records the corrections as they
now stand, and every cached page showing the article goes stale.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from cms.errors import CmsError
from cms.models import Article, ArticleCorrection, ArticleStatus
from cms.models.columns import utcnow
from cms.services.editorial import EditorialContext, get_for_editing, revise, save
from cms.services.roles import EDITORS, Forbidden

TEXT_MAX = 1000
CLOCK_SKEW = timedelta(minutes=1)
"""How far in the future a given correction time may lie: an editor's clock may run ahead."""


def _checked_text(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise CmsError("Say what was wrong and what is right now.", field="text")
    if len(cleaned) > TEXT_MAX:
        raise CmsError(f"A correction is at most {TEXT_MAX} characters long.", field="text")
    return cleaned


def _checked_time(article: Article, corrected_at: datetime | None) -> datetime:
    now = utcnow()
    if corrected_at is None:
        return now
    if corrected_at > now + CLOCK_SKEW:
        raise CmsError("A correction cannot be dated in the future.", field="corrected_at")
    if article.published_at is not None and corrected_at < article.published_at:
        raise CmsError(
            "A correction cannot be dated before the article was published "
            f"({article.published_at.isoformat(timespec='minutes')}).",
            field="corrected_at",
        )
    return corrected_at


async def add_correction(
    ec: EditorialContext, public_id: str, text: str, corrected_at: datetime | None
) -> tuple[Article, ArticleCorrection]:
    """Add a correction to a published article; editors and admins only."""
    if ec.user.role not in EDITORS:
        raise Forbidden("Only editors add corrections.")
    article = await get_for_editing(ec, public_id)
    if article.status is not ArticleStatus.PUBLISHED:
        raise CmsError(
            f"Only a published article takes corrections; this one is {article.status.value}. "
            "Edit it instead.",
            field="id",
        )
    assert article.id is not None
    correction = ArticleCorrection(
        article_id=article.id,
        text=_checked_text(text),
        corrected_at=_checked_time(article, corrected_at),
        created_by_id=ec.user.id,
    )
    ec.session.add(correction)
    await save(ec, article, {}, article.version)
    await revise(ec, article, "article.correct")
    await ec.session.commit()
    return article, correction


async def corrections_by_article_ids(
    *, session: AsyncSession, article_ids: Sequence[int]
) -> dict[int, list[ArticleCorrection]]:
    """Each article's corrections, oldest first: the order readers follow the story in."""
    query = (
        select(ArticleCorrection)
        .where(col(ArticleCorrection.article_id).in_(article_ids))
        .order_by(col(ArticleCorrection.corrected_at), col(ArticleCorrection.id))
    )
    grouped: dict[int, list[ArticleCorrection]] = defaultdict(list)
    for correction in await session.scalars(query):
        grouped[correction.article_id].append(correction)
    return grouped
