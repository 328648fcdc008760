"""Author profiles: the people (and agencies) in bylines, apart from staff accounts, so that a
contributor or a wire service can sign an article without ever signing in."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from cms.models.columns import timestamp_field, utcnow


class AuthorProfile(SQLModel, table=True):
    __tablename__ = "author"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True)
    names: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    bios: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    photo_id: int | None = Field(default=None, foreign_key="media.id", ondelete="SET NULL")
    links: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    is_organization: bool = Field(default=False)
    user_id: int | None = Field(
        default=None, foreign_key="user.id", ondelete="SET NULL", unique=True
    )
    created_at: datetime = timestamp_field(default_factory=utcnow)
