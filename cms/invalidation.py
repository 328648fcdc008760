"""Which cached responses a write makes stale, announced only once the write has committed.

Services call `touch(session, tags)` as they change things; when the session's transaction
commits, the tags go to the callback the session factory was given (the response cache, and
through the event bus every other worker's); a rollback forgets them.
"""

from collections.abc import Callable, Iterable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from cms.cache_tags import CacheTag

CALLBACK_KEY = "cms.invalidate"
PENDING_KEY = "cms.pending_tags"

Invalidate = Callable[[set[str]], None]


def touch(session: AsyncSession, tags: Iterable[CacheTag]) -> None:
    session.sync_session.info.setdefault(PENDING_KEY, set()).update(tags)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    tags = session.info.pop(PENDING_KEY, None)
    callback = session.info.get(CALLBACK_KEY)
    if tags and callback is not None:
        callback(tags)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
