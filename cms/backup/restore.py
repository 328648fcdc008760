"""`cms restore`: check everything that can be checked before writing anything, then write
media, then the database, then compare the restored database with the manifest and migrate it.

Refused before anything is written: a file that is not a backup or was made by a newer format,
an archive whose migration this code does not know (a newer CMS made it), a database of the
other kind, a damaged archive (any file whose SHA-256 differs from the manifest), and a target
database that already holds content, unless `force` says to replace it. An archive from an older
migration is restored as it was, checked, then migrated to this code's head.
"""

import hashlib
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import IO

from alembic.script import ScriptDirectory
from botocore.exceptions import BotoCoreError, ClientError

from cms.backup import postgres, sqlite
from cms.backup.contents import has_content, read_contents
from cms.backup.create import CHUNK, database_kind
from cms.backup.manifest import (
    MANIFEST_NAME,
    ArchivedFile,
    BackupError,
    Manifest,
    parse_manifest,
)
from cms.backup.media import content_digest, media_path, put_verified
from cms.db import create_engine
from cms.migrations import alembic_config, upgrade
from cms.settings import Settings
from cms.storage import storage_for

KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _member(tar: tarfile.TarFile, path: str) -> IO[bytes]:
    try:
        reader = tar.extractfile(path)
    except KeyError:
        reader = None
    if reader is None:
        raise BackupError(f"The archive has no {path}; it is incomplete.")
    return reader


def _read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive, "r:") as tar:
            return parse_manifest(_member(tar, MANIFEST_NAME).read())
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{archive} cannot be read as a backup archive: {error}") from error


def _check_revision(manifest: Manifest) -> bool:
    """True when the archive's schema is older than this code's and must be migrated."""
    scripts = ScriptDirectory.from_config(alembic_config())
    known = {script.revision for script in scripts.walk_revisions()}
    if manifest.alembic_revision not in known:
        raise BackupError(
            f"The archive's database is at migration {manifest.alembic_revision}, which this "
            "version of the CMS does not have: it was made by a newer version. Upgrade the CMS, "
            "then restore."
        )
    return manifest.alembic_revision != scripts.get_current_head()


def _check_kind(manifest: Manifest, settings: Settings) -> None:
    target = database_kind(settings.database_url)
    if manifest.database.kind != target:
        raise BackupError(
            f"The archive holds a {KIND_NAMES[manifest.database.kind]} database and "
            f"CMS_DATABASE_URL points at {KIND_NAMES[target]}; a backup restores into the kind "
            "of database it was taken from."
        )


def _verify(tar: tarfile.TarFile, manifest: Manifest, work: Path) -> Path:
    """Hash every file against the manifest, before anything is written; returns the dump."""
    listed = {file.path: file for file in manifest.files()}
    present = {member.name for member in tar.getmembers()} - {MANIFEST_NAME}
    if missing := sorted(set(listed) - present):
        raise BackupError(f"The archive lacks {len(missing)} file(s) it lists, e.g. {missing[0]}.")
    if extra := sorted(present - set(listed)):
        raise BackupError(f"The archive holds files its manifest does not list, e.g. {extra[0]}.")
    dump = work / "database"
    for file in listed.values():
        _check_file(tar, file, dump if file is manifest.database.file else None)
    for media in manifest.media:
        if media.path != media_path(media.key) or not _safe(media.key):
            raise BackupError(f"The archive names a media file {media.key!r} it cannot hold.")
        if media.original and media.sha256 != content_digest(media.key):
            raise BackupError(f"{media.key} does not hold the content its name records.")
    return dump


def _safe(key: str) -> bool:
    """A storage key stays inside the media store: relative, and never `..`."""
    return not key.startswith("/") and "\\" not in key and ".." not in PurePosixPath(key).parts


def _check_file(tar: tarfile.TarFile, file: ArchivedFile, copy_to: Path | None) -> None:
    digest = hashlib.sha256()
    with _member(tar, file.path) as reader:
        writer = copy_to.open("wb") if copy_to else None
        try:
            while chunk := reader.read(CHUNK):
                digest.update(chunk)
                if writer:
                    writer.write(chunk)
        finally:
            if writer:
                writer.close()
    if digest.hexdigest() != file.sha256:
        raise BackupError(
            f"{file.path} in the archive is damaged (its SHA-256 differs from the manifest); "
            "nothing was restored."
        )


async def _check_target(settings: Settings, manifest: Manifest, force: bool) -> None:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            occupied = await has_content(connection)
    finally:
        await engine.dispose()
    if occupied and not force:
        raise BackupError(
            "The target database already holds content; restore into an empty database, or pass "
            "--force to replace everything in it."
        )
    if manifest.database.kind == "postgresql":
        await postgres.check_restore_tools(manifest.database.tool)


async def _check_restored(settings: Settings, manifest: Manifest, migrate: bool) -> None:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection, connection.begin():
            contents = await read_contents(connection)
        differ = sorted(
            name
            for name in manifest.tables.keys() | contents.tables.keys()
            if manifest.tables.get(name) != contents.tables.get(name)
        )
        if differ:
            raise BackupError(
                "The restored database differs from the archive in: " + ", ".join(differ)
            )
        if migrate:
            await upgrade(engine)
    finally:
        await engine.dispose()


async def restore_backup(settings: Settings, archive: Path, *, force: bool = False) -> Manifest:
    """Restore `archive` into the database and media store `settings` name, checked throughout.

    The servers of the target instance should be stopped: the database is replaced under them.
    """
    manifest = _read_manifest(archive)
    _check_kind(manifest, settings)
    migrate = _check_revision(manifest)
    with tempfile.TemporaryDirectory(prefix="cms-restore-") as folder, tarfile.open(archive) as tar:
        work = Path(folder)
        dump = _verify(tar, manifest, work)
        await _check_target(settings, manifest, force)
        storage = storage_for(settings)
        for media in manifest.media:
            with _member(tar, media.path) as reader:
                data = reader.read()
            try:
                await put_verified(storage, media, data)
            except (OSError, ClientError, BotoCoreError) as error:
                raise BackupError(f"The media store refused {media.key}: {error}") from error
        if manifest.database.kind == "sqlite":
            await sqlite.restore(settings.database_url, dump)
        else:
            await postgres.restore(settings.database_url, dump, work)
        await _check_restored(settings, manifest, migrate)
    return manifest
