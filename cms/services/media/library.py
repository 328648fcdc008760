"""The media library of one process: adds files, cuts renditions in the background, deletes.

A file is checked completely (type from its bytes, size, a clean decode for images) before
anything is written; the stored file is removed again if the database row cannot be saved, so a
refused or failed upload leaves nothing behind. Renditions are made by one in-process worker
after the upload has answered; `idle()` waits for it (tests), and `catch_up()` at start-up
finishes images a stopped process left without renditions.
"""

import asyncio
import hashlib
import logging
from contextlib import suppress
from dataclasses import dataclass, replace

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select, update

from cms import cache_tags
from cms.after_commit import invalidate
from cms.errors import CmsError, NotFound
from cms.models import Media, MediaKind, WebhookTopic
from cms.models.columns import utcnow
from cms.services import audit
from cms.services.media.images import MIME_TYPES, clean_image, rendition_prefix, renditions
from cms.services.media.importing import Importer
from cms.services.media.queries import Usages, usages_of
from cms.services.media.sniffing import identify
from cms.services.outbound import Resolver, system_resolver
from cms.services.roles import EDITORS, Forbidden
from cms.services.viewer import Viewer
from cms.services.webhooks import outbox
from cms.settings import Settings
from cms.storage import Storage, content_key

logger = logging.getLogger(__name__)
LIMITS = {"alt": 500, "caption": 1000, "credit": 300}


class InUse(CmsError):
    code = "IN_USE"

    def __init__(self, message: str, usages: Usages) -> None:
        super().__init__(message, field="id")
        self.usages = usages


@dataclass(frozen=True, slots=True)
class MediaDetails:
    """What an editor says about a file: texts and the point a crop must keep."""

    alt: str = ""
    caption: str = ""
    credit: str = ""
    focal_x: float = 0.5
    focal_y: float = 0.5
    filename: str | None = None
    source_url: str | None = None

    def checked(self) -> "MediaDetails":
        for name, limit in LIMITS.items():
            if len(getattr(self, name)) > limit:
                raise CmsError(f"At most {limit} characters.", field=name)
        if not (0 <= self.focal_x <= 1 and 0 <= self.focal_y <= 1):
            raise CmsError(
                "The focal point is a fraction of width and height: x and y from 0 to 1.",
                field="focal_point",
            )
        return self


