"""Live streams (the "TV Live" channel and its broadcasts) and their programme schedule."""

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from cms.models.columns import enum_field, timestamp_field, utcnow
from cms.models.enums import LiveStreamStatus


class LiveStream(SQLModel, table=True):
    __tablename__ = "live_stream"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True)
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_type=Text)
    status: LiveStreamStatus = enum_field(LiveStreamStatus, default=LiveStreamStatus.OFFLINE)
    playback_url: str | None = Field(default=None, max_length=2000)
    poster_id: int | None = Field(default=None, foreign_key="media.id", ondelete="SET NULL")
    scheduled_start: datetime | None = timestamp_field(nullable=True, default=None)
    started_at: datetime | None = timestamp_field(nullable=True, default=None)
    ended_at: datetime | None = timestamp_field(nullable=True, default=None)
    is_primary: bool = Field(default=False)
    position: int = Field(default=0)
    created_at: datetime = timestamp_field(default_factory=utcnow)
    updated_at: datetime = timestamp_field(default_factory=utcnow)


class ProgrammeSlot(SQLModel, table=True):
    """One programme on a channel's schedule, from `starts_at` (inclusive) to `ends_at`."""

    __tablename__ = "programme_slot"
    __table_args__ = (Index("ix_programme_slot_stream_time", "stream_id", "ends_at", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    stream_id: int = Field(foreign_key="live_stream.id", ondelete="CASCADE")
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_type=Text)
    starts_at: datetime = timestamp_field()
    ends_at: datetime = timestamp_field()
