"""Readers who asked for the daily digest, with double opt-in state."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from cms.models.columns import enum_field, timestamp_field, utcnow
from cms.models.enums import SubscriberStatus


class NewsletterSubscriber(SQLModel, table=True):
    __tablename__ = "newsletter_subscriber"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    locale: str = Field(max_length=8)
    status: SubscriberStatus = enum_field(SubscriberStatus, default=SubscriberStatus.PENDING)
    created_at: datetime = timestamp_field(default_factory=utcnow)
    confirmed_at: datetime | None = timestamp_field(nullable=True, default=None)
    unsubscribed_at: datetime | None = timestamp_field(nullable=True, default=None)
    last_digest_on: date | None = None
