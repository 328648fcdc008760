"""The programme schedule: slots on a channel that never overlap, a day's listing in the site's
time zone, and announcing each slot as it starts.

A day is the span between two local midnights, computed in the zone itself, so a day with a
daylight-saving change lasts 23 or 25 hours and still lists exactly its programmes. A slot that
runs over midnight belongs to both days it touches.
"""

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select, update

from cms.errors import CmsError, NotFound
from cms.models import LiveStream, ProgrammeSlot
from cms.models.columns import utcnow
from cms.services import audit
from cms.services import live as live_service
from cms.services.editorial import EditorialContext

MAX_LENGTH = timedelta(hours=24)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The local day as a half-open UTC span, from its midnight to the next one. On the
    calendar's first and last days a midnight outside it stands for the calendar's end."""
    return (
        _utc_midnight(day, 0, zone, datetime.min.replace(tzinfo=UTC)),
        _utc_midnight(day, 1, zone, datetime.max.replace(tzinfo=UTC)),
    )


def _utc_midnight(day: date, later: int, zone: ZoneInfo, beyond: datetime) -> datetime:
    try:
        return datetime.combine(day + timedelta(days=later), time(0), tzinfo=zone).astimezone(UTC)
    except OverflowError:
        return beyond


async def day_schedule(
    *, session: AsyncSession, stream_id: int, day: date, zone: ZoneInfo
) -> list[ProgrammeSlot]:
    start, end = day_bounds(day, zone)
    query = (
        select(ProgrammeSlot)
        .where(
            col(ProgrammeSlot.stream_id) == stream_id,
            col(ProgrammeSlot.starts_at) < end,
            col(ProgrammeSlot.ends_at) > start,
        )
        .order_by(col(ProgrammeSlot.starts_at), col(ProgrammeSlot.id))
    )
    return list((await session.scalars(query)).all())


async def slots_by_ids(*, session: AsyncSession, ids: list[int]) -> dict[int, ProgrammeSlot]:
    query = select(ProgrammeSlot).where(col(ProgrammeSlot.id).in_(ids))
    return {slot.id: slot for slot in await session.scalars(query) if slot.id is not None}


def _describe(slot: ProgrammeSlot, zone: ZoneInfo) -> str:
    starts, ends = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
    return f"{slot.title!r} ({starts:%Y-%m-%d %H:%M} to {ends:%H:%M} {zone.key})"


async def _check_free(ec: EditorialContext, slot: ProgrammeSlot) -> None:
    """Refuse a slot that overlaps another on its channel, naming the one it clashes with."""
    query = select(ProgrammeSlot).where(
        col(ProgrammeSlot.stream_id) == slot.stream_id,
        col(ProgrammeSlot.id) != slot.id,
        col(ProgrammeSlot.starts_at) < slot.ends_at,
        col(ProgrammeSlot.ends_at) > slot.starts_at,
    )
    clash = (await ec.session.scalars(query.order_by(col(ProgrammeSlot.starts_at)))).first()
    if clash is not None:
        raise CmsError(
            f"This overlaps {_describe(clash, ec.settings.zone)}; move or shorten one of them.",
            field="starts_at",
        )


def _apply(slot: ProgrammeSlot, values: Mapping[str, Any]) -> None:
    if "title" in values:
        title = (values["title"] or "").strip()
        if not title or len(title) > 300:
            raise CmsError("Give a title of 1 to 300 characters.", field="title")
        slot.title = title
    if "description" in values:
        slot.description = (values["description"] or "").strip()
    for name in ("starts_at", "ends_at"):
        if values.get(name) is not None:
            if values[name].tzinfo is None:
                raise CmsError("Give the time with its offset.", field=name)
            setattr(slot, name, values[name])
    if slot.ends_at <= slot.starts_at:
        raise CmsError("The end must be after the start.", field="ends_at")
    if slot.ends_at - slot.starts_at > MAX_LENGTH:
        raise CmsError("A programme lasts at most 24 hours; split longer ones.", field="ends_at")


async def _save(ec: EditorialContext, slot: ProgrammeSlot, action: str) -> ProgrammeSlot:
    await _check_free(ec, slot)
    ec.session.add(slot)
    await ec.session.flush()
    audit.record(ec.session, ec.viewer, action, "programme_slot", slot.id, title=slot.title)
    live_service.changed(ec.session, slot.stream_id)
    await ec.session.commit()
    return slot


async def add_slot(ec: EditorialContext, channel: str, values: Mapping[str, Any]) -> ProgrammeSlot:
    live_service.require_editor(ec)
    stream = await live_service.stream_for_editing(ec, channel, field="channel")
    assert stream.id is not None
    if values.get("starts_at") is None or values.get("ends_at") is None:
        raise CmsError("Give both a start and an end.", field="starts_at")
    slot = ProgrammeSlot(
        stream_id=stream.id, title="", starts_at=values["starts_at"], ends_at=values["ends_at"]
    )
    _apply(slot, values)
    return await _save(ec, slot, "programme_slot.create")


async def _slot_for_editing(ec: EditorialContext, slot_id: int) -> ProgrammeSlot:
    live_service.require_editor(ec)
    slot = await ec.session.get(ProgrammeSlot, slot_id)
    if slot is None:
        raise NotFound("No programme slot with this id.", field="id")
    return slot


async def update_slot(
    ec: EditorialContext, slot_id: int, values: Mapping[str, Any]
) -> ProgrammeSlot:
    slot = await _slot_for_editing(ec, slot_id)
    _apply(slot, values)
    return await _save(ec, slot, "programme_slot.update")


async def delete_slot(ec: EditorialContext, slot_id: int) -> None:
    slot = await _slot_for_editing(ec, slot_id)
    audit.record(ec.session, ec.viewer, "programme_slot.delete", "programme_slot", slot.id)
    live_service.changed(ec.session, slot.stream_id)
    await ec.session.delete(slot)
    await ec.session.commit()


async def announce_current_slots(*, session: AsyncSession, now: datetime | None = None) -> int:
    """For each stream whose slot on air differs from the last one announced, claim the change
    with a conditional UPDATE (so one worker of several announces it) and announce it."""
    now = now or utcnow()
    streams = list((await session.scalars(select(LiveStream))).all())
    ids = [stream.id for stream in streams if stream.id is not None]
    upcoming = await live_service.upcoming_slots(
        session=session, stream_ids=ids, at=now, per_stream=1
    )
    announced = 0
    for stream in streams:
        assert stream.id is not None
        first = upcoming.get(stream.id, [])
        current = first[0].id if first and first[0].starts_at <= now else None
        if current == stream.announced_slot_id:
            continue
        claimed = await session.execute(
            update(LiveStream)
            .where(
                col(LiveStream.id) == stream.id,
                col(LiveStream.announced_slot_id).is_(None)
                if stream.announced_slot_id is None
                else col(LiveStream.announced_slot_id) == stream.announced_slot_id,
            )
            .values(announced_slot_id=current)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            live_service.changed(session, stream.id)
            announced += 1
    await session.commit()
    return announced
