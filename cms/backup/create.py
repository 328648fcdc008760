"""`cms backup`: snapshot the database, then copy the media files the snapshot's rows point to.

Files are content-addressed and never change, so copying them after the snapshot is safe; a file
deleted in between (its row is in the snapshot, the file gone) fails the backup rather than
writing an archive that cannot be restored whole. The archive is written under a `.partial` name
and renamed at the end: a file with the final name is always complete.
"""

import asyncio
import hashlib
import io
import os
import tarfile
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

from botocore.exceptions import BotoCoreError, ClientError

from cms.backup import postgres, sqlite
from cms.backup.contents import StoredFile
from cms.backup.manifest import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    ArchivedFile,
    BackupError,
    DatabaseDump,
    DatabaseKind,
    Manifest,
    MediaFile,
    sha256_hex,
)
from cms.backup.media import content_digest, media_path
from cms.db import is_sqlite
from cms.models.columns import utcnow
from cms.settings import Settings
from cms.storage import Storage, storage_for

CHUNK = 1024 * 1024


def database_kind(url: str) -> DatabaseKind:
    return "sqlite" if is_sqlite(url) else "postgresql"


def _private(path: Path) -> BinaryIO:
    """The archive holds personal data (accounts, subscribers): only its owner may read it."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


def _add_bytes(tar: tarfile.TarFile, path: str, data: bytes) -> ArchivedFile:
    info = tarfile.TarInfo(path)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
    tar.addfile(info, io.BytesIO(data))
    return ArchivedFile(path=path, sha256=sha256_hex(data), size=len(data))


def _add_file(tar: tarfile.TarFile, path: str, source: Path) -> ArchivedFile:
    digest = hashlib.sha256()
    with source.open("rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
    info = tarfile.TarInfo(path)
    info.size, info.mtime, info.mode = source.stat().st_size, int(time.time()), 0o644
    with source.open("rb") as reader:
        tar.addfile(info, reader)
    return ArchivedFile(path=path, sha256=digest.hexdigest(), size=info.size)


async def _add_media(tar: tarfile.TarFile, storage: Storage, file: StoredFile) -> MediaFile:
    try:
        data = await storage.get(file.key)
    except (OSError, ClientError, BotoCoreError) as error:
        raise BackupError(
            f"The media file {file.key} that the database lists could not be read ({error}). "
            "If it was deleted while the backup ran, run the backup again."
        ) from error
    if file.original and sha256_hex(data) != content_digest(file.key):
        raise BackupError(
            f"The media file {file.key} does not match the SHA-256 its name records: it was "
            "damaged in the media store. Replace it from another copy, then back up again."
        )
    archived = _add_bytes(tar, media_path(file.key), data)
    details = {"key": file.key, "content_type": file.content_type, "original": file.original}
    return MediaFile(**archived.model_dump(), **details)


async def create_backup(settings: Settings, archive: Path) -> Manifest:
    """Write `archive`, a snapshot of the database and its media, while the server runs."""
    if await asyncio.to_thread(archive.exists):
        raise BackupError(f"{archive} already exists; choose a new file name.")
    if not await asyncio.to_thread(archive.parent.is_dir):
        raise BackupError(f"There is no folder {archive.parent} to write the archive in.")
    kind = database_kind(settings.database_url)
    partial = archive.with_name(archive.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="cms-backup-") as work:
        dump = Path(work) / ("cms.sqlite3" if kind == "sqlite" else "cms.pgdump")
        taker = sqlite.snapshot if kind == "sqlite" else postgres.snapshot
        snapshot = await taker(settings.database_url, dump)
        if snapshot.contents.revision is None:
            raise BackupError("The database has no migrations applied: there is nothing to save.")
        storage = storage_for(settings)
        try:
            with (
                _private(partial) as output,
                tarfile.open(fileobj=output, mode="w", format=tarfile.PAX_FORMAT) as tar,
            ):
                database = _add_file(tar, f"database/{dump.name}", dump)
                media = [await _add_media(tar, storage, file) for file in snapshot.contents.media]
                manifest = Manifest(
                    format=FORMAT,
                    format_version=FORMAT_VERSION,
                    created_at=utcnow(),
                    alembic_revision=snapshot.contents.revision,
                    database=DatabaseDump(
                        kind=kind,
                        server_version=snapshot.server_version,
                        tool=snapshot.tool,
                        file=database,
                    ),
                    tables=snapshot.contents.tables,
                    media_storage=settings.media_storage,
                    media=media,
                )
                _add_bytes(tar, MANIFEST_NAME, manifest.model_dump_json(indent=2).encode())
            partial.replace(archive)
        finally:
            partial.unlink(missing_ok=True)
    return manifest
