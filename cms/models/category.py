"""Categories form a tree (the site's menu) and carry a name per locale."""

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from cms.models.columns import timestamp_field, utcnow


class Category(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True)
    names: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    descriptions: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    parent_id: int | None = Field(
        default=None, foreign_key="category.id", ondelete="SET NULL", index=True
    )
    position: int = Field(default=0)
    show_in_menu: bool = Field(default=True)
    created_at: datetime = timestamp_field(default_factory=utcnow)


class Tag(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True)
    names: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = timestamp_field(default_factory=utcnow)


class TagAlias(SQLModel, table=True):
    """The slug of a tag merged into another, so that its old links lead to the one it joined."""

    __tablename__ = "tag_alias"

    slug: str = Field(max_length=100, primary_key=True)
    tag_id: int = Field(foreign_key="tag.id", ondelete="CASCADE", index=True)
    created_at: datetime = timestamp_field(default_factory=utcnow)
