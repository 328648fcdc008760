"""Domain events, published only once the transaction that caused them has committed.

A service calls `cms.after_commit.emit(session, event)`; the event waits in the session until
its transaction commits (a rollback drops it) and then goes to the process's bus. The bus
delivers in-process by default; with `CMS_REDIS_URL` it goes through Redis pub/sub, so a
subscriber connected to one worker hears a publish made on another. Events carry ids, never
content: each subscriber reloads what its own viewer may see, so visibility is decided by the one
rule every query uses.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from cms import metrics
from cms.settings import Settings

logger = logging.getLogger(__name__)

BACKLOG = 256
"""Events a slow subscriber may fall behind by before newer ones are dropped for it."""


class Topic(StrEnum):
    ARTICLE_PUBLISHED = "article.published"
    BREAKING_CHANGED = "article.breaking"
    LIVE_STREAM_CHANGED = "live_stream.changed"
    LIVE_BLOG_UPDATED = "live_blog.updated"
    HOME_CHANGED = "home.changed"
    LIVE_BLOG_ENTRY_DELETED = "live_blog.deleted"


@dataclass(frozen=True, slots=True)
class Event:
    """What happened, by id: the article's public id, its locale and category, or a stream."""

    topic: Topic
    article: str | None = None
    locale: str | None = None
    category_id: int | None = None
    stream_id: int | None = None
    update_id: int | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | bytes) -> "Event":
        values: dict[str, Any] = json.loads(raw)
        return cls(**(values | {"topic": Topic(values["topic"])}))


class EventBus:
    """Fans events out to this process's subscribers; the base class is the in-process bus."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Event | None]] = set()

    @property
    def subscriber_count(self) -> int:
        return len(self._queues)

    async def start(self) -> None:
        """Connect to the transport, if the bus has one."""

    async def stop(self) -> None:
        """End every subscription, so that open sockets complete rather than hang."""
        for queue in list(self._queues):
            queue.put_nowait(None)

    def publish(self, event: Event) -> None:
        """Send an event; synchronous, so that it can run in a commit hook."""
        self._deliver(event)

    def _deliver(self, event: Event) -> None:
        for queue in list(self._queues):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                logger.warning("a subscriber is %d events behind; dropping %s", BACKLOG, event)

    async def subscribe(self) -> AsyncIterator[Event]:
        """Every event published from now on, until the bus stops or the caller leaves."""
        queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=BACKLOG)
        self._queues.add(queue)
        metrics.SUBSCRIPTIONS_OPEN.inc()
        try:
            while (event := await queue.get()) is not None:
                yield event
        finally:
            self._queues.discard(queue)
            metrics.SUBSCRIPTIONS_OPEN.dec()


class RedisEventBus(EventBus):
    """Publishes to a Redis channel and delivers what the channel carries, from every worker."""

    def __init__(self, url: str, channel: str) -> None:
        super().__init__()
        self.channel = channel
        self._redis: Redis = Redis.from_url(url, client_name=channel)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._outbox: asyncio.Queue[Event] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        await self._pubsub.subscribe(self.channel)
        self._tasks = [asyncio.create_task(self._read()), asyncio.create_task(self._write())]

    async def stop(self) -> None:
        await self._flush()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._pubsub.aclose()
        await self._redis.aclose()
        await super().stop()

    def publish(self, event: Event) -> None:
        self._outbox.put_nowait(event)

    async def _flush(self) -> None:
        """Send what is still queued, so that a stopping process loses no committed event."""
        while not self._outbox.empty():
            await self._send(self._outbox.get_nowait())

    async def _send(self, event: Event) -> None:
        try:
            await self._redis.publish(self.channel, event.to_json())
        except RedisError:
            logger.exception("could not publish %s to Redis; delivering it locally only", event)
            self._deliver(event)

    async def _write(self) -> None:
        while True:
            await self._send(await self._outbox.get())

    async def _read(self) -> None:
        """Deliver what arrives; after a Redis outage, the client reconnects and subscribes
        again on the next read."""
        while True:
            try:
                async for message in self._pubsub.listen():
                    if message["type"] == "message":
                        self._deliver(Event.from_json(message["data"]))
            except RedisError:
                logger.exception("Redis subscription lost; reconnecting in 1 s")
                await asyncio.sleep(1)


def bus_for(settings: Settings) -> EventBus:
    if settings.redis_url:
        return RedisEventBus(settings.redis_url, f"{settings.redis_prefix}:events")
    return EventBus()
