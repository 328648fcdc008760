"""Live streams and what is on: the primary channel drives the site's "TV Live" link.

Editors create and change streams and move them through one transition table; every change is
announced to `liveStreamChanged` subscribers after it commits.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select, update

from cms import cache_tags
from cms.after_commit import emit, invalidate
from cms.errors import CmsError, NotFound
from cms.events import Event, Topic
from cms.models import (
    LiveStream,
    LiveStreamStatus,
    Media,
    MediaKind,
    ProgrammeSlot,
    WebhookTopic,
)
from cms.models.columns import utcnow
from cms.services import audit
from cms.services.article_slugs import SLUG_PATTERN
from cms.services.editorial import EditorialContext
from cms.services.roles import EDITORS, Forbidden
from cms.services.slugs import slugify
from cms.services.webhooks import outbox
from cms.settings import Settings

S = LiveStreamStatus


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


TRANSITIONS: dict[LiveStreamStatus, frozenset[LiveStreamStatus]] = {
    S.OFFLINE: frozenset({S.SCHEDULED, S.LIVE}),
    S.SCHEDULED: frozenset({S.LIVE, S.OFFLINE}),
    S.LIVE: frozenset({S.ENDED, S.OFFLINE}),
    S.ENDED: frozenset({S.SCHEDULED, S.OFFLINE}),
}
"""Where a stream may go from each status: on air only from announced or off air, and an ended
broadcast can be announced again (a weekly show) but not resumed."""


def require_editor(ec: EditorialContext) -> None:
    if ec.user.role not in EDITORS:
        raise Forbidden("Only editors manage live streams, the programme and live blogs.")


def changed(session: AsyncSession, stream_id: int | None) -> None:
    """Once the transaction commits, tell `liveStreamChanged` subscribers and drop cached
    responses that show streams or the programme."""
    assert stream_id is not None
    invalidate(session, {cache_tags.LIVE})
    emit(session, Event(Topic.LIVE_STREAM_CHANGED, stream_id=stream_id))


def _announce(session: AsyncSession, stream: LiveStream) -> None:
    """The `live_stream.changed` webhook, for a stream created, edited or moved on or off air."""
    outbox.record(
        session,
        WebhookTopic.LIVE_STREAM_CHANGED,
        id=stream.id,
        slug=stream.slug,
        status=stream.status.value,
    )


async def stream_for_editing(ec: EditorialContext, slug: str, field: str = "slug") -> LiveStream:
    found = await stream_by_slug(session=ec.session, slug=slug)
    if found is None:
        raise NotFound(f"No live stream with slug {slug!r}; see `liveStreams`.", field=field)
    return found


async def stream_by_slug(*, session: AsyncSession, slug: str) -> LiveStream | None:
    return (await session.scalars(select(LiveStream).where(col(LiveStream.slug) == slug))).first()


def check_playback_url(settings: Settings, url: str | None) -> str | None:
    """An https HLS manifest (`.m3u8`), or any https URL on an allow-listed provider's host."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname or len(url) > 2000:
        raise CmsError("The playback URL must be an https:// address.", field="playback_url")
    if not parts.path.lower().endswith(".m3u8") and parts.hostname not in (
        settings.live_provider_hosts
    ):
        hosts = ", ".join(settings.live_provider_hosts) or "none configured"
        raise CmsError(
            "The playback URL must be an HLS manifest ending in .m3u8, or be served by an "
            f"allowed provider ({hosts}).",
            field="playback_url",
        )
    return url.strip()


async def _poster_id(session: AsyncSession, poster_id: int | None) -> int | None:
    if poster_id is None:
        return None
    media = await session.get(Media, poster_id)
    if media is None or media.kind is not MediaKind.IMAGE:
        raise CmsError(f"No image with id {poster_id}.", field="poster_id")
    return poster_id


def _title(value: str | None) -> str:
    title = (value or "").strip()
    if not title or len(title) > 300:
        raise CmsError("Give a title of 1 to 300 characters.", field="title")
    return title


async def _slug(ec: EditorialContext, requested: str | None, title: str, own_id: int | None) -> str:
    slug = (requested or slugify(title)).strip().lower()
    if not SLUG_PATTERN.match(slug) or len(slug) > 100:
        raise CmsError(
            "A slug uses lowercase Latin letters, digits and single hyphens, like 'tv-live'.",
            field="slug",
        )
    taken = await stream_by_slug(session=ec.session, slug=slug)
    if taken is not None and taken.id != own_id:
        raise CmsError(f"The slug {slug!r} is taken by another stream.", field="slug")
    return slug


