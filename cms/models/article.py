"""The article, its old slugs, its tags and authors, its corrections, and its revisions.

Foreign keys only: relations are resolved by loaders, never by lazy attribute access, so that an
async request cannot trigger a hidden query per row.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from cms.models.columns import enum_field, new_public_id, timestamp_field, utcnow
from cms.models.enums import ArticleStatus


class Article(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("locale", "slug"),
        Index("ix_article_feed", "status", "published_at", "id"),
        Index("ix_article_locale_feed", "locale", "status", "published_at", "id"),
        Index("ix_article_category_feed", "category_id", "status", "published_at", "id"),
        Index("ix_article_featured_feed", "is_featured", "status", "published_at", "id"),
        Index("ix_article_scheduled", "status", "scheduled_at"),
        Index("ix_article_expiring", "status", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(default_factory=new_public_id, max_length=13, unique=True)
    locale: str = Field(max_length=8)
    translation_group: str | None = Field(default=None, max_length=36, index=True)
    slug: str = Field(max_length=200)
    title: str = Field(max_length=300)
    lead: str = Field(default="", sa_type=Text)
    body: str = Field(default="", sa_type=Text)
    body_text: str = Field(default="", sa_type=Text)
    reading_time_minutes: int = Field(default=1)
    status: ArticleStatus = enum_field(ArticleStatus, default=ArticleStatus.DRAFT)
    published_at: datetime | None = timestamp_field(nullable=True, default=None)
    scheduled_at: datetime | None = timestamp_field(nullable=True, default=None)
    expires_at: datetime | None = timestamp_field(nullable=True, default=None)
    created_at: datetime = timestamp_field(default_factory=utcnow)
    updated_at: datetime = timestamp_field(default_factory=utcnow)
    category_id: int | None = Field(default=None, foreign_key="category.id", ondelete="SET NULL")
    source_name: str | None = Field(default=None, max_length=200)
    source_url: str | None = Field(default=None, max_length=2000)
    cover_id: int | None = Field(default=None, foreign_key="media.id", ondelete="SET NULL")
    is_featured: bool = Field(default=False)
    is_breaking: bool = Field(default=False)
    breaking_until: datetime | None = timestamp_field(nullable=True, default=None)
    is_live_blog: bool = Field(default=False)
    seo_title: str | None = Field(default=None, max_length=300)
    seo_description: str | None = Field(default=None, max_length=500)
    views: int = Field(default=0)
    digest_on: date | None = Field(default=None, index=True)
    version: int = Field(default=1)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class ArticleSlugHistory(SQLModel, table=True):
    """A slug an article used to have, so that old links keep resolving."""

    __tablename__ = "article_slug_history"
    __table_args__ = (UniqueConstraint("locale", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    locale: str = Field(max_length=8)
    slug: str = Field(max_length=200)
    retired_at: datetime = timestamp_field(default_factory=utcnow)


class ArticleTag(SQLModel, table=True):
    __tablename__ = "article_tag"

    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", primary_key=True)
    tag_id: int = Field(foreign_key="tag.id", ondelete="CASCADE", primary_key=True, index=True)
    position: int = Field(default=0)


class ArticleAuthor(SQLModel, table=True):
    """A byline: an author profile (`cms.models.author`) on an article, in order."""

    __tablename__ = "article_author"

    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", primary_key=True)
    author_id: int = Field(
        foreign_key="author.id", ondelete="CASCADE", primary_key=True, index=True
    )
    position: int = Field(default=0)


class ArticleCorrection(SQLModel, table=True):
    """A correction to a published article: what was wrong, said to readers, and when."""

    __tablename__ = "article_correction"
    __table_args__ = (Index("ix_article_correction_article", "article_id", "corrected_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    text: str = Field(sa_type=Text)
    corrected_at: datetime = timestamp_field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class Revision(SQLModel, table=True):
    """A saved state of an article: who saved it, when, which fields changed, and the content."""

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    version: int
    author_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = timestamp_field(default_factory=utcnow)
    changed_fields: list[str] = Field(default_factory=list, sa_type=JSON)
    content: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class ArticleViewBucket(SQLModel, table=True):
    """Views of one article on one day (UTC), for "most read" over a window."""

    __tablename__ = "article_view_bucket"
    __table_args__ = (Index("ix_article_view_bucket_day", "day", "views"),)

    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", primary_key=True)
    day: date = Field(primary_key=True)
    views: int = Field(default=0)


class ArticleViewSeen(SQLModel, table=True):
    """When a client (a keyed hash of address and browser, never the raw values) was last counted
    for an article: the database decides "once per half hour", so several workers agree."""

    __tablename__ = "article_view_seen"

    client_hash: str = Field(max_length=32, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", primary_key=True)
    counted_at: datetime = timestamp_field(index=True)
