"""Outgoing webhooks (endpoints, the outbox of events, the delivery log) and the audit log.

A write adds a `WebhookEvent` in its own transaction, so an event exists exactly when its change
committed. The delivery worker turns each event into one `WebhookDelivery` per endpoint that
wants it and sends those; a delivery is both the queue entry (status, next attempt, claim) and
the log an admin reads (attempts, last status code, duration, error).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Text
from sqlmodel import Field, SQLModel

from cms.models.columns import enum_field, timestamp_field, utcnow
from cms.models.enums import DeliveryStatus


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    description: str = Field(default="", max_length=200)
    events: list[str] = Field(default_factory=list, sa_type=JSON)
    secret: str = Field(max_length=200)
    is_active: bool = Field(default=True)
    created_at: datetime = timestamp_field(default_factory=utcnow)
    updated_at: datetime = timestamp_field(default_factory=utcnow)


class WebhookEvent(SQLModel, table=True):
    """The outbox: one row per committed change. `dispatched_at` is set when the worker made
    its deliveries; an event no endpoint wanted is deleted then."""

    __tablename__ = "webhook_event"

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=100)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = timestamp_field(default_factory=utcnow)
    dispatched_at: datetime | None = timestamp_field(nullable=True, default=None, index=True)


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", ondelete="CASCADE", index=True)
    event_id: int = Field(foreign_key="webhook_event.id", ondelete="CASCADE", index=True)
    status: DeliveryStatus = enum_field(DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = timestamp_field(default_factory=utcnow)
    claim: str | None = Field(default=None, max_length=32)
    claimed_until: datetime | None = timestamp_field(nullable=True, default=None)
    response_status: int | None = None
    duration_ms: int | None = None
    error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = timestamp_field(default_factory=utcnow)
    last_attempt_at: datetime | None = timestamp_field(nullable=True, default=None)
    delivered_at: datetime | None = timestamp_field(nullable=True, default=None)


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    action: str = Field(max_length=100)
    entity_type: str = Field(max_length=50)
    entity_id: int | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = timestamp_field(default_factory=utcnow, index=True)
