"""Webhook mutations for admins: register, change and remove endpoints, send a delivery again."""

from typing import Annotated, Any

import strawberry
from strawberry import UNSET

from cms.errors import CmsError
from cms.services.webhooks import endpoints as webhook_service
from schema.context import Info
from schema.mutations.transaction import run_editorial
from schema.permissions import ADMINS
from schema.user_errors import UserError
from schema.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEventType

INPUT = strawberry.argument(description="What to do; see the input type's fields.")


@strawberry.input(description="A new webhook endpoint.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="An http(s) URL on the public internet; deliveries are POSTed to it."
    )
    events: list[WebhookEventType] = strawberry.field(description="The changes to send it.")
    secret: str | None = strawberry.field(
        default=None,
        description="The key that signs each body (16 to 200 characters); generated when "
        "left out, and shown once in the answer.",
    )
    description: str | None = strawberry.field(
        default=None, description="What the endpoint is for, for admins (200 characters)."
    )
    active: bool = strawberry.field(default=True, description="Send it events from now on.")


@strawberry.input(description="Changes to a webhook endpoint; fields left out stay as they are.")
class UpdateWebhookEndpointInput:
    id: int = strawberry.field(description="The endpoint's `id`.")
    url: str | None = strawberry.field(default=UNSET, description="A new URL.")
    events: list[WebhookEventType] | None = strawberry.field(
        default=UNSET, description="The changes to send it, replacing the current list."
    )
    secret: str | None = strawberry.field(
        default=UNSET, description="A new signing key, used from the next try on."
    )
    description: str | None = strawberry.field(default=UNSET, description="A new description.")
    active: bool | None = strawberry.field(
        default=UNSET, description="false pauses it: new events are not sent to it."
    )


@strawberry.input(description="Which webhook endpoint.")
class WebhookEndpointRefInput:
    id: int = strawberry.field(description="The endpoint's `id`.")


@strawberry.input(description="Which delivery to send again.")
class RedeliverWebhookInput:
    id: int = strawberry.field(description="The delivery's `id`, from `webhookDeliveries`.")


@strawberry.type(description="The result of registering or changing a webhook endpoint.")
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None = strawberry.field(description="The endpoint as saved.")
    secret: str | None = strawberry.field(
        description="The signing key, when this mutation set it; it is not shown again."
    )
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type(description="The result of removing a webhook endpoint.")
class DeleteWebhookEndpointPayload:
    deleted: bool = strawberry.field(description="True when it was removed.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type(description="The result of a redelivery.")
class RedeliverWebhookPayload:
    delivery: WebhookDelivery | None = strawberry.field(
        description="The new delivery, queued to be sent at once; the old one stays in the log."
    )
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


def _values(data: object) -> dict[str, Any]:
    values = {k: v for k, v in vars(data).items() if v is not UNSET and k != "id"}
    if values.get("events") is not None:
        values["events"] = [event.topic for event in values["events"]]
    return values


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Register a URL to be told of content changes (admins).",
        permission_classes=[ADMINS],
    )
    async def create_webhook_endpoint(
        self, info: Info, input: Annotated[CreateWebhookEndpointInput, INPUT]
    ) -> WebhookEndpointPayload:
        result = await run_editorial(
            info, lambda ec: webhook_service.create_endpoint(ec, _values(input))
        )
        if isinstance(result, CmsError):
            return WebhookEndpointPayload(endpoint=None, secret=None, errors=[UserError.of(result)])
        return WebhookEndpointPayload(
            endpoint=WebhookEndpoint.from_entity(result), secret=result.secret, errors=[]
        )

    @strawberry.mutation(
        description="Change a webhook endpoint's URL, events, secret or state (admins).",
        permission_classes=[ADMINS],
    )
    async def update_webhook_endpoint(
        self, info: Info, input: Annotated[UpdateWebhookEndpointInput, INPUT]
    ) -> WebhookEndpointPayload:
        values = _values(input)
        result = await run_editorial(
            info, lambda ec: webhook_service.update_endpoint(ec, input.id, values)
        )
        if isinstance(result, CmsError):
            return WebhookEndpointPayload(endpoint=None, secret=None, errors=[UserError.of(result)])
        secret = result.secret if values.get("secret") is not None else None
        return WebhookEndpointPayload(
            endpoint=WebhookEndpoint.from_entity(result), secret=secret, errors=[]
        )

    @strawberry.mutation(
        description="Remove a webhook endpoint and its delivery log (admins).",
        permission_classes=[ADMINS],
    )
    async def delete_webhook_endpoint(
        self, info: Info, input: Annotated[WebhookEndpointRefInput, INPUT]
    ) -> DeleteWebhookEndpointPayload:
        result = await run_editorial(info, lambda ec: webhook_service.delete_endpoint(ec, input.id))
        if isinstance(result, CmsError):
            return DeleteWebhookEndpointPayload(deleted=False, errors=[UserError.of(result)])
        return DeleteWebhookEndpointPayload(deleted=True, errors=[])

    @strawberry.mutation(
        description="Send a delivery's event to its endpoint again, e.g. a dead one once the "
        "endpoint is fixed (admins).",
        permission_classes=[ADMINS],
    )
    async def redeliver_webhook(
        self, info: Info, input: Annotated[RedeliverWebhookInput, INPUT]
    ) -> RedeliverWebhookPayload:
        result = await run_editorial(info, lambda ec: webhook_service.redeliver(ec, input.id))
        if isinstance(result, CmsError):
            return RedeliverWebhookPayload(delivery=None, errors=[UserError.of(result)])
        return RedeliverWebhookPayload(delivery=WebhookDelivery.from_logged(result), errors=[])
