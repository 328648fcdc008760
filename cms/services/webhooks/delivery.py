"""The webhook worker: turns outbox events into deliveries and sends them, in every app process.

Work is claimed with one conditional UPDATE per batch (`… WHERE id IN (SELECT … FOR UPDATE SKIP
LOCKED) AND <still unclaimed>`): on PostgreSQL concurrent workers skip each other's rows and
re-check the condition on any row they waited for; SQLite runs one writer at a time, so the
statement is atomic there too. Each event is therefore fanned out once, and each delivery is
sent by one worker at a time, across processes and machines.

A claimed delivery carries a lease (`claimed_until`): a worker that dies mid-send loses its
claim when the lease runs out, and another sends the delivery again with the same event id.
That is the one case in which a receiver sees an event twice, so receivers deduplicate by
`X-CMS-Event-Id` (the documented contract of every at-least-once webhook system).

A delivery succeeds on any 2xx answer. A timeout, a connection error, any other status, a
redirect (never followed: its target could be a private address) or a destination the address
guard refuses is a failed try: it is retried after an exponentially growing wait with jitter,
and dead-lettered (`DEAD`) after `CMS_WEBHOOK_MAX_ATTEMPTS` tries. Sending happens outside any
write transaction, so a slow or broken endpoint never holds up a publish.
"""

import asyncio
import hashlib
import hmac
import json
import logging
import random
import secrets
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from sqlalchemy import func, or_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, delete, select, update

from cms import metrics
from cms.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from cms.models.columns import utcnow
from cms.services.outbound import AddressRefused, Resolver, pinned_request, system_resolver
from cms.services.webhooks.retention import prune_log
from cms.settings import Settings

logger = logging.getLogger(__name__)

