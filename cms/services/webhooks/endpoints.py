"""Webhook endpoints and their delivery log, for admins: register, change, remove, read the
log, send again.

An endpoint's URL is checked by the same address guard as media import when it is saved (so an
admin hears at once that `http://10.0.0.5/` is refused) and again before every try (DNS can
change). The secret signs every body; one is generated when the admin gives none, and it is
shown in the answer of the mutation that set it. Redelivery adds a new delivery of the same
event, so the log keeps every try that was made.
"""

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from cms.errors import CmsError, NotFound
from cms.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookTopic,
)
from cms.models.columns import utcnow
from cms.services import audit
from cms.services.editorial import EditorialContext
from cms.services.outbound import AddressRefused, Resolver, checked_address, system_resolver
from cms.services.roles import ADMINS, Forbidden

MIN_SECRET_LENGTH = 16
MAX_URL_LENGTH = 2000


def _check_admin(ec: EditorialContext) -> None:
    if ec.user.role not in ADMINS:
        raise Forbidden("Only admins manage webhooks.")


async def _url(ec: EditorialContext, url: str, resolver: Resolver) -> str:
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise CmsError(f"The URL is longer than {MAX_URL_LENGTH} characters.", field="url")
    try:
        await checked_address(url, ec.settings.webhook_allowed_networks, resolver)
    except AddressRefused as error:
        raise CmsError(error.message, field="url") from error
    return url


def _events(events: Sequence[WebhookTopic]) -> list[str]:
    if not events:
        raise CmsError("Choose at least one event to send.", field="events")
    return sorted({topic.value for topic in events})


def _secret(secret: str | None) -> str:
    if secret is None:
        return f"whsec_{secrets.token_urlsafe(32)}"
    secret = secret.strip()
    if not MIN_SECRET_LENGTH <= len(secret) <= 200:
        raise CmsError(
            f"Use a secret of {MIN_SECRET_LENGTH} to 200 characters, or leave it out to have "
            "one generated.",
            field="secret",
        )
    return secret


def _description(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > 200:
        raise CmsError("Keep the description under 200 characters.", field="description")
    return text


async def create_endpoint(
    ec: EditorialContext, values: Mapping[str, Any], resolver: Resolver = system_resolver
) -> WebhookEndpoint:
    _check_admin(ec)
    endpoint = WebhookEndpoint(
        url=await _url(ec, values["url"], resolver),
        events=_events(values["events"]),
        secret=_secret(values.get("secret")),
        description=_description(values.get("description")),
        is_active=values.get("active", True) is not False,
    )
    ec.session.add(endpoint)
    await ec.session.flush()
    audit.record(ec.session, ec.viewer, "webhook.create", "webhook", endpoint.id, url=endpoint.url)
    await ec.session.commit()
    return endpoint


async def _endpoint(ec: EditorialContext, endpoint_id: int) -> WebhookEndpoint:
    endpoint = await ec.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound(f"No webhook endpoint {endpoint_id}; see `webhookEndpoints`.", field="id")
    return endpoint


async def update_endpoint(
    ec: EditorialContext,
    endpoint_id: int,
    values: Mapping[str, Any],
    resolver: Resolver = system_resolver,
) -> WebhookEndpoint:
    """Change what `values` names; a new secret applies from the next try on."""
    _check_admin(ec)
    endpoint = await _endpoint(ec, endpoint_id)
    if values.get("url") is not None:
        endpoint.url = await _url(ec, values["url"], resolver)
    if values.get("events") is not None:
        endpoint.events = _events(values["events"])
    if values.get("secret") is not None:
        endpoint.secret = _secret(values["secret"])
    if "description" in values:
        endpoint.description = _description(values["description"])
    if values.get("active") is not None:
        endpoint.is_active = values["active"]
    endpoint.updated_at = utcnow()
    ec.session.add(endpoint)
    audit.record(
        ec.session, ec.viewer, "webhook.update", "webhook", endpoint.id, fields=sorted(values)
    )
    await ec.session.commit()
    return endpoint


async def delete_endpoint(ec: EditorialContext, endpoint_id: int) -> None:
    """Remove an endpoint with its delivery log; its pending deliveries are not sent."""
    _check_admin(ec)
    endpoint = await _endpoint(ec, endpoint_id)
    audit.record(ec.session, ec.viewer, "webhook.delete", "webhook", endpoint.id, url=endpoint.url)
    await ec.session.delete(endpoint)
    await ec.session.commit()


async def endpoints(ec: EditorialContext) -> list[WebhookEndpoint]:
    _check_admin(ec)
    query = select(WebhookEndpoint).order_by(col(WebhookEndpoint.id))
    return list((await ec.session.scalars(query)).all())


@dataclass(frozen=True, slots=True)
class LoggedDelivery:
    """A delivery with the topic of its event, as the log shows it."""

    delivery: WebhookDelivery
    topic: str


async def deliveries(
    ec: EditorialContext,
    endpoint_id: int,
    *,
    first: int,
    before_id: int | None,
    status: DeliveryStatus | None,
) -> list[LoggedDelivery]:
    """An endpoint's deliveries, newest first; one more than `first` tells of a next page."""
    _check_admin(ec)
    await _endpoint(ec, endpoint_id)
    query = (
        select(WebhookDelivery, WebhookEvent.topic)
        .join(WebhookEvent, col(WebhookEvent.id) == col(WebhookDelivery.event_id))
        .where(col(WebhookDelivery.endpoint_id) == endpoint_id)
        .order_by(col(WebhookDelivery.id).desc())
        .limit(first + 1)
    )
    if before_id is not None:
        query = query.where(col(WebhookDelivery.id) < before_id)
    if status is not None:
        query = query.where(col(WebhookDelivery.status) == status)
    rows = (await ec.session.execute(query)).all()
    return [LoggedDelivery(delivery, topic) for delivery, topic in rows]


async def delivery_count(
    session: AsyncSession, endpoint_id: int, status: DeliveryStatus | None
) -> int:
    query = select(func.count()).where(col(WebhookDelivery.endpoint_id) == endpoint_id)
    if status is not None:
        query = query.where(col(WebhookDelivery.status) == status)
    return (await session.scalar(query)) or 0


async def redeliver(ec: EditorialContext, delivery_id: int) -> LoggedDelivery:
    """Queue the event of a delivery again for the same endpoint, to be sent at once."""
    _check_admin(ec)
    earlier = await ec.session.get(WebhookDelivery, delivery_id)
    event = await ec.session.get(WebhookEvent, earlier.event_id) if earlier else None
    if earlier is None or event is None:
        raise NotFound(f"No webhook delivery {delivery_id}.", field="id")
    again = WebhookDelivery(endpoint_id=earlier.endpoint_id, event_id=earlier.event_id)
    ec.session.add(again)
    await ec.session.flush()
    audit.record(
        ec.session, ec.viewer, "webhook.redeliver", "webhook", earlier.endpoint_id, of=delivery_id
    )
    await ec.session.commit()
    return LoggedDelivery(again, event.topic)
