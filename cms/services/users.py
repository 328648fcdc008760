"""Reading staff accounts for their public bylines."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from cms.models import User


async def active_users_by_ids(*, session: AsyncSession, ids: Sequence[int]) -> dict[int, User]:
    query = select(User).where(col(User.id).in_(ids), col(User.is_active))
    return {user.id: user for user in await session.scalars(query) if user.id is not None}
