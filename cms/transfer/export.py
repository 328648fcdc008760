"""`cms export`: the newsroom's content as versioned NDJSON files plus its media files.

Rows are read in keyset batches (by their stable key, which is also the files' order), written
line by line and dropped from the session, so memory stays flat however large the archive; the
order makes two exports of the same data byte for byte alike.
"""

import hashlib
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, func, select

from cms.models import (
    Article,
    AuthorProfile,
    Category,
    HomeSlot,
    LiveStream,
    Media,
    ProgrammeSlot,
    Revision,
    Tag,
    TagAlias,
    User,
)
from cms.models.columns import utcnow
from cms.storage import Storage
from cms.transfer.format import FORMAT_NAME, FORMAT_VERSION, MANIFEST, MEDIA_DIR, dumps, timestamp
from cms.transfer.keys import Keys, article_records, load_keys
from cms.transfer.progress import Reporter, Silent
from cms.transfer.records import (
    author_record,
    category_record,
    home_slot_record,
    media_record,
    revision_record,
    stream_record,
    tag_record,
    user_record,
)

BATCH = 500


@dataclass(slots=True)
class ExportOptions:
    with_secrets: bool = False
    """Include password hashes, so that staff can sign in on the new server as before."""
    with_revisions: bool = False


@dataclass(slots=True)
class WrittenFile:
    records: int = 0
    sha256: str = ""
    size_bytes: int = 0


@dataclass(slots=True)
class ExportResult:
    files: dict[str, WrittenFile] = field(default_factory=dict)
    media_files: int = 0


