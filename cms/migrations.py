"""Run the Alembic migrations from code: `cms migrate`, `cms serve` and the tests share this.

An upgrade is all or nothing: a step that fails leaves the database at the revision it started
from, with its schema and rows untouched. PostgreSQL gets that from one transaction, as its DDL is
transactional. SQLite's DDL is too, but Python's driver runs each DDL statement outside any
transaction it has not opened itself, so the upgrade turns that off and wraps everything in one
`BEGIN IMMEDIATE … COMMIT`. Foreign keys are off meanwhile, because a batch migration rebuilds a
table by copying it and dropping the original, and with them on that drop cascade-deletes every
revision, tag and author row pointing at it; `PRAGMA foreign_key_check` runs before the commit so
a migration cannot leave a dangling reference either.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from alembic import command
from cms.models.search import is_search_object

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Compare everything but the hand-written full-text search objects."""
    return not (reflected and is_search_object(name, type_, getattr(obj, "table", None)))


def alembic_config() -> Config:
    return Config(ALEMBIC_INI)


def in_one_transaction(connection: Connection, run: Callable[[Connection], None]) -> None:
    """`run(connection)` as one transaction that commits only if it returns."""
    if connection.dialect.name != "sqlite":
        with connection.begin():
            run(connection)
        return
    connection.execution_options(isolation_level="AUTOCOMMIT")
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            run(connection)
            dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if dangling:
                raise CommandError(f"The migration left rows pointing nowhere: {dangling[:5]}")
        except BaseException:
            connection.exec_driver_sql("ROLLBACK")
            raise
        connection.exec_driver_sql("COMMIT")
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")


async def upgrade(
    engine: AsyncEngine, revision: str = "head", *, config: Config | None = None
) -> None:
    """Migrate to `revision`, all or nothing; `config` may add version locations of its own."""

    def run(connection: Connection) -> None:
        chosen = config or alembic_config()
        chosen.attributes["connection"] = connection
        command.upgrade(chosen, revision)

    async with engine.connect() as connection:
        await connection.run_sync(in_one_transaction, run)
