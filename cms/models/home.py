"""The curated home page of each language: numbered slots in zones (the lead story, top stories,
and picks per category) that editors fill with published articles, each until an optional
expiry."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from cms.models.columns import enum_field, timestamp_field, utcnow
from cms.models.enums import HomeZone


def slot_key(locale: str, zone: HomeZone, category_id: int | None, position: int) -> str:
    """One key per slot, unique in the table: NULL categories would escape a unique index."""
    return f"{locale}:{zone.value}:{category_id or 0}:{position}"


class HomeSlot(SQLModel, table=True):
    __tablename__ = "home_slot"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    locale: str = Field(max_length=8)
    zone: HomeZone = enum_field(HomeZone)
    category_id: int | None = Field(
        default=None, foreign_key="category.id", ondelete="CASCADE", index=True
    )
    position: int
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    expires_at: datetime | None = timestamp_field(nullable=True, default=None, index=True)
    set_at: datetime = timestamp_field(default_factory=utcnow)
    set_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
