"""A stored file (image, video, audio, document) with what a page needs to show it well."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from cms.models.columns import enum_field, timestamp_field, utcnow
from cms.models.enums import MediaKind


class Media(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: MediaKind = enum_field(MediaKind)
    storage_key: str = Field(max_length=500)
    checksum: str = Field(max_length=64, unique=True)
    mime_type: str = Field(max_length=100)
    size_bytes: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    alt: str = Field(default="", max_length=500)
    caption: str = Field(default="", max_length=1000)
    credit: str = Field(default="", max_length=300)
    focal_x: float = Field(default=0.5)
    focal_y: float = Field(default=0.5)
    dominant_color: str | None = Field(default=None, max_length=7)
    placeholder: str | None = Field(default=None, max_length=200)
    renditions: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    renditions_done_at: datetime | None = timestamp_field(nullable=True, default=None)
    original_filename: str | None = Field(default=None, max_length=300)
    source_url: str | None = Field(default=None, max_length=2000)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = timestamp_field(default_factory=utcnow, index=True)