BATCH = 50
LEASE_MARGIN = timedelta(seconds=30)
"""How long a claim outlives the request's own timeout, for the bookkeeping around it."""
USER_AGENT = "NewsroomCMS-Webhooks/1"
ERROR_LENGTH = 500
PRUNE_EVERY_SECONDS = 3600.0
"""How often each worker deletes the delivery log's ended events past `CMS_WEBHOOK_LOG_DAYS`."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the endpoint's secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def body_of(event: WebhookEvent) -> bytes:
    """The JSON body, the same bytes on every try of every endpoint."""
    payload = {
        "id": str(event.id),
        "event": event.topic,
        "occurredAt": event.created_at.isoformat(),
        "data": event.data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int | None
    duration_ms: int
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(slots=True)
class WebhookSender:
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    resolver: Resolver = system_resolver
    jitter: Callable[[], float] = random.random
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    """Names this worker's claims, so a late worker cannot overwrite another's result."""
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    """Set by `stop`: the loop ends between two runs, never in the middle of one."""
    pruned_at: float = float("-inf")
    """When this worker last pruned the delivery log (`time.monotonic`)."""

    def retry_delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed try: doubling up to the cap, then shifted by
        up to 50% either way at random, so retries of many deliveries do not arrive together."""
        base = self.settings.webhook_retry_base_seconds * 2 ** min(attempts - 1, 32)
        capped = min(base, self.settings.webhook_retry_max_seconds)
        return timedelta(seconds=capped * (0.5 + self.jitter()))

    async def run_forever(self) -> None:
        """The app's background task: never dies on an error, tries again next tick, and ends
        when `stop` is called, after the run in progress (a claim or a send cut short would be
        sent again after its lease; a statement cut short leaves its connection to the GC)."""
        interval = self.settings.webhook_poll_seconds
        while not self.stopping.is_set():
            try:
                while not self.stopping.is_set() and await self.run_once():
                    pass
                if time.monotonic() - self.pruned_at >= PRUNE_EVERY_SECONDS:
                    self.pruned_at = time.monotonic()
                    await prune_log(self.sessions, self.settings.webhook_log_days)
            except Exception:
                logger.exception("webhook delivery run failed; retrying in %.1f s", interval)
            with suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), interval)

    def stop(self) -> None:
        self.stopping.set()

    async def report_queue(self) -> None:
        """Sets the queue depth gauges (a `cms.metrics` scrape hook)."""
        async with self.sessions() as session:
            waiting = await session.scalar(
                select(func.count()).where(col(WebhookEvent.dispatched_at).is_(None))
            )
            by_status = dict(
                (
                    await session.execute(
                        select(WebhookDelivery.status, func.count())
                        .where(col(WebhookDelivery.status) != DeliveryStatus.DELIVERED)
                        .group_by(col(WebhookDelivery.status))
                    )
                ).all()
            )
        metrics.WEBHOOK_QUEUE.labels("events").set(waiting or 0)
        metrics.WEBHOOK_QUEUE.labels("deliveries").set(by_status.get(DeliveryStatus.PENDING, 0))
        metrics.WEBHOOK_QUEUE.labels("dead").set(by_status.get(DeliveryStatus.DEAD, 0))

    async def run_once(self) -> int:
        """Fan out new events, then send what is due; how many events and tries there were."""
        dispatched = await self.dispatch()
        return dispatched + await self.deliver_due()

    async def dispatch(self) -> int:
        """Turn a batch of new events into one delivery per active endpoint that wants each."""
        async with self.sessions() as session:
            waiting = select(WebhookEvent.id).where(col(WebhookEvent.dispatched_at).is_(None))
            if await session.scalar(waiting.limit(1)) is None:
                # A read first: an idle newsroom's workers poll without taking SQLite's write
                # lock (or PostgreSQL's row locks) every second.
                return 0
            now = utcnow()
            batch = (
                select(WebhookEvent.id)
                .where(col(WebhookEvent.dispatched_at).is_(None))
                .order_by(col(WebhookEvent.id))
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
            claimed = await session.execute(
                update(WebhookEvent)
                .where(col(WebhookEvent.id).in_(batch), col(WebhookEvent.dispatched_at).is_(None))
                .values(dispatched_at=now)
                .returning(col(WebhookEvent.id), col(WebhookEvent.topic))
            )
            events = claimed.all()
            if not events:
                await session.rollback()
                return 0
            endpoints = (
                await session.scalars(select(WebhookEndpoint).where(col(WebhookEndpoint.is_active)))
            ).all()
            unheard = []
            for event_id, topic in events:
                assert event_id is not None
                listeners = [e.id for e in endpoints if topic in e.events and e.id is not None]
                session.add_all(
                    WebhookDelivery(endpoint_id=e, event_id=event_id) for e in listeners
                )
                if not listeners:
                    unheard.append(event_id)
            if unheard:
                # Nobody wanted them: the outbox keeps only events that have a delivery log.
                await session.execute(delete(WebhookEvent).where(col(WebhookEvent.id).in_(unheard)))
            await session.commit()
            return len(events)

    async def deliver_due(self) -> int:
        claimed = await self._claim()
        if claimed:
            await asyncio.gather(*(self._deliver(delivery_id) for delivery_id in claimed))
        return len(claimed)

    async def _claim(self) -> Sequence[int]:
        now = utcnow()
        lease = timedelta(seconds=self.settings.webhook_timeout_seconds) + LEASE_MARGIN
        unclaimed = or_(
            col(WebhookDelivery.claimed_until).is_(None), col(WebhookDelivery.claimed_until) < now
        )
        due = (
            col(WebhookDelivery.status) == DeliveryStatus.PENDING,
            col(WebhookDelivery.next_attempt_at) <= now,
            unclaimed,
        )
        batch = (
            select(WebhookDelivery.id)
            .where(*due)
            .order_by(col(WebhookDelivery.next_attempt_at))
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
        async with self.sessions() as session:
            if await session.scalar(select(WebhookDelivery.id).where(*due).limit(1)) is None:
                return []
            claimed = await session.scalars(
                update(WebhookDelivery)
                .where(col(WebhookDelivery.id).in_(batch), *due)
                .values(claim=self.token, claimed_until=now + lease)
                .returning(col(WebhookDelivery.id))
            )
            ids = [delivery_id for delivery_id in claimed.all() if delivery_id is not None]
            await session.commit()
        return ids

    async def _deliver(self, delivery_id: int) -> None:
        async with self.sessions() as session:
            delivery = await session.get(WebhookDelivery, delivery_id)
            assert delivery is not None
            endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id)
            event = await session.get(WebhookEvent, delivery.event_id)
        if endpoint is None or event is None:
            return
        outcome = await self.send(endpoint, event, delivery_id)
        await self._record(delivery, outcome)

    async def send(
        self, endpoint: WebhookEndpoint, event: WebhookEvent, delivery_id: int
    ) -> Outcome:
        """One try: POST the signed body, within the timeout, to the checked address."""
        body = body_of(event)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-CMS-Event": event.topic,
            "X-CMS-Event-Id": str(event.id),
            "X-CMS-Delivery": str(delivery_id),
            "X-CMS-Timestamp": timestamp,
            "X-CMS-Signature": signature(endpoint.secret, timestamp, body),
        }
        timeout = self.settings.webhook_timeout_seconds
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            async with (
                asyncio.timeout(timeout),
                httpx.AsyncClient(trust_env=False, timeout=timeout) as client,
            ):
                request = await pinned_request(
                    client,
                    "POST",
                    endpoint.url,
                    allowed_networks=self.settings.webhook_allowed_networks,
                    resolver=self.resolver,
                    content=body,
                    headers=headers,
                )
                response = await client.send(request, stream=True)
                await response.aclose()
                status = response.status_code
                if response.is_redirect:
                    error = "The endpoint redirected; webhooks do not follow redirects."
                elif not 200 <= status < 300:
                    error = f"The endpoint answered {status}."
        except TimeoutError:
            error = f"No answer within {timeout:g} seconds."
        except AddressRefused as refused:
            error = refused.message
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"[:ERROR_LENGTH]
        duration_ms = round((time.perf_counter() - started) * 1000)
        return Outcome(status=status, duration_ms=duration_ms, error=error)

    async def _record(self, delivery: WebhookDelivery, outcome: Outcome) -> None:
        """Log the try and set what comes next, if the claim is still this worker's."""
        now = utcnow()
        attempts = delivery.attempts + 1
        values: dict[str, object] = {
            "attempts": attempts,
            "last_attempt_at": now,
            "response_status": outcome.status,
            "duration_ms": outcome.duration_ms,
            "error": outcome.error,
            "claim": None,
            "claimed_until": None,
        }
        if outcome.delivered:
            values |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now}
            metrics.WEBHOOK_ATTEMPTS.labels("delivered").inc()
        elif attempts >= self.settings.webhook_max_attempts:
            values["status"] = DeliveryStatus.DEAD
            metrics.WEBHOOK_ATTEMPTS.labels("dead").inc()
            logger.warning(
                "webhook delivery %s dead-lettered after %d tries: %s",
                delivery.id,
                attempts,
                outcome.error,
            )
        else:
            values["next_attempt_at"] = now + self.retry_delay(attempts)
            metrics.WEBHOOK_ATTEMPTS.labels("failed").inc()
        async with self.sessions() as session:
            await session.execute(
                update(WebhookDelivery)
                .where(
                    col(WebhookDelivery.id) == delivery.id, col(WebhookDelivery.claim) == self.token
                )
                .values(**values)
            )
            await session.commit()
