"""Live streams and what is on: the primary channel drives the site's "TV Live" link."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from cms.models import LiveStream, ProgrammeSlot


async def live_streams(*, session: AsyncSession) -> list[LiveStream]:
    """Every channel, the primary first, then in editorial order."""
    query = select(LiveStream).order_by(
        col(LiveStream.is_primary).desc(),
        col(LiveStream.position),
        col(LiveStream.id),
    )
    return list((await session.scalars(query)).all())


async def primary_stream(*, session: AsyncSession) -> LiveStream | None:
    query = select(LiveStream).where(col(LiveStream.is_primary)).order_by(col(LiveStream.id))
    return (await session.scalars(query)).first()


async def streams_by_ids(*, session: AsyncSession, ids: Sequence[int]) -> dict[int, LiveStream]:
    query = select(LiveStream).where(col(LiveStream.id).in_(ids))
    return {stream.id: stream for stream in await session.scalars(query) if stream.id is not None}


async def upcoming_slots(
    *, session: AsyncSession, stream_ids: Sequence[int], at: datetime, per_stream: int = 2
) -> dict[int, list[ProgrammeSlot]]:
    """For each stream, the slots that have not ended at `at`, soonest first: now, then next."""
    rank = (
        func.row_number()
        .over(partition_by=col(ProgrammeSlot.stream_id), order_by=col(ProgrammeSlot.starts_at))
        .label("rank")
    )
    ranked = (
        select(ProgrammeSlot, rank)
        .where(col(ProgrammeSlot.stream_id).in_(stream_ids), col(ProgrammeSlot.ends_at) > at)
        .subquery()
    )
    query = select(ProgrammeSlot).from_statement(
        ranked.select()
        .where(ranked.c.rank <= per_stream)
        .order_by(ranked.c.stream_id, ranked.c.rank)
    )
    grouped: dict[int, list[ProgrammeSlot]] = defaultdict(list)
    for slot in await session.scalars(query):
        grouped[slot.stream_id].append(slot)
    return grouped