class MediaLibrary:
    def __init__(
        self,
        settings: Settings,
        storage: Storage,
        sessions: async_sessionmaker[AsyncSession],
        resolver: Resolver = system_resolver,
    ) -> None:
        self.settings = settings
        self.storage = storage
        self.sessions = sessions
        self.importer = Importer(
            max_bytes=settings.media_max_bytes,
            timeout_seconds=settings.media_import_timeout_seconds,
            allowed_networks=settings.media_import_allowed_networks,
            resolver=resolver,
        )
        self._queue: asyncio.Queue[int] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    async def add(self, data: bytes, details: MediaDetails, viewer: Viewer) -> Media:
        """Store a file once, however often it is sent: the same bytes return the same item."""
        details = details.checked()
        limit = self.settings.media_max_bytes
        if len(data) > limit:
            raise CmsError(
                f"The file is {len(data):,} bytes; at most {limit:,} are accepted.", field="file"
            )
        file_type = identify(data)
        if file_type.kind not in self.settings.media_allowed_kinds:
            raise CmsError(f"{file_type.kind.value} files are not accepted here.", field="file")
        checksum = hashlib.sha256(data).hexdigest()
        if (existing := await self._by_checksum(checksum)) is not None:
            return existing
        media = Media(
            kind=file_type.kind,
            mime_type=file_type.mime_type,
            checksum=checksum,
            storage_key="",
            size_bytes=len(data),
            alt=details.alt,
            caption=details.caption,
            credit=details.credit,
            focal_x=details.focal_x,
            focal_y=details.focal_y,
            original_filename=(details.filename or "")[:300] or None,
            source_url=details.source_url,
            uploaded_by_id=viewer.user.id if viewer.user else None,
        )
        stored = data
        if file_type.kind is MediaKind.IMAGE:
            image = await asyncio.to_thread(
                clean_image, data, file_type, self.settings.media_max_image_pixels
            )
            stored = image.data
            media.width, media.height = image.width, image.height
            media.dominant_color, media.placeholder = image.dominant_color, image.placeholder
            media.size_bytes = len(stored)
            if image.animated:
                media.renditions_done_at = utcnow()
        else:
            media.renditions_done_at = utcnow()
        media.storage_key = content_key(stored, file_type.extension)
        return await self._save(media, stored, viewer)

    async def import_url(self, url: str, details: MediaDetails, viewer: Viewer) -> Media:
        """Download a picture from an agency's URL and add it like an upload."""
        details = details.checked()
        download = await self.importer.fetch(url.strip())
        return await self.add(
            download.data,
            replace(details, filename=download.filename, source_url=download.url[:2000]),
            viewer,
        )

    async def _by_checksum(self, checksum: str) -> Media | None:
        async with self.sessions() as session:
            query = select(Media).where(col(Media.checksum) == checksum)
            return (await session.scalars(query)).first()

    async def _save(self, media: Media, stored: bytes, viewer: Viewer) -> Media:
        was_there = await self.storage.exists(media.storage_key)
        await self.storage.put(media.storage_key, stored, media.mime_type)
        try:
            async with self.sessions() as session:
                session.add(media)
                await session.flush()
                audit.record(session, viewer, "media.add", "media", media.id, kind=media.kind)
                outbox.record(session, WebhookTopic.MEDIA_CREATED, id=media.id, kind=media.kind)
                await session.commit()
        except BaseException as error:
            if not was_there:
                await self.storage.delete(media.storage_key)
            if isinstance(error, IntegrityError):
                existing = await self._by_checksum(media.checksum)
                if existing is not None:
                    return existing
            raise
        if media.renditions_done_at is None:
            self.enqueue(media)
        return media

    def enqueue(self, media: Media) -> None:
        assert media.id is not None
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work())
        self._queue.put_nowait(media.id)

    async def idle(self) -> None:
        """Wait until every queued image has its renditions."""
        await self._queue.join()

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with suppress(asyncio.CancelledError):
                await self._worker

    async def catch_up(self) -> None:
        async with self.sessions() as session:
            query = select(Media).where(
                col(Media.kind) == MediaKind.IMAGE, col(Media.renditions_done_at).is_(None)
            )
            for media in await session.scalars(query):
                self.enqueue(media)

    async def _work(self) -> None:
        while True:
            media_id = await self._queue.get()
            try:
                await self._render(media_id)
            except Exception:
                logger.exception("Renditions of media %s failed; retried at next start.", media_id)
            finally:
                self._queue.task_done()

    async def _render(self, media_id: int) -> None:
        async with self.sessions() as session:
            media = await session.get(Media, media_id)
        if media is None or media.renditions_done_at is not None:
            return
        original = await self.storage.get(media.storage_key)
        extension = media.storage_key.rsplit(".", 1)[-1]
        files = await asyncio.to_thread(
            lambda: list(
                renditions(original, media.storage_key, extension, media.focal_x, media.focal_y)
            )
        )
        for file in files:
            if file.data is not None:
                await self.storage.put(file.key, file.data, MIME_TYPES[file.extension])
        async with self.sessions() as session:
            result = await session.execute(
                update(Media)
                .where(
                    col(Media.id) == media_id,
                    col(Media.focal_x) == media.focal_x,
                    col(Media.focal_y) == media.focal_y,
                )
                .values(
                    renditions=[file.as_json(media.size_bytes) for file in files],
                    renditions_done_at=utcnow(),
                )
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                # The renditions (and so a `srcset`) exist now.
                outbox.record(session, WebhookTopic.MEDIA_UPDATED, id=media_id, kind=media.kind)
            invalidate(session, {cache_tags.media(media_id)})
            await session.commit()
            updated: int = result.rowcount  # type: ignore[attr-defined]
            gone = updated == 0 and await session.get(Media, media_id) is None
        if gone:  # deleted meanwhile; a moved focal point instead waits for its own turn
            await self.storage.delete_prefix(rendition_prefix(media.storage_key))

    async def delete(self, media_id: int, viewer: Viewer) -> None:
        """Delete an item and its files, unless an article or a stream still shows it."""
        if viewer.user is None or viewer.user.role not in EDITORS:
            raise Forbidden("Only editors delete media.")
        async with self.sessions() as session:
            media = await session.get(Media, media_id)
            if media is None:
                raise NotFound("No media item with this id.", field="id")
            found = (await usages_of(session, [(media_id, media.storage_key)], viewer))[media_id]
            if found.articles or found.streams:
                raise InUse(f"Still in use by {found.describe()}; replace it there first.", found)
            shared = await session.scalars(
                select(Media.id).where(
                    col(Media.storage_key) == media.storage_key, col(Media.id) != media_id
                )
            )
            keep_files = shared.first() is not None
            audit.record(session, viewer, "media.delete", "media", media_id, key=media.storage_key)
            outbox.record(session, WebhookTopic.MEDIA_DELETED, id=media_id, kind=media.kind)
            await session.delete(media)
            await session.commit()
        if not keep_files:
            await self.storage.delete(media.storage_key)
            await self.storage.delete_prefix(rendition_prefix(media.storage_key))
