"""Which cached responses a write makes stale, announced only once the write has committed.

Services call `touch(session, tags)` as they change things; when the session's transaction
commits, the tags go to the callback the session factory was given (the response cache, and
through the event bus every other worker's); a rollback forgets them.
"""

from collections.abc import Callable, Iterable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from cms.models import Article, ArticleStatus

CALLBACK_KEY = "cms.invalidate"
PENDING_KEY = "cms.pending_tags"

Invalidate = Callable[[set[str]], None]


def touch(session: AsyncSession, tags: Iterable[str]) -> None:
    session.sync_session.info.setdefault(PENDING_KEY, set()).update(tags)


def article_tags(article: Article, category_ids: Iterable[int], tag_ids: Iterable[int]) -> set[str]:
    """Everything that shows this article: itself, and, once published, every list it can
    appear in (its category's and every ancestor's, whose pages include sub-categories)."""
    tags = {f"article:{article.public_id}", f"slug:{article.locale}:{article.slug}"}
    if article.status != ArticleStatus.PUBLISHED:
        return tags
    tags |= {"feed:all", f"feed:locale:{article.locale}"}
    if article.is_featured:
        tags.add("feed:featured")
    tags |= {f"feed:category:{category_id}" for category_id in category_ids}
    tags |= {f"feed:tag:{tag_id}" for tag_id in tag_ids}
    if article.translation_group:
        tags.add(f"group:{article.translation_group}")
    return tags


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    tags = session.info.pop(PENDING_KEY, None)
    callback = session.info.get(CALLBACK_KEY)
    if tags and callback is not None:
        callback(tags)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
