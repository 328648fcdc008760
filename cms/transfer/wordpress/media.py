"""Pictures of a WordPress site: from the `uploads` folder next to the export when it is there,
else downloaded through the media library's SSRF-safe importer; each stored once.

The library checks every file as it does an upload (type from the bytes, size, a clean decode),
but its rows are written in the import's own transaction, so a post that fails, or a strict run
that is refused, leaves no media rows behind (a stored file, named by its content, may stay and
is reused). Renditions are cut by the server at its next start (`catch_up`), not during the run.
A dry run downloads nothing: it finds only pictures an earlier run already brought in.
"""

from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlmodel import col, select

from cms.errors import CmsError
from cms.models import Media
from cms.services import audit
from cms.services.media.library import MediaDetails, MediaLibrary
from cms.services.viewer import ANONYMOUS, Viewer
from cms.transfer.writer import Writer

UPLOADS = "/wp-content/uploads/"


class _InImport(MediaLibrary):
    """The library, writing its rows in the import's session instead of its own."""

    writer: Writer

    async def _by_checksum(self, checksum: str) -> Media | None:
        query = select(Media).where(col(Media.checksum) == checksum)
        return (await self.writer.session.scalars(query)).first()

    async def _save(self, media: Media, stored: bytes, viewer: Viewer) -> Media:
        await self.storage.put(media.storage_key, stored, media.mime_type)
        self.writer.session.add(media)
        await self.writer.session.flush()
        audit.record(self.writer.session, viewer, "media.import", "media", media.id)
        return media


class Pictures:
    def __init__(self, writer: Writer, uploads: Path | None, download: bool) -> None:
        library = _InImport(writer.settings, writer.storage, None)  # type: ignore[arg-type]
        library.writer = writer
        self.library = library
        self.writer = writer
        self.uploads = uploads
        self.download = download
        self.known: dict[str, tuple[str, str]] = {}
        """Source URL to the checksum and storage key of our copy, for this run."""

    def _local(self, url: str) -> Path | None:
        if self.uploads is None or UPLOADS not in url:
            return None
        relative = unquote(urlsplit(url).path.split(UPLOADS, 1)[1])
        path = (self.uploads / relative).resolve()
        inside = path.is_relative_to(self.uploads.resolve())
        return path if inside and path.is_file() else None

    async def stored(self, url: str, alt: str = "") -> tuple[str, str]:
        """The checksum and storage key of our copy of the picture at `url`; raises CmsError
        if there is none."""
        if url in self.known:
            return self.known[url]
        query = select(Media).where(col(Media.source_url) == url[:2000])
        media = (await self.writer.session.scalars(query)).first()
        if media is None:
            media = await self._fetch(url, alt)
        self.writer.keys.media.add(media.id, media.checksum)
        self.known[url] = (media.checksum, media.storage_key)
        return self.known[url]

    async def _fetch(self, url: str, alt: str) -> Media:
        details = MediaDetails(alt=alt[:500], source_url=url[:2000])
        local = self._local(url)
        if self.writer.options.dry_run:
            raise CmsError("not imported in a dry run")
        if local is not None:
            details = replace(details, filename=local.name)
            media = await self.library.add(local.read_bytes(), details, ANONYMOUS)
        elif self.download:
            download = await self.library.importer.fetch(url.strip())
            media = await self.library.add(
                download.data, replace(details, filename=download.filename), ANONYMOUS
            )
        else:
            raise CmsError("not found next to the export, and downloads are off")
        return media
