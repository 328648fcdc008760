"""How long the webhook delivery log lasts: every event becomes a row per endpoint that wants
it, so a busy newsroom's log would grow without end. An event whose deliveries have all ended
(delivered, or dead and not sent again) is deleted with them `CMS_WEBHOOK_LOG_DAYS` after it
was dispatched; an event with a delivery still to send is kept, however old."""

from datetime import datetime, timedelta

from sqlalchemy import exists
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, delete, select

from cms.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from cms.models.columns import utcnow

BATCH = 1_000
"""Events deleted per transaction, so a first prune of a long log never holds a long lock."""


async def prune_log(
    sessions: async_sessionmaker[AsyncSession], keep_days: int, now: datetime | None = None
) -> int:
    """Delete the ended events dispatched more than `keep_days` ago, with their deliveries;
    how many events went. `keep_days` 0 keeps everything."""
    if keep_days == 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    pending = exists().where(
        col(WebhookDelivery.event_id) == col(WebhookEvent.id),
        col(WebhookDelivery.status) == DeliveryStatus.PENDING,
    )
    ended = (
        select(WebhookEvent.id)
        .where(col(WebhookEvent.dispatched_at) < cutoff, ~pending)
        .order_by(col(WebhookEvent.dispatched_at))
        .limit(BATCH)
    )
    deleted = 0
    while True:
        async with sessions() as session:
            ids = list(await session.scalars(ended))
            if not ids:
                return deleted
            await session.execute(
                delete(WebhookDelivery).where(col(WebhookDelivery.event_id).in_(ids))
            )
            await session.execute(delete(WebhookEvent).where(col(WebhookEvent.id).in_(ids)))
            await session.commit()
        deleted += len(ids)
