"""The "most read" lists of a day, a week or a month, summed from the daily view buckets.

The window is a range on the bucket index `(day, views)`, so only articles read in the window are
touched, never the whole archive; the visibility rule still decides what may be listed.
"""

from datetime import UTC, date, datetime, timedelta
from enum import Enum

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cms.models import Article, ArticleViewBucket
from cms.services.articles import ArticleFilter, feed_query
from cms.services.viewer import Viewer


class Period(Enum):
    """How many daily buckets (UTC days, today included) a window sums."""

    DAY = 1
    WEEK = 7
    MONTH = 30


async def most_read(
    *,
    session: AsyncSession,
    viewer: Viewer,
    period: Period,
    today: date,
    first: int,
    locale: str | None = None,
    category_ids: tuple[int, ...] | None = None,
    published_since: datetime | None = None,
) -> list[tuple[Article, int]]:
    """The most viewed visible articles of the window with their views in it, most first."""
    since = today - timedelta(days=period.value - 1)
    total = func.sum(col(ArticleViewBucket.views)).label("period_views")
    query = (
        feed_query(viewer, ArticleFilter(locale=locale, category_ids=category_ids))
        .join(ArticleViewBucket, col(ArticleViewBucket.article_id) == col(Article.id))
        .where(col(ArticleViewBucket.day) >= since, col(ArticleViewBucket.day) <= today)
        .where(col(Article.published_at) >= (published_since or datetime.min.replace(tzinfo=UTC)))
        .group_by(col(Article.id))
        .add_columns(total)
        .order_by(total.desc(), col(Article.id).desc())
        .limit(first)
    )
    return [(article, int(views)) for article, views in await session.execute(query)]
