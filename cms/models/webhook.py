"""Outgoing webhooks, their delivery log, and the audit log of editorial actions."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Text
from sqlmodel import Field, SQLModel

from cms.models.columns import enum_field, timestamp_field, utcnow
from cms.models.enums import DeliveryStatus


class Webhook(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    events: list[str] = Field(default_factory=list, sa_type=JSON)
    secret: str = Field(max_length=200)
    is_active: bool = Field(default=True)
    created_at: datetime = timestamp_field(default_factory=utcnow)


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", ondelete="CASCADE", index=True)
    event: str = Field(max_length=100)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: DeliveryStatus = enum_field(DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts: int = Field(default=0)
    response_status: int | None = None
    error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = timestamp_field(default_factory=utcnow)
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