async def _make_primary(session: AsyncSession, stream: LiveStream) -> None:
    """Unset the current primary first, so the one-primary index holds at every statement."""
    await session.execute(
        update(LiveStream)
        .where(col(LiveStream.is_primary), col(LiveStream.id) != stream.id)
        .values(is_primary=False)
        .execution_options(synchronize_session=False)
    )
    stream.is_primary = True


async def create_stream(ec: EditorialContext, values: Mapping[str, Any]) -> LiveStream:
    """A new stream; the first one becomes primary, so there always is exactly one."""
    require_editor(ec)
    title = _title(values.get("title"))
    stream = LiveStream(
        slug=await _slug(ec, values.get("slug"), title, None),
        title=title,
        description=(values.get("description") or "").strip(),
        playback_url=check_playback_url(ec.settings, values.get("playback_url")),
        poster_id=await _poster_id(ec.session, values.get("poster_id")),
        scheduled_start=_aware(values.get("scheduled_start")),
        status=LiveStreamStatus.SCHEDULED if values.get("scheduled_start") else S.OFFLINE,
        position=values.get("position") or 0,
    )
    ec.session.add(stream)
    await ec.session.flush()
    if values.get("is_primary") or await primary_stream(session=ec.session) is None:
        await _make_primary(ec.session, stream)
    await ec.session.flush()
    audit.record(ec.session, ec.viewer, "live_stream.create", "live_stream", stream.id)
    changed(ec.session, stream.id)
    _announce(ec.session, stream)
    await ec.session.commit()
    return stream


async def update_stream(ec: EditorialContext, slug: str, values: Mapping[str, Any]) -> LiveStream:
    """Change what `values` names; a stream stops being primary only when another becomes it."""
    require_editor(ec)
    stream = await stream_for_editing(ec, slug)
    if "title" in values:
        stream.title = _title(values["title"])
    if values.get("new_slug"):
        stream.slug = await _slug(ec, values["new_slug"], stream.title, stream.id)
    if "description" in values:
        stream.description = (values["description"] or "").strip()
    if "playback_url" in values:
        stream.playback_url = check_playback_url(ec.settings, values["playback_url"])
        if stream.playback_url is None and stream.status is S.LIVE:
            raise CmsError("A stream on air needs a playback URL.", field="playback_url")
    if "poster_id" in values:
        stream.poster_id = await _poster_id(ec.session, values["poster_id"])
    if "scheduled_start" in values:
        stream.scheduled_start = _aware(values["scheduled_start"])
    if "position" in values and values["position"] is not None:
        stream.position = values["position"]
    if values.get("is_primary") is True:
        await _make_primary(ec.session, stream)
    elif values.get("is_primary") is False and stream.is_primary:
        raise CmsError(
            "There is always one primary stream: make another stream primary instead.",
            field="is_primary",
        )
    stream.updated_at = utcnow()
    ec.session.add(stream)
    audit.record(ec.session, ec.viewer, "live_stream.update", "live_stream", stream.id)
    changed(ec.session, stream.id)
    _announce(ec.session, stream)
    await ec.session.commit()
    return stream


async def set_status(ec: EditorialContext, slug: str, target: LiveStreamStatus) -> LiveStream:
    """Move a stream along `TRANSITIONS`, stamping when it went on and off air."""
    require_editor(ec)
    stream = await stream_for_editing(ec, slug)
    allowed = TRANSITIONS[stream.status]
    if target not in allowed:
        options = ", ".join(sorted(allowed))
        raise CmsError(
            f"The stream is {stream.status.value}; it cannot go to {target.value}, only to "
            f"{options}.",
            field="status",
        )
    if target is S.LIVE:
        if not stream.playback_url:
            raise CmsError("Set a playback URL before going on air.", field="status")
        stream.started_at, stream.ended_at = utcnow(), None
    elif stream.status is S.LIVE:
        stream.ended_at = utcnow()
    stream.status = target
    stream.updated_at = utcnow()
    ec.session.add(stream)
    audit.record(
        ec.session, ec.viewer, "live_stream.status", "live_stream", stream.id, status=target.value
    )
    changed(ec.session, stream.id)
    _announce(ec.session, stream)
    await ec.session.commit()
    return stream


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise CmsError(
            "Give the time with its offset, e.g. 2026-12-01T20:00:00+04:00.",
            field="scheduled_start",
        )
    return moment
