"""What a transaction hands on once it has committed, in one queue: the domain events for the bus
and the cache tags its writes made stale. A rollback drops both, so no subscriber hears of, and no
cache forgets, a write that never happened.

Services call `emit(session, event)` and `invalidate(session, tags)` as they write; the session
factory (`cms.db.create_sessionmaker`) names where both go. Stale tags go first, so that a
subscriber reading what an event announces never gets the cached answer from before the write.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from cms.cache_tags import CacheTag
from cms.events import Event, EventBus

PENDING_KEY = "cms.after_commit"
TARGETS_KEY = "cms.after_commit_targets"

Invalidate = Callable[[set[str]], None]


@dataclass(slots=True)
class Pending:
    events: list[Event] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Targets:
    """Where committed work goes; either may be missing (a command line tool has no cache)."""

    bus: EventBus | None = None
    invalidate: Invalidate | None = None


def _pending(session: AsyncSession) -> Pending:
    pending: Pending = session.info.setdefault(PENDING_KEY, Pending())
    return pending


def emit(session: AsyncSession, event: Event) -> None:
    """Queue `event` to be published when the session's transaction commits."""
    _pending(session).events.append(event)


def invalidate(session: AsyncSession, tags: Iterable[CacheTag]) -> None:
    """Queue `tags` to be dropped from the response cache when the transaction commits."""
    _pending(session).tags.update(tags)


class AfterCommitSession(Session):
    """A session that hands its queued work on after each commit."""


@sa_event.listens_for(AfterCommitSession, "after_commit")
def _hand_on(session: Session) -> None:
    pending: Pending | None = session.info.pop(PENDING_KEY, None)
    targets: Targets | None = session.info.get(TARGETS_KEY)
    if pending is None or targets is None:
        return
    if pending.tags and targets.invalidate is not None:
        targets.invalidate(pending.tags)
    if targets.bus is not None:
        for event in pending.events:
            targets.bus.publish(event)


@sa_event.listens_for(AfterCommitSession, "after_transaction_end")
def _drop_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ends without its commit hook having run was rolled back or closed."""
    if transaction.parent is None:
        session.info.pop(PENDING_KEY, None)
