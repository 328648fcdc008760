"""Whole runs for the command line: an engine, the media store and a progress display around
an export or an import, and the report's summary at the end."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cms.db import create_engine, create_sessionmaker
from cms.migrations import upgrade
from cms.settings import Settings
from cms.storage import storage_for
from cms.transfer import progress
from cms.transfer.export import ExportOptions, ExportResult, export_content
from cms.transfer.ndjson_import import import_ndjson
from cms.transfer.report import Report
from cms.transfer.wordpress.run import WordPressOptions, import_wordpress
from cms.transfer.writer import ImportOptions, Purge


async def run_export(settings: Settings, out_dir: Path, options: ExportOptions) -> ExportResult:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            with progress.for_output() as shown:
                return await export_content(session, storage_for(settings), out_dir, options, shown)
    finally:
        await engine.dispose()


@contextmanager
def _long_lived_heap_frozen() -> Iterator[None]:
    """An import makes millions of short-lived objects, and each of the collector's older
    passes also walks everything loaded before it began (the modules above all): a tenth of
    an import's time. Frozen, that heap is left out of those passes."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def run_ndjson_import(
    settings: Settings, folder: Path, options: ImportOptions, purge: Purge | None
) -> Report:
    """Imports publish no live events (subscribers are not told of each archived article) and
    webhooks only as `options.webhooks` asks; the caches are purged once at the end."""
    engine = create_engine(settings)
    try:
        await upgrade(engine)
        with progress.for_output() as shown, _long_lived_heap_frozen():
            return await import_ndjson(
                create_sessionmaker(engine),
                settings,
                storage_for(settings),
                folder,
                options,
                shown,
                purge,
            )
    finally:
        await engine.dispose()


async def run_wordpress_import(
    settings: Settings,
    source: Path,
    options: ImportOptions,
    wordpress: WordPressOptions,
    purge: Purge | None,
) -> Report:
    engine = create_engine(settings)
    try:
        await upgrade(engine)
        with progress.for_output() as shown, _long_lived_heap_frozen():
            return await import_wordpress(
                create_sessionmaker(engine), settings, source, options, wordpress, shown, purge
            )
    finally:
        await engine.dispose()
