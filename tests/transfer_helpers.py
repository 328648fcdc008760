"""Running exports and imports in tests, with the real storage and no progress output."""

import shutil
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cms.settings import Settings
from cms.storage import storage_for
from cms.transfer.export import ExportOptions, export_content
from cms.transfer.ndjson_import import import_ndjson
from cms.transfer.report import Report
from cms.transfer.writer import ImportOptions, Purge


async def export_to(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    folder: Path,
    options: ExportOptions | None = None,
) -> Path:
    async with sessions() as session:
        await export_content(session, storage_for(settings), folder, options or ExportOptions())
    return folder


async def import_from(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    folder: Path,
    options: ImportOptions | None = None,
    purge: Purge | None = None,
) -> Report:
    return await import_ndjson(
        sessions, settings, storage_for(settings), folder, options or ImportOptions(), purge=purge
    )


def data_files(folder: Path) -> dict[str, bytes]:
    """Every file of an export but the manifest (whose own time differs), by relative path."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "manifest.json"
    }


def empty_media(settings: Settings) -> None:
    """Remove every stored file, so what an import shows must have come from its folder."""
    for child in settings.media_root.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
