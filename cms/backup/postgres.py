"""PostgreSQL: `pg_dump` inside a snapshot our own transaction exports, so the dump and the
manifest's counts and checksums describe one moment while the server keeps writing; restore
turns the dump into SQL with `pg_restore` and runs it with `psql` in one transaction, after
dropping the target's tables, so a failed restore leaves the target as it was.

The client tools come from PATH. `pg_dump` refuses servers newer than itself, and `pg_restore`
archives made by a newer `pg_dump`; both are checked first, with a message naming the versions.
Connection details go to the tools in libpq's environment variables, never on a command line
where `ps` would show the password.
"""

import asyncio
import os
import re
import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from cms.backup.contents import read_contents, table_names
from cms.backup.manifest import BackupError
from cms.backup.snapshot import Snapshot


def libpq_environment(url: str) -> dict[str, str]:
    parsed = make_url(url)
    values = {
        "PGHOST": parsed.host,
        "PGPORT": str(parsed.port) if parsed.port else None,
        "PGDATABASE": parsed.database,
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password,
        "PGSSLMODE": parsed.query.get("sslmode") or parsed.query.get("ssl"),
        "PGAPPNAME": "cms-backup",
    }
    return {name: str(value) for name, value in values.items() if value}


async def _run(arguments: list[str], url: str | None = None) -> str:
    process = await asyncio.create_subprocess_exec(
        *arguments,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=os.environ | (libpq_environment(url) if url else {}),
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        message = err.decode(errors="replace").strip()
        raise BackupError(f"{Path(arguments[0]).name} failed: {message}")
    return out.decode(errors="replace")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH; install the PostgreSQL client tools "
            "(e.g. the postgresql-client package) of the server's version or newer."
        )
    return found


def major_version(version: str) -> int:
    found = re.search(r"(\d+)", version)
    if found is None:
        raise BackupError(f"Cannot read a PostgreSQL version from {version!r}.")
    return int(found.group(1))


async def _tool_version(tool: str) -> str:
    return (await _run([tool, "--version"])).strip()


async def snapshot(url: str, destination: Path) -> Snapshot:
    pg_dump = _tool("pg_dump")
    tool = await _tool_version(pg_dump)
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            async with connection.begin():
                server = str(await connection.scalar(text("SHOW server_version")))
                if major_version(tool.split(")", 1)[-1]) < major_version(server):
                    raise BackupError(
                        f"{tool} cannot dump a PostgreSQL {server} server; install the client "
                        f"tools of version {major_version(server)} or newer."
                    )
                exported = await connection.scalar(text("SELECT pg_export_snapshot()"))
                await _run(
                    [pg_dump, "--format=custom", f"--snapshot={exported}", f"--file={destination}"],
                    url,
                )
                contents = await read_contents(connection)
    finally:
        await engine.dispose()
    return Snapshot("postgresql", server, tool, contents)


async def check_restore_tools(dumped_by: str) -> None:
    """Refuse early, before anything is written, when the tools cannot read the dump."""
    tool = await _tool_version(_tool("pg_restore"))
    _tool("psql")
    if major_version(tool.split(")", 1)[-1]) < major_version(dumped_by.split(")", 1)[-1]):
        raise BackupError(
            f"The dump was made by {dumped_by}; {tool} cannot read it. Install newer client tools."
        )


async def restore(url: str, source: Path, work: Path) -> None:
    script = work / "restore.sql"
    await _run(
        [_tool("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}", str(source)],
        url,
    )
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            quote = connection.dialect.identifier_preparer.quote
            existing = [quote(name) for name in await table_names(connection)]
    finally:
        await engine.dispose()
    drop = work / "drop.sql"
    drop.write_text(
        f"DROP TABLE IF EXISTS {', '.join(existing)} CASCADE;\n" if existing else "",
        encoding="utf-8",
    )
    psql = [_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction"]
    await _run([*psql, "--set=ON_ERROR_STOP=1", f"--file={drop}", f"--file={script}"], url)
