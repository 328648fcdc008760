"""Domain events: published after commit (never after a rollback), fired by mutations and by
the scheduler exactly once, and carried between workers by Redis."""

import asyncio
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cms.after_commit import emit
from cms.db import create_sessionmaker
from cms.events import Event, EventBus, RedisEventBus, Topic
from cms.models import ArticleStatus, Role
from cms.services import programme, scheduling
from cms.services.viewer import Viewer
from cms.settings import Settings
from schema.context import Context
from tests.builders import make_article, make_slot, make_stream, make_user
from tests.polling import until

REDIS_URL = "redis://127.0.0.1:6379/0"
PUBLISH = """
mutation P($id: String!) { publishArticle(input: {id: $id}) { errors { message } } }
"""


MARKER = Event(Topic.LIVE_STREAM_CHANGED, stream_id=0)
"""Sent by a test itself: the bus delivers in order, so once it arrives, all sent before it has."""


class Listener:
    """Collects what a bus delivers from the moment it is created."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[Event] = []
        self._bus = bus
        self._stream = bus.subscribe()
        self._task = asyncio.ensure_future(self._collect())

    async def _collect(self) -> None:
        async for event in self._stream:
            self.events.append(event)

    async def ready(self) -> "Listener":
        await asyncio.sleep(0)
        return self

    async def wait_for(self, count: int) -> list[Event]:
        await until(lambda: len(self.events) >= count, what=f"{count} event(s)")
        return self.events

    async def heard_so_far(self) -> list[Event]:
        """Every event published before this call, once delivered (no time window to guess)."""
        self._bus.publish(MARKER)
        await until(lambda: MARKER in self.events, what="the marker event")
        heard = self.events[: self.events.index(MARKER)]
        self.events.remove(MARKER)
        return heard

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


@pytest.fixture
async def bus() -> AsyncIterator[EventBus]:
    bus = EventBus()
    yield bus
    await bus.stop()


@pytest.fixture
def evented(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], bus: EventBus
) -> async_sessionmaker[AsyncSession]:
    """Sessions on the emptied test database that publish to `bus`."""
    return create_sessionmaker(engine, bus)


async def test_an_event_goes_out_only_when_its_transaction_commits(
    evented: async_sessionmaker[AsyncSession], bus: EventBus
) -> None:
    listener = await Listener(bus).ready()
    async with evented() as session:
        emit(session, Event(Topic.LIVE_STREAM_CHANGED, stream_id=1))
        before = await listener.heard_so_far()
        await session.commit()

    assert before == []
    assert await listener.wait_for(1) == [Event(Topic.LIVE_STREAM_CHANGED, stream_id=1)]
    await listener.close()


async def test_a_rolled_back_event_is_never_published(
    evented: async_sessionmaker[AsyncSession], bus: EventBus
) -> None:
    listener = await Listener(bus).ready()
    async with evented() as session:
        await session.execute(text("SELECT 1"))
        emit(session, Event(Topic.LIVE_STREAM_CHANGED, stream_id=1))
        await session.rollback()
        await session.execute(text("SELECT 1"))
        await session.commit()
    async with evented() as session:
        await session.execute(text("SELECT 1"))
        emit(session, Event(Topic.LIVE_STREAM_CHANGED, stream_id=2))

    assert await listener.heard_so_far() == []
    await listener.close()


async def test_publishing_an_article_announces_it_with_its_locale_and_category(
    session: AsyncSession,
    evented: async_sessionmaker[AsyncSession],
    bus: EventBus,
    settings: Settings,
    graphql_schema: object,
) -> None:
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    article = await make_article(session, status=ArticleStatus.DRAFT, locale="ka")
    await session.commit()
    listener = await Listener(bus).ready()

    context = Context(settings=settings, sessions=evented, viewer=editor, events=bus)
    result = await graphql_schema.execute(  # type: ignore[attr-defined]
        PUBLISH, variable_values={"id": article.public_id}, context_value=context
    )

    assert result.errors is None, result.errors
    assert await listener.wait_for(1) == [
        Event(Topic.ARTICLE_PUBLISHED, article=article.public_id, locale="ka")
    ]
    await listener.close()


async def test_the_scheduler_announces_what_it_publishes_and_expires_once(
    session: AsyncSession, evented: async_sessionmaker[AsyncSession], bus: EventBus
) -> None:
    now = datetime.now(UTC)
    due = await make_article(
        session, status=ArticleStatus.SCHEDULED, scheduled_at=now - timedelta(minutes=1)
    )
    breaking = await make_article(
        session, is_breaking=True, breaking_until=now - timedelta(seconds=1)
    )
    await session.commit()
    listener = await Listener(bus).ready()

    await scheduling.run_once(evented)
    await scheduling.run_once(evented)

    events = await listener.heard_so_far()
    assert sorted((e.topic, e.article) for e in events) == sorted(
        [
            (Topic.ARTICLE_PUBLISHED, due.public_id),
            (Topic.BREAKING_CHANGED, breaking.public_id),
        ]
    )
    await listener.close()


async def test_a_programme_starting_is_announced_once_across_workers(
    session: AsyncSession, evented: async_sessionmaker[AsyncSession], bus: EventBus
) -> None:
    tv = await make_stream(session)
    now = datetime.now(UTC)
    await make_slot(
        session, tv, starts_at=now + timedelta(minutes=1), ends_at=now + timedelta(hours=1)
    )
    await session.commit()
    listener = await Listener(bus).ready()

    async with evented() as first, evented() as second:
        before = await programme.announce_current_slots(session=first, now=now)
        later = now + timedelta(minutes=2)
        started = [
            await programme.announce_current_slots(session=worker, now=later)
            for worker in (first, second)
        ]

    assert (before, started) == (0, [1, 0])
    assert await listener.heard_so_far() == [Event(Topic.LIVE_STREAM_CHANGED, stream_id=tv.id)]
    await listener.close()


async def _redis_or_skip() -> None:
    client: Redis = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisError, OSError):
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; CI starts it")
    finally:
        await client.aclose()


async def test_redis_carries_events_between_workers() -> None:
    await _redis_or_skip()
    channel = f"cms-test-{secrets.token_hex(4)}:events"
    worker_a, worker_b = RedisEventBus(REDIS_URL, channel), RedisEventBus(REDIS_URL, channel)
    await worker_a.start()
    await worker_b.start()
    listener = await Listener(worker_a).ready()
    client: Redis = Redis.from_url(REDIS_URL)

    async def both_subscribed() -> bool:
        return bool((await client.pubsub_numsub(channel))[0][1] == 2)

    await until(both_subscribed, what="both workers subscribing")
    await client.aclose()

    worker_b.publish(Event(Topic.BREAKING_CHANGED, article="abc", locale="en"))

    assert await listener.wait_for(1) == [Event(Topic.BREAKING_CHANGED, article="abc", locale="en")]
    await listener.close()
    await worker_a.stop()
    await worker_b.stop()


async def test_a_worker_hears_events_again_after_losing_redis() -> None:
    await _redis_or_skip()
    channel = f"cms-test-{secrets.token_hex(4)}:events"
    listening, publishing = RedisEventBus(REDIS_URL, channel), RedisEventBus(REDIS_URL, channel)
    await listening.start()
    await publishing.start()
    listener = await Listener(listening).ready()
    admin: Redis = Redis.from_url(REDIS_URL)
    subscribers = [
        client
        for client in await admin.client_list()
        if client["name"] == channel and int(client["sub"]) > 0
    ]
    for client in subscribers:
        await admin.client_kill_filter(_id=client["id"])

    async def heard_again() -> bool:
        publishing.publish(Event(Topic.LIVE_STREAM_CHANGED, stream_id=7))
        await asyncio.sleep(0.2)
        return bool(listener.events)

    await until(heard_again, seconds=10, what="an event after the reconnect")
    assert len(subscribers) == 2
    await admin.aclose()
    await listener.close()
    await listening.stop()
    await publishing.stop()
