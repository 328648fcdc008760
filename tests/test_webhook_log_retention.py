"""The delivery log does not grow without end: an event whose deliveries have all ended
(delivered, or dead and not sent again) goes, with them, `CMS_WEBHOOK_LOG_DAYS` after it was
dispatched; an event with a delivery still to send stays, however old."""

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from cms.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from cms.models.columns import utcnow
from cms.services.webhooks.retention import prune_log

NOW = utcnow()


async def _logged(
    session: AsyncSession, endpoint: WebhookEndpoint, topic: str, days_ago: int, *statuses: str
) -> None:
    dispatched = NOW - timedelta(days=days_ago)
    event = WebhookEvent(topic=topic, created_at=dispatched, dispatched_at=dispatched)
    session.add(event)
    await session.flush()
    assert event.id is not None
    assert endpoint.id is not None
    for status in statuses:
        session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                event_id=event.id,
                status=DeliveryStatus(status),
                created_at=dispatched,
            )
        )


async def _topics_left(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return list(
            await session.scalars(select(WebhookEvent.topic).order_by(col(WebhookEvent.id)))
        )


async def _log_fixture(session: AsyncSession) -> None:
    endpoint = WebhookEndpoint(
        url="https://hooks.example/cms", events=["article.published"], secret="s"
    )
    session.add(endpoint)
    await session.flush()
    await _logged(session, endpoint, "old delivered", 40, "DELIVERED", "DELIVERED")
    await _logged(session, endpoint, "old dead", 31, "DEAD", "DELIVERED")
    await _logged(session, endpoint, "old, one still pending", 40, "DELIVERED", "PENDING")
    await _logged(session, endpoint, "recent delivered", 29, "DELIVERED")
    await session.commit()


async def test_ended_events_past_the_window_go_with_their_deliveries(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _log_fixture(session)

    deleted = await prune_log(sessions, keep_days=30, now=NOW)

    assert deleted == 2
    assert await _topics_left(sessions) == ["old, one still pending", "recent delivered"]
    async with sessions() as check:
        deliveries = (await check.scalars(select(WebhookDelivery))).all()
    assert sorted(d.status.value for d in deliveries) == ["DELIVERED", "DELIVERED", "PENDING"]
    assert await prune_log(sessions, keep_days=30, now=NOW) == 0


async def test_zero_days_keeps_the_whole_log(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _log_fixture(session)

    assert await prune_log(sessions, keep_days=0, now=NOW) == 0
    assert len(await _topics_left(sessions)) == 4
