"""What a publish storm writes before the server starts, and removes once it has stopped.

An editor with a session token, and one draft per planned publish, all in the site's default
locale and in one sub-category: once published each lands on top of that locale's home feed and
of the parent category's page, which includes its sub-categories, so a publish must invalidate a
feed through the category's ancestors too. Everything is deleted afterwards (revisions and tokens
go by cascade), so the benchmark dataset keeps the exact article count the other drivers expect;
what an interrupted run left behind is found by the editor's address and deleted before the next.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, text
from sqlmodel import col

from cms.db import create_engine, create_sessionmaker
from cms.models import Article, ArticleStatus, AuditEntry, AuthToken, Role, User
from cms.services.auth import token_digest
from cms.settings import Settings

EDITOR_DOMAIN = "@storm.bench.invalid"


@dataclass(frozen=True, slots=True)
class Newsroom:
    """The storm's editor and drafts; `drafts` are public ids in the order they get published."""

    locale: str
    category_slug: str
    token: str
    drafts: list[str]


async def prepare(settings: Settings, count: int) -> Newsroom:
    run = secrets.token_hex(4)
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            found = (
                await connection.execute(
                    text(
                        "SELECT k.id, c.slug FROM category k JOIN category c ON c.id = k.parent_id "
                        "ORDER BY k.id LIMIT 1"
                    )
                )
            ).first()
        if found is None:
            raise SystemExit("The storm needs a category with a sub-category in the database.")
        child_id, parent_slug = found
        token = secrets.token_urlsafe(24)
        locale = settings.default_locale
        async with create_sessionmaker(engine)() as session:
            editor = User(
                email=f"storm-{run}{EDITOR_DOMAIN}", display_name="Storm", role=Role.EDITOR
            )
            session.add(editor)
            await session.flush()
            assert editor.id is not None
            session.add(
                AuthToken(
                    user_id=editor.id,
                    token_hash=token_digest(token),
                    expires_at=datetime.now(UTC) + timedelta(days=1),
                )
            )
            drafts = [
                Article(
                    locale=locale,
                    slug=f"storm-{run}-{n}",
                    title=f"Storm {run} draft {n}",
                    lead=f"Draft {n} of publish storm {run}.",
                    body=f"<p>Draft {n} of publish storm {run}.</p>",
                    body_text=f"Draft {n} of publish storm {run}.",
                    status=ArticleStatus.DRAFT,
                    category_id=child_id,
                    created_by_id=editor.id,
                )
                for n in range(count)
            ]
            session.add_all(drafts)
            await session.commit()
        return Newsroom(locale, parent_slug, token, [draft.public_id for draft in drafts])
    finally:
        await engine.dispose()


async def clean_up(settings: Settings) -> None:
    """Delete every storm editor, with their articles (published or not) and audit entries."""
    editors = select(col(User.id)).where(col(User.email).endswith(EDITOR_DOMAIN))
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.execute(delete(Article).where(col(Article.created_by_id).in_(editors)))
            await connection.execute(
                delete(AuditEntry).where(col(AuditEntry.actor_id).in_(editors))
            )
            await connection.execute(delete(User).where(col(User.id).in_(editors)))
    finally:
        await engine.dispose()
