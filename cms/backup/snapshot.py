"""What a database-specific snapshot hands to the archive."""

from dataclasses import dataclass

from cms.backup.contents import Contents
from cms.backup.manifest import DatabaseKind


@dataclass(frozen=True, slots=True)
class Snapshot:
    kind: DatabaseKind
    server_version: str
    tool: str
    contents: Contents
