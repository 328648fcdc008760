"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from cms.migrations import include_object
from cms.models import metadata


async def test_autogenerate_finds_no_difference(engine: AsyncEngine) -> None:
    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        return list(compare_metadata(context, metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_public_queries_have_their_indexes(engine: AsyncEngine) -> None:
    def article_indexes(connection: Connection) -> set[str]:
        return {
            index["name"] for index in inspect(connection).get_indexes("article") if index["name"]
        }

    async with engine.connect() as connection:
        names = await connection.run_sync(article_indexes)

    assert {"ix_article_feed", "ix_article_locale_feed", "ix_article_category_feed"} <= names
