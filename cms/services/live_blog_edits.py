"""Correcting a live blog after the fact: editing, pinning and deleting its entries.

Each change is audited, refreshes the cached article, and is pushed to the blog's subscribers
once committed: an edited or (un)pinned entry comes again under its id, a deleted one is
announced by id so that a page can drop it.
"""

from sqlmodel import select

from cms import cache_tags
from cms.after_commit import emit, invalidate
from cms.errors import NotFound
from cms.events import Event, Topic
from cms.models import Article, LiveBlogUpdate
from cms.models.columns import utcnow
from cms.services import audit
from cms.services.editorial import EditorialContext
from cms.services.html import BodyFormat
from cms.services.live import require_editor
from cms.services.live_blog import clean_body


async def _entry(ec: EditorialContext, update_id: int) -> tuple[LiveBlogUpdate, Article]:
    query = (
        select(LiveBlogUpdate, Article)
        .join(Article, Article.id == LiveBlogUpdate.article_id)  # type: ignore[arg-type]
        .where(LiveBlogUpdate.id == update_id)
    )
    found = (await ec.session.execute(query)).first()
    if found is None:
        raise NotFound("No live-blog entry with this id.", field="id")
    return found[0], found[1]


def _announce(ec: EditorialContext, article: Article, update_id: int, topic: Topic) -> None:
    invalidate(ec.session, {cache_tags.article(article.public_id)})
    emit(
        ec.session,
        Event(topic, article=article.public_id, locale=article.locale, update_id=update_id),
    )


async def edit_update(
    ec: EditorialContext, update_id: int, body: str, body_format: BodyFormat
) -> LiveBlogUpdate:
    """Replace an entry's text; it keeps its place and time, and shows when it was edited."""
    require_editor(ec)
    entry, article = await _entry(ec, update_id)
    entry.body = clean_body(ec, body, body_format)
    entry.edited_at = utcnow()
    ec.session.add(entry)
    audit.record(ec.session, ec.viewer, "live_blog.edit", "article", article.id, entry=update_id)
    _announce(ec, article, update_id, Topic.LIVE_BLOG_UPDATED)
    await ec.session.commit()
    return entry


async def pin_update(ec: EditorialContext, update_id: int, pinned: bool) -> LiveBlogUpdate:
    """Pin an entry above the running list (or unpin it); pinning again moves it to the top."""
    require_editor(ec)
    entry, article = await _entry(ec, update_id)
    entry.pinned_at = utcnow() if pinned else None
    ec.session.add(entry)
    action = "live_blog.pin" if pinned else "live_blog.unpin"
    audit.record(ec.session, ec.viewer, action, "article", article.id, entry=update_id)
    _announce(ec, article, update_id, Topic.LIVE_BLOG_UPDATED)
    await ec.session.commit()
    return entry


async def delete_update(ec: EditorialContext, update_id: int) -> None:
    require_editor(ec)
    entry, article = await _entry(ec, update_id)
    audit.record(
        ec.session,
        ec.viewer,
        "live_blog.delete",
        "article",
        article.id,
        entry=update_id,
        posted_at=entry.created_at.isoformat(),
    )
    await ec.session.delete(entry)
    _announce(ec, article, update_id, Topic.LIVE_BLOG_ENTRY_DELETED)
    await ec.session.commit()
