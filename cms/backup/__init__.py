"""`cms backup` and `cms restore`: one archive holding a consistent snapshot of the database and
every media file its rows point to, and a restore that checks all of it before declaring success.

Why the databases' own tools and not a portable row-by-row export: a snapshot must be one point
in time while the server keeps writing, and each database already guarantees that for its own
tool. SQLite's online backup API copies every page in one step under one read transaction (WAL
lets writers carry on meanwhile); `pg_dump` reads inside one MVCC snapshot, exported from our own
transaction (`pg_export_snapshot`) so that the counts and checksums in the manifest are taken from
exactly the state the dump holds. The native copies also keep what a portable export would have
to rebuild by hand: the FTS5 index and its triggers, the generated `tsvector` column, sequences,
exact column types. The price is that an archive restores into the same kind of database it came
from; moving between SQLite and PostgreSQL is a different job and `cms restore` says so.

The archive is a plain tar: `database/…` (the SQLite file or a `pg_dump` custom-format dump),
`media/<storage key>` for each file, and `manifest.json` last (format version, creation time,
Alembic revision, database kind and tool versions, rows and a SHA-256 per table, a SHA-256 per
file). Media are read and written through the configured storage, so a local folder or an S3
bucket are backed up the same way, and an archive may be restored into either.
"""

from cms.backup.create import create_backup
from cms.backup.manifest import BackupError, Manifest
from cms.backup.restore import restore_backup

__all__ = ["BackupError", "Manifest", "create_backup", "restore_backup"]
