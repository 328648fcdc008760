"""Webhooks for admins: the endpoints that hear of content changes, and each endpoint's
delivery log as a newest-first connection."""

import base64
import binascii
from collections.abc import Awaitable
from datetime import datetime
from enum import Enum
from typing import Annotated, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry import relay

from cms.errors import CmsError
from cms.models import DeliveryStatus as DeliveryStatusEntity
from cms.models import WebhookEndpoint as WebhookEndpointEntity
from cms.models import WebhookTopic
from cms.services.editorial import EditorialContext
from cms.services.roles import Forbidden
from cms.services.webhooks import endpoints as webhook_service
from cms.services.webhooks.endpoints import LoggedDelivery
from schema.context import Info
from schema.pagination import check_first, invalid_cursor, keyset_page_info
from schema.permissions import ADMINS, forbidden

T = TypeVar("T")


def _value(topic: WebhookTopic, description: str) -> object:
    return strawberry.enum_value(topic.name, description=f"`{topic.value}`: {description}")


@strawberry.enum(description="A change a webhook endpoint can be told of.")
class WebhookEventType(Enum):
    ARTICLE_PUBLISHED = _value(
        WebhookTopic.ARTICLE_PUBLISHED, "an article went on the site (by hand or on schedule)."
    )
    ARTICLE_UPDATED = _value(
        WebhookTopic.ARTICLE_UPDATED, "a published article was edited, restored or re-flagged."
    )
    ARTICLE_UNPUBLISHED = _value(
        WebhookTopic.ARTICLE_UNPUBLISHED, "a published article was taken off the site."
    )
    ARTICLE_DELETED = _value(WebhookTopic.ARTICLE_DELETED, "a published article was deleted.")
    CATEGORY_CREATED = _value(WebhookTopic.CATEGORY_CREATED, "a category was added.")
    CATEGORY_UPDATED = _value(
        WebhookTopic.CATEGORY_UPDATED, "a category was renamed, moved, reordered or hidden."
    )
    CATEGORY_DELETED = _value(WebhookTopic.CATEGORY_DELETED, "a category was deleted.")
    TAG_CREATED = _value(WebhookTopic.TAG_CREATED, "a tag was added.")
    TAG_UPDATED = _value(WebhookTopic.TAG_UPDATED, "a tag was renamed.")
    TAG_DELETED = _value(WebhookTopic.TAG_DELETED, "a tag was deleted.")
    MEDIA_CREATED = _value(WebhookTopic.MEDIA_CREATED, "a media item was uploaded or imported.")
    MEDIA_UPDATED = _value(WebhookTopic.MEDIA_UPDATED, "a media item's renditions are ready.")
    MEDIA_DELETED = _value(WebhookTopic.MEDIA_DELETED, "a media item was deleted.")
    LIVE_STREAM_CHANGED = _value(
        WebhookTopic.LIVE_STREAM_CHANGED, "a live stream was added, edited, or went on or off air."
    )
    IMPORT_COMPLETED = _value(
        WebhookTopic.IMPORT_COMPLETED,
        "an import run with `--webhooks summary` changed content; rebuild once.",
    )

    @property
    def topic(self) -> WebhookTopic:
        return WebhookTopic[self.name]


@strawberry.enum(description="Where a webhook delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = strawberry.enum_value(
        "PENDING", description="Waiting for its first try or for a retry."
    )
    DELIVERED = strawberry.enum_value("DELIVERED", description="The endpoint answered with 2xx.")
    DEAD = strawberry.enum_value(
        "DEAD",
        description="Every try failed (dead letter); `redeliverWebhook` sends it again.",
    )


@strawberry.type(description="A URL told of content changes by signed JSON POST requests.")
class WebhookEndpoint:
    id: int = strawberry.field(description="The endpoint's number.")
    url: str = strawberry.field(description="Where deliveries are POSTed.")
    description: str = strawberry.field(description="What the endpoint is for, for admins.")
    events: list[WebhookEventType] = strawberry.field(description="The changes it is told of.")
    active: bool = strawberry.field(description="False: new events are not sent to it.")
    created_at: datetime = strawberry.field(description="When it was registered, in UTC.")
    updated_at: datetime = strawberry.field(description="When it was last changed, in UTC.")

    @classmethod
    def from_entity(cls, endpoint: WebhookEndpointEntity) -> "WebhookEndpoint":
        assert endpoint.id is not None
        return cls(
            id=endpoint.id,
            url=endpoint.url,
            description=endpoint.description,
            events=[WebhookEventType[WebhookTopic(value).name] for value in endpoint.events],
            active=endpoint.is_active,
            created_at=endpoint.created_at,
            updated_at=endpoint.updated_at,
        )


