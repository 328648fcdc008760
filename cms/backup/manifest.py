"""The archive's table of contents: what was saved, from which schema, and how to check it."""

import hashlib
import json
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ValidationError

from cms.errors import CmsError

FORMAT = "newsroom-cms-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DatabaseKind = Literal["sqlite", "postgresql"]


class BackupError(CmsError):
    """A backup or restore that cannot go on; the message says why and what to do."""

    code = "BACKUP_FAILED"


class ArchivedFile(BaseModel):
    path: str
    sha256: str
    size: int


class MediaFile(ArchivedFile):
    key: str
    content_type: str
    original: bool
    """An uploaded file, named by its SHA-256; the others are renditions cut from one."""


class TableSummary(BaseModel):
    rows: int
    sha256: str


class DatabaseDump(BaseModel):
    kind: DatabaseKind
    server_version: str
    tool: str
    file: ArchivedFile


class Manifest(BaseModel):
    format: Literal["newsroom-cms-backup"]
    format_version: int
    created_at: AwareDatetime
    alembic_revision: str
    database: DatabaseDump
    tables: dict[str, TableSummary]
    media_storage: str
    media: list[MediaFile]

    def files(self) -> list[ArchivedFile]:
        return [self.database.file, *self.media]

    def rows(self, table: str) -> int:
        summary = self.tables.get(table)
        return summary.rows if summary else 0


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_manifest(data: bytes) -> Manifest:
    """The manifest, or an error that says whether the file is no backup or a newer one."""
    try:
        raw: Any = json.loads(data)
    except ValueError as error:
        raise BackupError("The archive's manifest.json is not JSON; is this a backup?") from error
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BackupError("The archive is not a Newsroom CMS backup (no backup manifest).")
    version = raw.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"The archive is in backup format {version}; this CMS reads format "
            f"{FORMAT_VERSION} and older. Restore it with the version of the CMS that made it."
        )
    try:
        return Manifest.model_validate(raw)
    except ValidationError as error:
        raise BackupError(f"The archive's manifest is damaged: {error}") from error
