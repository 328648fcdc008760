"""Live blogs: an article that editors keep appending timestamped updates to, newest first.

Updates are listed by keyset on `(created_at, id)`, like every feed, so a reader paging down a
running blog never sees an entry twice when new ones arrive on top.
"""

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from cms import cache_tags
from cms.after_commit import emit, invalidate
from cms.errors import CmsError
from cms.events import Event, Topic
from cms.models import Article, LiveBlogUpdate
from cms.services import audit
from cms.services import editorial as editorial_service
from cms.services.articles import FeedKey
from cms.services.authors import profile_for_user
from cms.services.editorial import EditorialContext
from cms.services.html import BodyFormat, prepare_body
from cms.services.live import require_editor

BODY_LIMIT = 20_000


async def set_live_blog(ec: EditorialContext, public_id: str, live_blog: bool) -> Article:
    require_editor(ec)
    article = await editorial_service.get_for_editing(ec, public_id)
    article.is_live_blog = live_blog
    ec.session.add(article)
    await editorial_service.mark_stale(ec.session, article)
    audit.record(ec.session, ec.viewer, "article.live_blog", "article", article.id, on=live_blog)
    await ec.session.commit()
    return article


async def add_update(
    ec: EditorialContext, public_id: str, body: str, body_format: BodyFormat
) -> LiveBlogUpdate:
    """Append an update to a live blog; subscribers hear of it once it is saved."""
    require_editor(ec)
    article = await editorial_service.get_for_editing(ec, public_id)
    if not article.is_live_blog:
        raise CmsError(
            "This article is not a live blog; run setArticleLiveBlog first.", field="article"
        )
    html = clean_body(ec, body, body_format)
    assert article.id is not None
    await profile_for_user(ec.session, ec.user, ec.settings.locales)  # the entry's signature
    update = LiveBlogUpdate(article_id=article.id, body=html, author_id=ec.user.id)
    ec.session.add(update)
    await ec.session.flush()
    audit.record(ec.session, ec.viewer, "live_blog.update", "article", article.id, entry=update.id)
    invalidate(ec.session, {cache_tags.article(article.public_id)})
    emit(
        ec.session,
        Event(
            Topic.LIVE_BLOG_UPDATED,
            article=article.public_id,
            locale=article.locale,
            update_id=update.id,
        ),
    )
    await ec.session.commit()
    return update


def clean_body(ec: EditorialContext, body: str, body_format: BodyFormat) -> str:
    """An entry's body as stored: sanitised HTML, not empty, within the limit."""
    html = prepare_body(
        body,
        body_format,
        media_url_prefix=ec.settings.media_url_for(""),
        embed_hosts=frozenset(ec.settings.embed_hosts),
    )
    if not html.strip():
        raise CmsError("The update is empty.", field="body")
    if len(html) > BODY_LIMIT:
        raise CmsError(f"The update is longer than {BODY_LIMIT} characters.", field="body")
    return html


async def pinned_updates(
    *, session: AsyncSession, article_ids: Sequence[int]
) -> dict[int, list[LiveBlogUpdate]]:
    """Each blog's pinned entries, the most recently pinned first."""
    query = (
        select(LiveBlogUpdate)
        .where(
            col(LiveBlogUpdate.article_id).in_(article_ids),
            col(LiveBlogUpdate.pinned_at).is_not(None),
        )
        .order_by(col(LiveBlogUpdate.pinned_at).desc(), col(LiveBlogUpdate.id).desc())
    )
    grouped: dict[int, list[LiveBlogUpdate]] = defaultdict(list)
    for update in await session.scalars(query):
        grouped[update.article_id].append(update)
    return grouped


async def update_by_id(*, session: AsyncSession, update_id: int) -> LiveBlogUpdate | None:
    return await session.get(LiveBlogUpdate, update_id)


async def updates_page(
    *, session: AsyncSession, article_ids: Sequence[int], first: int, after: FeedKey | None
) -> dict[int, list[LiveBlogUpdate]]:
    """Up to `first` updates per article after `after`, newest first, in one statement."""
    conditions: list[ColumnElement[bool]] = [col(LiveBlogUpdate.article_id).in_(article_ids)]
    if after is not None:
        conditions.append(
            or_(
                col(LiveBlogUpdate.created_at) < after.moment,
                (col(LiveBlogUpdate.created_at) == after.moment)
                & (col(LiveBlogUpdate.id) < after.id),
            )
        )
    rank = (
        func.row_number()
        .over(
            partition_by=col(LiveBlogUpdate.article_id),
            order_by=(col(LiveBlogUpdate.created_at).desc(), col(LiveBlogUpdate.id).desc()),
        )
        .label("rank")
    )
    ranked = select(LiveBlogUpdate, rank).where(*conditions).subquery()
    page = select(LiveBlogUpdate).from_statement(
        ranked.select().where(ranked.c.rank <= first).order_by(ranked.c.article_id, ranked.c.rank)
    )
    grouped: dict[int, list[LiveBlogUpdate]] = defaultdict(list)
    for update in await session.scalars(page):
        grouped[update.article_id].append(update)
    return grouped


async def update_counts(*, session: AsyncSession, article_ids: Sequence[int]) -> dict[int, int]:
    query = (
        select(LiveBlogUpdate.article_id, func.count())
        .where(col(LiveBlogUpdate.article_id).in_(article_ids))
        .group_by(col(LiveBlogUpdate.article_id))
    )
    return {article_id: count for article_id, count in (await session.execute(query)).all()}
