"""Registered GraphQL documents: the allow-list frontends are built against."""

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from cms.models.columns import timestamp_field, utcnow


class PersistedQuery(SQLModel, table=True):
    __tablename__ = "persisted_query"

    sha256: str = Field(primary_key=True, max_length=64)
    document: str = Field(sa_type=Text)
    name: str | None = Field(default=None, max_length=200)
    created_at: datetime = timestamp_field(default_factory=utcnow)
