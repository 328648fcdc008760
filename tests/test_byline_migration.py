"""Moving bylines from accounts to author profiles keeps every article's byline, and going back
restores the bylines of accounts."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from alembic import command
from cms.db import create_engine
from cms.migrations import alembic_config, in_one_transaction, upgrade
from cms.settings import Settings

BEFORE = "e5565686a822"
ARTICLE = (
    "INSERT INTO article (id, public_id, locale, slug, title, lead, body, body_text, "
    "reading_time_minutes, status, created_at, updated_at, is_featured, is_breaking, "
    "is_live_blog, views, version) VALUES (:id, :pid, :locale, :slug, 'T', '', '', '', 1, "
    "'PUBLISHED', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, false, false, false, 0, 1)"
)


@pytest.fixture
async def old_engine(blank_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(Settings(_env_file=None, database_url=blank_database_url))
    await upgrade(engine, BEFORE)
    yield engine
    await engine.dispose()


async def _downgrade(engine: AsyncEngine, revision: str) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with engine.connect() as connection:
        await connection.run_sync(in_one_transaction, run)


async def test_every_writer_with_articles_gets_a_profile_and_keeps_the_byline(
    old_engine: AsyncEngine,
) -> None:
    async with old_engine.begin() as connection:
        for user_id, name in ((1, "Nino Beridze"), (2, "Ana Lomidze"), (3, "Admin")):
            await connection.execute(
                text(
                    'INSERT INTO "user" (id, email, display_name, bio, password_hash, role, '
                    "is_active, created_at) VALUES (:id, :email, :name, 'Writes.', '', "
                    "'AUTHOR', true, CURRENT_TIMESTAMP)"
                ),
                {"id": user_id, "email": f"u{user_id}@example.com", "name": name},
            )
        for article_id, locale in ((1, "ka"), (2, "ka"), (3, "en")):
            await connection.execute(
                text(ARTICLE),
                {
                    "id": article_id,
                    "pid": f"{article_id:013x}",
                    "locale": locale,
                    "slug": f"s{article_id}",
                },
            )
        for article_id, user_id, position in ((1, 1, 0), (1, 2, 1), (2, 1, 0), (3, 2, 0)):
            await connection.execute(
                text("INSERT INTO article_author VALUES (:a, :u, :p)"),
                {"a": article_id, "u": user_id, "p": position},
            )

    await upgrade(old_engine)
    async with old_engine.connect() as connection:
        profiles = (
            await connection.execute(text("SELECT id, slug, user_id FROM author ORDER BY user_id"))
        ).all()
        bylines = (
            await connection.execute(
                text(
                    "SELECT aa.article_id, a.slug, aa.position FROM article_author aa "
                    "JOIN author a ON a.id = aa.author_id ORDER BY aa.article_id, aa.position"
                )
            )
        ).all()
    await _downgrade(old_engine, BEFORE)
    async with old_engine.connect() as connection:
        restored = (
            await connection.execute(
                text("SELECT article_id, user_id, position FROM article_author ORDER BY 1, 3")
            )
        ).all()

    assert [(slug, user_id) for _, slug, user_id in profiles] == [
        ("nino-beridze", 1),
        ("ana-lomidze", 2),
    ]
    assert [tuple(row) for row in bylines] == [
        (1, "nino-beridze", 0),
        (1, "ana-lomidze", 1),
        (2, "nino-beridze", 0),
        (3, "ana-lomidze", 0),
    ]
    assert [tuple(row) for row in restored] == [(1, 1, 0), (1, 2, 1), (2, 1, 0), (3, 2, 0)]
