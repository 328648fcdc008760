"""Keyset pages of rows newest first by when they were made (staff accounts, media): a row
added meanwhile never shifts a later page, as an offset would."""

from datetime import datetime
from typing import TypeVar

from sqlalchemy import and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped
from sqlmodel.sql.expression import SelectOfScalar

from cms.services.articles import FeedKey

T = TypeVar("T")


async def newest_first_page(
    session: AsyncSession,
    query: SelectOfScalar[T],
    created_at: Mapped[datetime],
    row_id: Mapped[int | None],
    first: int,
    after: FeedKey | None,
) -> tuple[list[T], bool]:
    """Up to `first` rows of `query` after the cursor's (created_at, id), and whether more
    follow; the columns are given as `col(Entity.created_at)`, `col(Entity.id)`."""
    if after is not None:
        query = query.where(
            or_(created_at < after.moment, and_(created_at == after.moment, row_id < after.id))
        )
    query = query.order_by(created_at.desc(), row_id.desc()).limit(first + 1)
    rows = list((await session.scalars(query)).all())
    return rows[:first], len(rows) > first
