"""Reading media items in batches for the loaders."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from cms.models import Media


async def media_by_ids(*, session: AsyncSession, ids: Sequence[int]) -> dict[int, Media]:
    query = select(Media).where(col(Media.id).in_(ids))
    return {item.id: item for item in await session.scalars(query) if item.id is not None}
