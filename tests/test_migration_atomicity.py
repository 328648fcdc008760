"""A migration either happens whole or not at all: the schema is old or new, never between,
and rebuilding a table keeps every row that points at it."""

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from cms.db import create_engine, create_sessionmaker
from cms.migrations import alembic_config, upgrade
from cms.models import ArticleTag, Revision
from cms.settings import Settings
from tests.builders import make_article, make_tag

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()

# Creates a table, rebuilds `article` (SQLite copies it into a new table), fills the new column,
# then fails on data it did not expect, as a real migration can.
FAILING = """
import sqlalchemy as sa
from alembic import op

revision = "0badc0ffee01"
down_revision = "{head}"


def upgrade() -> None:
    op.create_table("article_note", sa.Column("id", sa.Integer(), primary_key=True))
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("kicker", sa.String(100), nullable=True))
        batch.alter_column("lead", existing_type=sa.Text(), nullable=True)
    op.execute("UPDATE article SET kicker = 'Exclusive'")
    op.create_index("ux_article_title", "article", ["title"], unique=True)
"""

# The same rebuild of `article`, succeeding.
REBUILD = """
import sqlalchemy as sa
from alembic import op

revision = "0badc0ffee02"
down_revision = "{head}"


def upgrade() -> None:
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("kicker", sa.String(100), nullable=True))
        batch.alter_column("lead", existing_type=sa.Text(), nullable=True)
"""

# Leaves a tag link to an article and tag that do not exist.
DANGLING = """
from alembic import op

revision = "0badc0ffee03"
down_revision = "{head}"


def upgrade() -> None:
    op.execute("INSERT INTO article_tag (article_id, tag_id, position) VALUES (999999, 999999, 0)")
"""


@pytest.fixture
async def migrated(blank_database_url: str) -> AsyncIterator[AsyncEngine]:
    """A database migrated to head, holding two articles with the same title, tags and
    revisions."""
    engine = create_engine(Settings(_env_file=None, database_url=blank_database_url))
    await upgrade(engine)
    async with create_sessionmaker(engine)() as session:
        tag = await make_tag(session)
        for _ in range(2):
            article = await make_article(session, title="Same title", tags=[tag])
            assert article.id is not None
            session.add(Revision(article_id=article.id, version=1, content={}))
        await session.commit()
    yield engine
    await engine.dispose()


def _config_with(tmp_path: Path, migration: str) -> Config:
    """The project's migrations plus one more on top of head."""
    extra = tmp_path / "extra_versions"
    extra.mkdir()
    (extra / "extra.py").write_text(migration.format(head=HEAD))
    config = alembic_config()
    versions = Path(ScriptDirectory.from_config(config).dir) / "versions"
    config.set_main_option("version_locations", os.pathsep.join(map(str, (versions, extra))))
    return config


def _plain(reflected: object) -> str:
    """A reflected item as text, so two reflections compare by content (an index's SQLite
    `WHERE` is a fresh `TextClause` each time)."""
    return json.dumps(reflected, default=str, sort_keys=True)


def _schema(connection: Connection) -> dict[str, Any]:
    """Every table with its columns, indexes, keys and (on SQLite) its triggers."""
    inspector = inspect(connection)
    shape: dict[str, Any] = {
        table: (
            [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            sorted(map(_plain, inspector.get_indexes(table))),
            sorted(map(_plain, inspector.get_foreign_keys(table))),
            sorted(map(_plain, inspector.get_unique_constraints(table))),
        )
        for table in inspector.get_table_names()
    }
    if connection.dialect.name == "sqlite":
        master = connection.execute(text("SELECT type, name, sql FROM sqlite_master ORDER BY name"))
        shape["sqlite_master"] = master.all()
    return shape


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def test_a_migration_failing_midway_leaves_the_old_schema_and_revision(
    migrated: AsyncEngine, tmp_path: Path
) -> None:
    async with migrated.connect() as connection:
        before = await connection.run_sync(_schema)

    with pytest.raises(IntegrityError):
        await upgrade(migrated, config=_config_with(tmp_path, FAILING))

    async with migrated.connect() as connection:
        assert await connection.run_sync(_revision) == HEAD
        assert await connection.run_sync(_schema) == before
        rows = await connection.execute(select(func.count()).select_from(Revision))
        assert rows.scalar_one() == 2


async def test_rebuilding_a_table_keeps_the_rows_that_reference_it(
    migrated: AsyncEngine, tmp_path: Path
) -> None:
    await upgrade(migrated, config=_config_with(tmp_path, REBUILD))

    async with migrated.connect() as connection:
        assert await connection.run_sync(_revision) == "0badc0ffee02"
        revisions = await connection.execute(select(func.count()).select_from(Revision))
        tagged = await connection.execute(select(func.count(col(ArticleTag.article_id))))
        assert (revisions.scalar_one(), tagged.scalar_one()) == (2, 2)
        if migrated.dialect.name == "sqlite":
            enforced = await connection.execute(text("PRAGMA foreign_keys"))
            assert enforced.scalar_one() == 1, "foreign keys are enforced again after migrating"


async def test_a_migration_leaving_a_reference_to_nothing_is_refused(
    migrated: AsyncEngine, tmp_path: Path
) -> None:
    with pytest.raises((IntegrityError, CommandError)):
        await upgrade(migrated, config=_config_with(tmp_path, DANGLING))

    async with migrated.connect() as connection:
        assert await connection.run_sync(_revision) == HEAD
        links = await connection.execute(select(func.count(col(ArticleTag.article_id))))
        assert links.scalar_one() == 2
