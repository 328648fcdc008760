"""Column types shared by the entities: UTC-aware timestamps and enums stored as plain strings."""

import enum
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum, TypeDecorator
from sqlmodel import Field


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes in UTC and returns them aware, also on SQLite (which has no zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; times are stored as aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], datetime | None] | None:
        """On SQLite, the stored ISO text parsed straight into an aware time: one step, where
        SQLAlchemy's SQLite type and `process_result_value` take two (a page of articles reads
        a few dozen times, and public reads go through these processors)."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def parsed(value: str | None) -> datetime | None:
            if value is None:
                return None
            moment = datetime.fromisoformat(value)
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

        return parsed


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_public_id() -> str:
    """13 lowercase hex characters: short enough for a URL, opaque, 52 random bits."""
    return secrets.token_hex(7)[:13]


def timestamp_field(*, nullable: bool = False, index: bool = False, **kwargs: Any) -> Any:
    """A UTC timestamp column; `default_factory=utcnow` for creation times."""
    return Field(sa_type=UTCDateTime, nullable=nullable, index=index, **kwargs)


def enum_field(enum_type: type[enum.StrEnum], **kwargs: Any) -> Any:
    """A string column for an enum: adding a value needs no database-specific migration."""
    length = max(len(member.value) for member in enum_type)
    column_type = Enum(
        enum_type,
        native_enum=False,
        create_constraint=False,
        length=max(length, 16),
        values_callable=lambda members: [member.value for member in members],
    )
    return Field(sa_type=column_type, **kwargs)
