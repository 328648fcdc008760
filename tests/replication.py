"""A real PostgreSQL primary and streaming replica, started for the tests on free ports.

The pair is a cluster of its own (`initdb`, then `pg_basebackup -R` from it), not a replica of
the shared server at `CMS_TEST_POSTGRES_URL`: copying that server would copy every other test
database on it, and making it a primary would mean changing its configuration for everyone.
Its `initdb` defaults already allow replication from 127.0.0.1 and `wal_level=replica`.
The servers run as the `postgres` user when the tests run as root, as PostgreSQL refuses root.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]

from tests.live_server import free_port

FAST = "-c fsync=off -c full_page_writes=off -c autovacuum=off"
"""Quick on a busy test machine; commits stay synchronous, as the replica checks rely on them."""


def postgres_binaries() -> Path | None:
    """The newest PostgreSQL server binaries on this machine, or None."""
    found = sorted(glob("/usr/lib/postgresql/*/bin/pg_basebackup"), key=lambda p: p.split("/"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_basebackup")
    return Path(on_path).parent if on_path else None


@dataclass(frozen=True, slots=True)
class ReplicatedPair:
    primary_port: int
    replica_port: int

    def url(self, port: int, database: str = "newsroom") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{database}"

    @property
    def primary_url(self) -> str:
        return self.url(self.primary_port)

    @property
    def replica_url(self) -> str:
        return self.url(self.replica_port)


async def caught_up(pair: ReplicatedPair) -> bool:
    """Whether the replica has replayed everything the primary has written."""
    primary = await asyncpg.connect(host="127.0.0.1", port=pair.primary_port, user="postgres")
    replica = await asyncpg.connect(host="127.0.0.1", port=pair.replica_port, user="postgres")
    try:
        written = await primary.fetchval("SELECT pg_current_wal_insert_lsn()")
        return bool(await replica.fetchval("SELECT pg_last_wal_replay_lsn() >= $1", written))
    finally:
        await primary.close()
        await replica.close()


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> None:
    subprocess.run(_as_postgres(command), check=True, capture_output=True, timeout=120)


def _start(bin_dir: Path, data: Path, port: int) -> None:
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 {FAST}"
    pg_ctl = str(bin_dir / "pg_ctl")
    _run([pg_ctl, "start", "-w", "-D", str(data), "-l", str(data / "log"), "-o", options])


def _stop(bin_dir: Path, data: Path) -> None:
    command = [str(bin_dir / "pg_ctl"), "stop", "-m", "immediate", "-D", str(data)]
    subprocess.run(_as_postgres(command), check=False, capture_output=True, timeout=120)


@contextmanager
def replicated_pair(bin_dir: Path) -> Iterator[ReplicatedPair]:
    """A primary with database `newsroom` and a hot standby streaming from it."""
    root = Path(tempfile.mkdtemp(prefix="cms-replication-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    primary, replica = root / "primary", root / "replica"
    pair = ReplicatedPair(free_port(), free_port())
    started: list[Path] = []
    try:
        _run([str(bin_dir / "initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres", "-N"])
        _start(bin_dir, primary, pair.primary_port)
        started.append(primary)
        _run(
            [
                *(str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(pair.primary_port)),
                *("-c", "CREATE DATABASE newsroom"),
            ]
        )
        _run(
            [
                *(str(bin_dir / "pg_basebackup"), "-h", "127.0.0.1"),
                *("-p", str(pair.primary_port), "-U", "postgres", "-D", str(replica), "-R"),
                *("--checkpoint=fast", "--no-sync"),
            ]
        )
        _start(bin_dir, replica, pair.replica_port)
        started.append(replica)
        yield pair
    finally:
        for data in reversed(started):
            _stop(bin_dir, data)
        shutil.rmtree(root, ignore_errors=True)