@strawberry.type(description="One event sent (or to be sent) to one endpoint, and how it went.")
class WebhookDelivery:
    id: int = strawberry.field(description="The delivery's number; `X-CMS-Delivery` says it.")
    event_id: int = strawberry.field(
        description="The event's number, the body's `id` and `X-CMS-Event-Id`; the same for "
        "every endpoint and every try, so receivers can drop repeats."
    )
    event: WebhookEventType = strawberry.field(description="What changed.")
    status: WebhookDeliveryStatus = strawberry.field(description="Where it stands.")
    attempts: int = strawberry.field(description="How many tries were made.")
    response_status: int | None = strawberry.field(
        description="The HTTP status of the last answer; null when none came (timeout, "
        "refused address, connection error)."
    )
    duration_ms: int | None = strawberry.field(description="How long the last try took, in ms.")
    error: str | None = strawberry.field(description="Why the last try failed; null if it did not.")
    created_at: datetime = strawberry.field(description="When it was queued, in UTC.")
    last_attempt_at: datetime | None = strawberry.field(description="When it was last tried.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When it is tried next; null once delivered or dead."
    )
    delivered_at: datetime | None = strawberry.field(description="When it was delivered.")

    @classmethod
    def from_logged(cls, logged: LoggedDelivery) -> "WebhookDelivery":
        row = logged.delivery
        assert row.id is not None
        pending = row.status is DeliveryStatusEntity.PENDING
        return cls(
            id=row.id,
            event_id=row.event_id,
            event=WebhookEventType[WebhookTopic(logged.topic).name],
            status=WebhookDeliveryStatus[row.status.name],
            attempts=row.attempts,
            response_status=row.response_status,
            duration_ms=row.duration_ms,
            error=row.error,
            created_at=row.created_at,
            last_attempt_at=row.last_attempt_at,
            next_attempt_at=row.next_attempt_at if pending else None,
            delivered_at=row.delivered_at,
        )


@strawberry.type(description="A delivery in the log, with the cursor to continue after it.")
class WebhookDeliveryEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get older deliveries.")
    node: WebhookDelivery = strawberry.field(description="The delivery.")


@strawberry.type(description="A page of an endpoint's deliveries, newest first.")
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge] = strawberry.field(description="This page's deliveries.")
    page_info: relay.PageInfo = strawberry.field(description="Where this page sits in the log.")
    total_count: int = strawberry.field(description="How many deliveries match, across pages.")

    @strawberry.field(description="The deliveries of this page, for clients that skip edges.")
    def nodes(self) -> list[WebhookDelivery]:
        return [edge.node for edge in self.edges]


def encode_delivery_cursor(delivery_id: int) -> str:
    return base64.urlsafe_b64encode(f"delivery:{delivery_id}".encode()).decode()


def decode_delivery_cursor(cursor: str) -> int:
    try:
        kind, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "delivery" or not number.isdigit():
            raise ValueError(cursor)
        return int(number)
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise invalid_cursor(cursor) from error


@strawberry.type
class WebhookQueries:
    @strawberry.field(
        description="Every webhook endpoint, oldest first (admins).", permission_classes=[ADMINS]
    )
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        async with info.context.sessions() as session:
            ec = EditorialContext(session, info.context.settings, info.context.viewer)
            rows = await _admin(webhook_service.endpoints(ec))
        return [WebhookEndpoint.from_entity(row) for row in rows]

    @strawberry.field(
        description="An endpoint's delivery log, newest first (admins).",
        permission_classes=[ADMINS],
    )
    async def webhook_deliveries(
        self,
        info: Info,
        endpoint: Annotated[int, strawberry.argument(description="The endpoint's `id`.")],
        first: Annotated[int, strawberry.argument(description="How many, at most 100.")] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="The `endCursor` of the previous page.")
        ] = None,
        status: Annotated[
            WebhookDeliveryStatus | None,
            strawberry.argument(description="Only deliveries in this state, e.g. `DEAD`."),
        ] = None,
    ) -> WebhookDeliveryConnection:
        check_first(first, info.context.settings.page_size_max)
        before_id = decode_delivery_cursor(after) if after is not None else None
        wanted = DeliveryStatusEntity[status.name] if status is not None else None
        async with info.context.sessions() as session:
            ec = EditorialContext(session, info.context.settings, info.context.viewer)
            rows = await _admin(
                webhook_service.deliveries(
                    ec, endpoint, first=first, before_id=before_id, status=wanted
                )
            )
            total = await webhook_service.delivery_count(session, endpoint, wanted)
        edges = [
            WebhookDeliveryEdge(
                cursor=encode_delivery_cursor(row.delivery.id or 0),
                node=WebhookDelivery.from_logged(row),
            )
            for row in rows[:first]
        ]
        page_info = keyset_page_info(
            [edge.cursor for edge in edges],
            has_next=len(rows) > first,
            after_given=before_id is not None,
        )
        return WebhookDeliveryConnection(edges=edges, page_info=page_info, total_count=total)


async def _admin(work: Awaitable[T]) -> T:
    """A service's refusal, raised as the GraphQL error a query gives (a query has no
    `errors` list): FORBIDDEN, or NOT_FOUND with the service's words."""
    try:
        return await work
    except Forbidden as error:
        raise forbidden(error.message) from error
    except CmsError as error:
        raise GraphQLError(error.message, extensions={"code": error.code}) from error
