"""Upserts of the small records (users, categories, tags, media, live streams) by stable key.

Each builds the entity the record describes, compares its export record with that of the row
already there, and writes only a difference: a second run of the same import changes nothing.
"""

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlmodel import col, delete, select

from cms import cache_tags
from cms.models import (
    Category,
    LiveStream,
    LiveStreamStatus,
    Media,
    MediaKind,
    ProgrammeSlot,
    Role,
    Tag,
    User,
)
from cms.models.columns import utcnow
from cms.transfer import fields
from cms.transfer.fields import slug_of
from cms.transfer.format import parse_timestamp
from cms.transfer.records import (
    category_record,
    media_record,
    stream_record,
    tag_record,
    user_record,
)
from cms.transfer.tag_aliases import aliases_of, tag_aliases, write_tag_aliases
from cms.transfer.writer import Writer

STORAGE_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/([0-9a-f]{64})\.[a-z0-9]{1,5}$")
COPIED = ("id",)


def _copy(target: Any, source: Any, skip: tuple[str, ...] = COPIED) -> None:
    for name in type(source).model_fields:
        if name not in skip:
            setattr(target, name, getattr(source, name))


def created_at(record: Mapping[str, Any]) -> Any:
    return parse_timestamp(record.get("created_at"), "created_at") or utcnow()


def _keep_created_at(record: Mapping[str, Any], new: Any, existing: Any) -> None:
    """A source without creation times (WordPress terms) keeps those of the first import."""
    if existing is not None and record.get("created_at") is None:
        new.created_at = existing.created_at


async def upsert_user(writer: Writer, record: Mapping[str, Any]) -> str:
    try:
        email = validate_email(str(record.get("email")), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f"email {record.get('email')!r} is not an address: {error}") from None
    secret = record.get("password_hash")
    user = User(
        email=email,
        display_name=fields.text(record, "display_name", limit=200, required=True),
        bio=fields.text(record, "bio", limit=10_000),
        role=fields.choice(record, "role", Role, Role.CONTRIBUTOR),
        is_active=fields.flag(record, "is_active", True),
        created_at=created_at(record),
        password_hash=fields.text(record, "password_hash", limit=200) if secret else "",
    )
    session = writer.session
    existing = (await session.scalars(select(User).where(col(User.email) == email))).first()
    _keep_created_at(record, user, existing)
    if existing is None:
        session.add(user)
        await session.flush()
        writer.keys.users.add(user.id, email)
        return "created"
    if user_record(user, with_secrets=bool(secret)) == user_record(
        existing, with_secrets=bool(secret)
    ):
        return "unchanged"
    # Nothing public shows an account since bylines are author profiles: no cache to purge.
    _copy(existing, user, COPIED + (() if secret else ("password_hash",)) + ("last_login_at",))
    return "updated"


async def upsert_category(writer: Writer, record: Mapping[str, Any]) -> str:
    slug = slug_of(record)
    parent = record.get("parent")
    parent_id = writer.keys.categories.by_key.get(parent) if parent else None
    if parent and parent_id is None:
        raise ValueError(f"the parent category {parent!r} is neither in the file nor here")
    category = Category(
        slug=slug,
        names=fields.names(record, "names"),
        descriptions=fields.names(record, "descriptions"),
        parent_id=parent_id,
        position=fields.number(record, "position"),
        show_in_menu=fields.flag(record, "show_in_menu", True),
        created_at=created_at(record),
    )
    existing = (
        await writer.session.scalars(select(Category).where(col(Category.slug) == slug))
    ).first()
    _keep_created_at(record, category, existing)
    if existing is None:
        writer.stale.add(cache_tags.CATEGORIES)
        writer.session.add(category)
        await writer.session.flush()
        writer.keys.categories.add(category.id, slug)
        return "created"
    if category_record(category, parent) == category_record(
        existing, writer.keys.categories.by_id.get(existing.parent_id or 0)
    ):
        return "unchanged"
    if parent_id == existing.id:
        raise ValueError(f"the category {slug!r} cannot be its own parent")
    writer.stale.add(cache_tags.CATEGORIES)
    _copy(existing, category)
    return "updated"


async def upsert_tag(writer: Writer, record: Mapping[str, Any]) -> str:
    slug = slug_of(record)
    tag = Tag(slug=slug, names=fields.names(record, "names"), created_at=created_at(record))
    existing = (await writer.session.scalars(select(Tag).where(col(Tag.slug) == slug))).first()
    _keep_created_at(record, tag, existing)
    changed = {cache_tags.TAGS}
    before = await tag_aliases(writer, existing.id) if existing is not None else []
    aliases = aliases_of(record)
    aliases = before if aliases is None else aliases
    if existing is None:
        writer.stale |= changed
        writer.session.add(tag)
        await writer.session.flush()
        writer.keys.tags.add(tag.id, slug)
        await write_tag_aliases(writer, tag.id or 0, aliases)
        return "created"
    if tag_record(tag, aliases) == tag_record(existing, before):
        return "unchanged"
    _copy(existing, tag)
    await write_tag_aliases(writer, existing.id or 0, aliases)
    writer.stale |= changed | {cache_tags.tag(existing.id)}
    return "updated"


def _optional_number(record: Mapping[str, Any], name: str) -> Any:
    value = record.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ValueError(f"{name} must be a number")
    return value


