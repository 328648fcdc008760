"""`cms import ndjson DIR`: read an export of ours back, upserting every record by its key.

The manifest is checked first (format and version known, every file's checksum); a file that
does not match is reported and its readable lines are still imported, each line on its own, so a
truncated file costs only its broken tail (or, with `--strict`, nothing is written at all).
"""

import hashlib
import json
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import aclosing
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cms.settings import Settings
from cms.storage import Storage
from cms.transfer.article_build import sanitised_ahead
from cms.transfer.articles import ArticleBatch, upsert_revision
from cms.transfer.bylines import bylines_of_accounts
from cms.transfer.curation import upsert_author, upsert_home_slot
from cms.transfer.format import (
    FILES,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_DIR,
    READABLE_VERSIONS,
)
from cms.transfer.progress import Reporter, Silent
from cms.transfer.read_ahead import read_ahead
from cms.transfer.report import Report
from cms.transfer.upserts import (
    upsert_category,
    upsert_media,
    upsert_stream,
    upsert_tag,
    upsert_user,
)
from cms.transfer.writer import ImportOptions, Purge, Writer


class FormatError(Exception):
    """The folder is not an export this version can read; nothing was imported."""


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        raise FormatError(f"{path} is missing; is {folder} a `cms export` folder?") from None
    except ValueError as error:
        raise FormatError(f"{path} is not valid JSON: {error}") from None
    if manifest.get("format") != FORMAT_NAME:
        raise FormatError(f"{path} does not describe a {FORMAT_NAME} folder.")
    if manifest.get("version") not in READABLE_VERSIONS:
        readable = " and ".join(str(version) for version in READABLE_VERSIONS)
        raise FormatError(
            f"The export is format version {manifest.get('version')!r}; this version of the CMS "
            f"reads versions {readable} (it writes {FORMAT_VERSION}). Import it with a CMS "
            "version that reads it."
        )
    return manifest


def _lines(path: Path, report: Report) -> Iterator[tuple[str, Mapping[str, Any]]]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            item = f"{path.name} line {number}"
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                report.error(item, "not a complete JSON record (is the file truncated?)")
                continue
            if not isinstance(record, dict):
                report.error(item, "not a JSON object")
                continue
            yield _named(item, record), record


def _named(item: str, record: Mapping[str, Any]) -> str:
    for key in ("public_id", "slug", "email", "checksum", "article"):
        if isinstance(record.get(key), str):
            return f"{item} ({key.replace('_', ' ')} {record[key]})"
    return item


def _check_files(folder: Path, manifest: Mapping[str, Any], report: Report) -> list[str]:
    present = []
    for name, described in (manifest.get("files") or {}).items():
        if name not in FILES:
            report.warn(name, "a file this version does not know; skipped")
            continue
        path = folder / name
        if not path.is_file():
            report.error(name, "listed in the manifest but missing")
            continue
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        if digest.hexdigest() != described.get("sha256"):
            report.error(name, "does not match the manifest's checksum (damaged or truncated)")
        present.append(name)
    return [name for name in FILES if name in present]


async def import_ndjson(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    storage: Storage,
    folder: Path,
    options: ImportOptions,
    progress: Reporter | None = None,
    purge: Purge | None = None,
) -> Report:
    progress = progress or Silent()
    manifest = read_manifest(folder)
    writer = await Writer.open(sessions, settings, storage, options, "ndjson")
    try:
        for name in _check_files(folder, manifest, writer.report):
            total = (manifest["files"][name] or {}).get("records")
            progress.stage(f"Importing {name}", total if isinstance(total, int) else None)
            if name == "articles.ndjson":
                await _articles(writer, folder / name, progress, manifest["version"])
                continue
            for item, record in _lines(folder / name, writer.report):
                await writer.item(
                    name.removesuffix(".ndjson"), item, _upsert(writer, name, record, folder)
                )
                progress.advance()
            await writer.checkpoint()
    except BaseException:
        await writer.session.rollback()
        await writer.session.close()
        raise
    return await writer.finish(purge)


def _upsert(
    writer: Writer, name: str, record: Mapping[str, Any], folder: Path
) -> Callable[[], Awaitable[str]]:
    upserts: dict[str, Callable[[], Awaitable[str]]] = {
        "users.ndjson": lambda: upsert_user(writer, record),
        "categories.ndjson": lambda: upsert_category(writer, record),
        "tags.ndjson": lambda: upsert_tag(writer, record),
        "media.ndjson": lambda: upsert_media(writer, record, folder / MEDIA_DIR),
        "revisions.ndjson": lambda: upsert_revision(writer, record),
        "live_streams.ndjson": lambda: upsert_stream(writer, record),
        "authors.ndjson": lambda: upsert_author(writer, record),
        "home_slots.ndjson": lambda: upsert_home_slot(writer, record),
    }
    return upserts[name]


async def _articles(writer: Writer, path: Path, progress: Reporter, version: int) -> None:
    """Each batch is read, and its bodies sanitised, while the one before is written."""
    batch = ArticleBatch(writer)
    read = (
        (name, record, sanitised_ahead(writer, record.get("body")))
        for name, record in _lines(path, writer.report)
    )
    async with aclosing(read_ahead(read, writer.options.batch_size)) as batches:
        async for items in batches:
            records = []
            for name, record, _ in items:
                if version == 1:
                    record = {**record, "authors": await bylines_of_accounts(writer, record)}
                records.append((name, record))
            ahead = {source: body for _, _, found in items for source, body in found.items()}
            await batch.write(records, progress, ahead)
