"""Alembic environment: the URL comes from the application settings, the metadata from cms.models.

`cms migrate` and the tests hand in an open connection through `config.attributes`, already in
the one transaction `cms.migrations.in_one_transaction` opens; the `alembic` command line opens
its own async engine and runs in the same kind of transaction.
"""

import asyncio
from typing import Any, Literal

from alembic.autogenerate.api import AutogenContext
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from alembic import context
from cms.migrations import in_one_transaction, include_object
from cms.models import metadata
from cms.models.columns import UTCDateTime
from cms.settings import Settings

config = context.config


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our UTC column as a plain aware DateTime, so migrations import no app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url") or Settings().database_url
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(in_one_transaction, do_run_migrations)
    await engine.dispose()


connection = config.attributes.get("connection")
if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")
elif connection is not None:
    do_run_migrations(connection)
else:
    asyncio.run(run_async_migrations())