class _Writer:
    """An NDJSON file that counts and hashes what it writes."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.written = WrittenFile()

    def write(self, record: dict[str, Any]) -> None:
        line = dumps(record)
        self.handle.write(line)
        self.digest.update(line)
        self.written.records += 1
        self.written.size_bytes += len(line)


async def export_content(
    session: AsyncSession,
    storage: Storage,
    out_dir: Path,
    options: ExportOptions,
    progress: Reporter | None = None,
) -> ExportResult:
    """Write every file and the manifest into `out_dir` (created; must be empty if it exists)."""
    progress = progress or Silent()
    _prepare(out_dir)
    keys = await load_keys(session)
    result = ExportResult()
    stages = [
        ("users.ndjson", _users(session, options.with_secrets)),
        ("categories.ndjson", _categories(session)),
        ("tags.ndjson", _tags(session)),
        ("media.ndjson", _by_key(session, Media, col(Media.checksum), media_record)),
        ("authors.ndjson", _authors(session, keys)),
        ("articles.ndjson", _articles(session, keys)),
        ("live_streams.ndjson", _streams(session, keys)),
        ("home_slots.ndjson", _home_slots(session, keys)),
    ]
    if options.with_revisions:
        stages.insert(6, ("revisions.ndjson", _revisions(session, keys)))
    for name, records in stages:
        progress.stage(f"Exporting {name}", None)
        with (out_dir / name).open("wb") as handle:
            writer = _Writer(handle)
            async for record in records:
                writer.write(record)
                progress.advance()
        writer.written.sha256 = writer.digest.hexdigest()
        result.files[name] = writer.written
    result.media_files = await _copy_media(session, storage, out_dir / MEDIA_DIR, progress)
    _write_manifest(out_dir, result, options)
    return result


def _prepare(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty; export into a new folder.")


async def _users(session: AsyncSession, with_secrets: bool) -> AsyncIterator[dict[str, Any]]:
    async for user in _keyset(session, User, col(User.email)):
        yield user_record(user, with_secrets=with_secrets)


async def _by_key(
    session: AsyncSession, entity: Any, key: Any, to_record: Any
) -> AsyncIterator[dict[str, Any]]:
    async for row in _keyset(session, entity, key):
        yield to_record(row)


async def _tags(session: AsyncSession) -> AsyncIterator[dict[str, Any]]:
    aliases: dict[int, list[str]] = {}
    for slug, tag_id in await session.execute(select(TagAlias.slug, TagAlias.tag_id)):
        aliases.setdefault(tag_id, []).append(slug)
    async for tag in _keyset(session, Tag, col(Tag.slug)):
        yield tag_record(tag, aliases.get(tag.id or 0, []))


async def _authors(session: AsyncSession, keys: Keys) -> AsyncIterator[dict[str, Any]]:
    async for author in _keyset(session, AuthorProfile, col(AuthorProfile.slug)):
        photo = keys.media.by_id.get(author.photo_id or 0)
        yield author_record(author, photo, keys.users.by_id.get(author.user_id or 0))


async def _home_slots(session: AsyncSession, keys: Keys) -> AsyncIterator[dict[str, Any]]:
    """Keyed by language, zone, category slug and position: the slot key holds a database id."""
    query = select(HomeSlot, Article.public_id).join(
        Article, col(Article.id) == col(HomeSlot.article_id)
    )
    records = [
        home_slot_record(slot, keys.categories.by_id.get(slot.category_id or 0), public_id)
        for slot, public_id in await session.execute(query)
    ]
    order = lambda r: (r["locale"], r["zone"], r["category"] or "", r["position"])  # noqa: E731
    for record in sorted(records, key=order):
        yield record


async def _keyset(session: AsyncSession, entity: Any, key: Any) -> AsyncIterator[Any]:
    """Every row of `entity` in `key` order, a batch at a time, none kept after it is used."""
    last: str | None = None
    while True:
        query = select(entity).order_by(key).limit(BATCH)
        if last is not None:
            query = query.where(key > last)
        rows = list((await session.scalars(query)).all())
        for row in rows:
            yield row
        session.expunge_all()
        if len(rows) < BATCH:
            return
        last = getattr(rows[-1], key.key)


async def _categories(session: AsyncSession) -> AsyncIterator[dict[str, Any]]:
    """Parents before their children, siblings by slug: an import can link each to its parent."""
    categories = list((await session.scalars(select(Category))).all())
    slugs = {category.id: category.slug for category in categories}
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        parent = category.parent_id if category.parent_id in slugs else None
        children.setdefault(parent, []).append(category)
    level: Sequence[Category] = sorted(children.get(None, []), key=lambda c: c.slug)
    while level:
        for category in level:
            yield category_record(category, slugs.get(category.parent_id))
        level = sorted(
            (child for category in level for child in children.get(category.id, [])),
            key=lambda c: c.slug,
        )


async def _articles(session: AsyncSession, keys: Keys) -> AsyncIterator[dict[str, Any]]:
    batch: list[Article] = []
    async for article in _keyset(session, Article, col(Article.public_id)):
        batch.append(article)
        if len(batch) == BATCH:
            for record in await article_records(session, batch, keys):
                yield record
            batch = []
    for record in await article_records(session, batch, keys) if batch else []:
        yield record


async def _revisions(session: AsyncSession, keys: Keys) -> AsyncIterator[dict[str, Any]]:
    query = (
        select(Revision, Article.public_id)
        .join(Article, col(Article.id) == col(Revision.article_id))
        .order_by(col(Article.public_id), col(Revision.version), col(Revision.created_at))
        .execution_options(yield_per=BATCH)
    )
    async for revision, public_id in await session.stream(query):
        author = keys.users.by_id.get(revision.author_id or 0)
        yield revision_record(revision, public_id, author)
        session.expunge(revision)


async def _streams(session: AsyncSession, keys: Keys) -> AsyncIterator[dict[str, Any]]:
    streams = (await session.scalars(select(LiveStream).order_by(col(LiveStream.slug)))).all()
    for stream in streams:
        slots = (
            await session.scalars(
                select(ProgrammeSlot).where(col(ProgrammeSlot.stream_id) == stream.id)
            )
        ).all()
        yield stream_record(stream, keys.media.by_id.get(stream.poster_id or 0), slots)


async def _copy_media(
    session: AsyncSession, storage: Storage, folder: Path, progress: Reporter
) -> int:
    total = int((await session.scalar(select(func.count()).select_from(Media))) or 0)
    progress.stage("Copying media files", total)
    copied: set[str] = set()
    async for media in _keyset(session, Media, col(Media.checksum)):
        if media.storage_key not in copied:
            target = folder / media.storage_key
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(await storage.get(media.storage_key))
            copied.add(media.storage_key)
        progress.advance()
    return len(copied)


def _write_manifest(out_dir: Path, result: ExportResult, options: ExportOptions) -> None:
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "created_at": timestamp(utcnow()),
        "with_secrets": options.with_secrets,
        "files": {
            name: {"records": f.records, "sha256": f.sha256, "bytes": f.size_bytes}
            for name, f in result.files.items()
        },
        "media_files": result.media_files,
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
