"""Live streams (the "TV Live" channel and its broadcasts), their programme schedule, and the
updates of live-blog articles.

At most one stream is primary: a partial unique index makes the database refuse a second.
"""

from datetime import datetime

from sqlalchemy import Index, Text, text
from sqlmodel import Field, SQLModel

from cms.models.columns import enum_field, timestamp_field, utcnow
from cms.models.enums import LiveStreamStatus


class LiveStream(SQLModel, table=True):
    __tablename__ = "live_stream"
    __table_args__ = (
        Index(
            "uq_live_stream_one_primary",
            "is_primary",
            unique=True,
            sqlite_where=text("is_primary"),
            postgresql_where=text("is_primary"),
        ),
    )

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
    announced_slot_id: int | None = Field(
        default=None, description="The slot last announced as on air, so each start fires once."
    )
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


class LiveBlogUpdate(SQLModel, table=True):
    """One timestamped entry of a live-blog article, with its own sanitised body."""

    __tablename__ = "live_blog_update"
    __table_args__ = (Index("ix_live_blog_update_feed", "article_id", "created_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    body: str = Field(sa_type=Text)
    created_at: datetime = timestamp_field(default_factory=utcnow)
    author_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    edited_at: datetime | None = timestamp_field(nullable=True, default=None)
    pinned_at: datetime | None = timestamp_field(nullable=True, default=None)