async def upsert_media(writer: Writer, record: Mapping[str, Any], folder: Path) -> str:
    """The file is checked against its content-addressed name before anything is stored."""
    key = fields.text(record, "file", limit=500, required=True)
    named = STORAGE_KEY.match(key)
    if named is None:
        raise ValueError(f"file {key!r} is not a stored file's name")
    media = Media(
        checksum=fields.text(record, "checksum", limit=64, required=True),
        storage_key=key,
        kind=fields.choice(record, "kind", MediaKind, MediaKind.IMAGE),
        mime_type=fields.text(record, "mime_type", limit=100, required=True),
        size_bytes=fields.number(record, "size_bytes"),
        width=_optional_number(record, "width"),
        height=_optional_number(record, "height"),
        duration_seconds=_optional_number(record, "duration_seconds"),
        alt=fields.text(record, "alt", limit=500),
        caption=fields.text(record, "caption", limit=1000),
        credit=fields.text(record, "credit", limit=300),
        focal_x=float(_optional_number(record, "focal_x") or 0.5),
        focal_y=float(_optional_number(record, "focal_y") or 0.5),
        dominant_color=fields.optional_text(record, "dominant_color", limit=7),
        placeholder=fields.optional_text(record, "placeholder", limit=200),
        original_filename=fields.optional_text(record, "original_filename", limit=300),
        source_url=fields.optional_text(record, "source_url", limit=2000),
        created_at=created_at(record),
    )
    session = writer.session
    existing = (
        await session.scalars(select(Media).where(col(Media.checksum) == media.checksum))
    ).first()
    if existing is not None and media_record(existing) == media_record(media):
        return "unchanged"
    if not await writer.storage.exists(key):
        path = folder / key
        if not path.is_file():
            raise ValueError(f"the file media/{key} is missing from the export")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != named.group(1):
            raise ValueError(f"the file media/{key} does not match its checksum (damaged)")
        if not writer.options.dry_run:
            await writer.storage.put(key, data, media.mime_type)
    if existing is None:
        session.add(media)
        await session.flush()
        writer.keys.media.add(media.id, media.checksum)
        return "created"
    _copy(existing, media, (*COPIED, "renditions", "renditions_done_at", "uploaded_by_id"))
    if existing.storage_key != key:
        existing.renditions, existing.renditions_done_at = [], None
    writer.stale.add(cache_tags.media(existing.id))
    return "updated"


def _slots(record: Mapping[str, Any]) -> list[ProgrammeSlot]:
    programme = record.get("programme") or []
    if not isinstance(programme, list):
        raise ValueError("programme must be a list of slots")
    slots = []
    for number, slot in enumerate(programme, 1):
        starts = parse_timestamp(slot.get("starts_at"), f"programme slot {number} starts_at")
        ends = parse_timestamp(slot.get("ends_at"), f"programme slot {number} ends_at")
        if starts is None or ends is None or ends <= starts:
            raise ValueError(f"programme slot {number} needs a start before its end")
        slots.append(
            ProgrammeSlot(
                stream_id=0,
                title=fields.text(slot, "title", limit=300, required=True),
                description=fields.text(slot, "description", limit=10_000),
                starts_at=starts,
                ends_at=ends,
            )
        )
    return slots


async def upsert_stream(writer: Writer, record: Mapping[str, Any]) -> str:
    slug = slug_of(record)
    poster = record.get("poster")
    poster_id = writer.keys.media.by_key.get(poster) if poster else None
    if poster and poster_id is None:
        raise ValueError(f"the poster {poster!r} is not among the media")
    stream = LiveStream(
        slug=slug,
        title=fields.text(record, "title", limit=300, required=True),
        description=fields.text(record, "description", limit=10_000),
        status=fields.choice(record, "status", LiveStreamStatus, LiveStreamStatus.OFFLINE),
        playback_url=fields.optional_text(record, "playback_url", limit=2000),
        poster_id=poster_id,
        scheduled_start=parse_timestamp(record.get("scheduled_start"), "scheduled_start"),
        started_at=parse_timestamp(record.get("started_at"), "started_at"),
        ended_at=parse_timestamp(record.get("ended_at"), "ended_at"),
        is_primary=fields.flag(record, "is_primary"),
        position=fields.number(record, "position"),
        created_at=created_at(record),
        updated_at=parse_timestamp(record.get("updated_at"), "updated_at") or utcnow(),
    )
    slots = _slots(record)
    session = writer.session
    existing = (
        await session.scalars(select(LiveStream).where(col(LiveStream.slug) == slug))
    ).first()
    if existing is not None:
        old_slots = (
            await session.scalars(
                select(ProgrammeSlot).where(col(ProgrammeSlot.stream_id) == existing.id)
            )
        ).all()
        old_poster = writer.keys.media.by_id.get(existing.poster_id or 0)
        if stream_record(existing, old_poster, old_slots) == stream_record(stream, poster, slots):
            return "unchanged"
        _copy(existing, stream, (*COPIED, "announced_slot_id"))
        await session.execute(
            delete(ProgrammeSlot).where(col(ProgrammeSlot.stream_id) == existing.id)
        )
        stream = existing
    else:
        session.add(stream)
    await session.flush()
    writer.stale.add(cache_tags.LIVE)
    for slot in slots:
        assert stream.id is not None
        slot.stream_id = stream.id
        session.add(slot)
    await session.flush()
    return "created" if existing is None else "updated"
