"""The scheduler: publishing what is due exactly once, expiring breaking flags, and the app's
background task doing both on its own."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Update, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from cms.models import Article, ArticleStatus, AuditEntry, Revision, Role
from cms.services import scheduling
from cms.services.viewer import Viewer
from cms.settings import Settings
from cms.web.app import create_app
from tests.builders import make_article, make_user
from tests.conftest import Gql
from tests.polling import until

FEED = "query Feed { articles(first: 50) { edges { node { publicId title publishedAt } } } }"
SCHEDULE = """
mutation Schedule($id: String!, $at: DateTime!) {
  scheduleArticle(input: {id: $id, publishAt: $at}) { article { status } errors { message } }
}
"""
OVERDUE = """
query Overdue {
  editorialArticles(overdue: true) { totalCount edges { node { title status isOverdue } } }
}
"""


async def _scheduled(session: AsyncSession, title: str, at: datetime) -> Article:
    return await make_article(
        session, title=title, status=ArticleStatus.SCHEDULED, scheduled_at=at, published_at=None
    )


async def _feed(gql: Gql) -> list[dict[str, Any]]:
    result = await gql(FEED)
    assert result.errors is None, result.errors
    return [edge["node"] for edge in result.data["articles"]["edges"]]


async def _stored(sessions: async_sessionmaker[AsyncSession], article: Article) -> Article:
    async with sessions() as fresh:
        found = await fresh.get(Article, article.id)
    assert found is not None
    return found


async def test_a_due_article_is_published_at_its_scheduled_time(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], gql: Gql
) -> None:
    due_at = datetime.now(UTC) - timedelta(minutes=5)
    due = await _scheduled(session, "Due", due_at)
    await session.commit()

    published = await scheduling.publish_due(session=session)

    assert published == [due.public_id]
    stored = await _stored(sessions, due)
    assert (stored.status, stored.published_at, stored.scheduled_at) == (
        ArticleStatus.PUBLISHED,
        due_at,
        None,
    )
    assert await _feed(gql) == [
        {"publicId": due.public_id, "title": "Due", "publishedAt": due_at.isoformat()}
    ]


async def test_an_article_due_later_stays_scheduled(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], gql: Gql
) -> None:
    later_at = datetime.now(UTC) + timedelta(minutes=5)
    later = await _scheduled(session, "Later", later_at)
    await session.commit()

    published = await scheduling.publish_due(session=session)

    assert published == []
    stored = await _stored(sessions, later)
    assert (stored.status, stored.scheduled_at) == (ArticleStatus.SCHEDULED, later_at)
    assert await _feed(gql) == []


async def test_a_scheduled_publication_is_a_revision_and_an_entry_without_actor(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession]
) -> None:
    due = await _scheduled(session, "Due", datetime.now(UTC) - timedelta(minutes=1))
    await session.commit()

    await scheduling.publish_due(session=session)

    async with sessions() as fresh:
        revision = (await fresh.scalars(select(Revision))).one()
        entry = (await fresh.scalars(select(AuditEntry))).one()
    assert (revision.article_id, revision.version, revision.author_id) == (due.id, 2, None)
    assert revision.content["status"] == "PUBLISHED"
    assert (entry.action, entry.entity_id, entry.actor_id) == (
        "article.publish_scheduled",
        due.id,
        None,
    )


async def test_concurrent_runs_publish_each_due_article_exactly_once(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], gql: Gql
) -> None:
    now = datetime.now(UTC)
    due = [await _scheduled(session, f"Due {n}", now - timedelta(minutes=n)) for n in range(1, 7)]
    await session.commit()

    async with sessions() as first, sessions() as second:
        runs = await asyncio.gather(
            scheduling.publish_due(session=first), scheduling.publish_due(session=second)
        )

    assert sorted(runs[0] + runs[1]) == sorted(article.public_id for article in due)
    async with sessions() as fresh:
        revisions = await fresh.execute(
            select(col(Revision.article_id), func.count()).group_by(col(Revision.article_id))
        )
        entries = await fresh.execute(
            select(col(AuditEntry.entity_id), func.count())
            .where(col(AuditEntry.action) == "article.publish_scheduled")
            .group_by(col(AuditEntry.entity_id))
        )
        versions = (await fresh.scalars(select(col(Article.version)))).all()
    assert {article_id: n for article_id, n in revisions} == {article.id: 1 for article in due}
    assert {entity_id: n for entity_id, n in entries} == {article.id: 1 for article in due}
    assert set(versions) == {2}
    assert len(await _feed(gql)) == len(due)


async def test_after_downtime_one_run_publishes_everything_overdue_at_its_own_time(
    session: AsyncSession, gql: Gql
) -> None:
    now = datetime.now(UTC)
    three_hours = await _scheduled(session, "Three hours ago", now - timedelta(hours=3))
    two_hours = await _scheduled(session, "Two hours ago", now - timedelta(hours=2))
    an_hour = await _scheduled(session, "An hour ago", now - timedelta(hours=1))
    await _scheduled(session, "In an hour", now + timedelta(hours=1))
    await session.commit()

    published = await scheduling.publish_due(session=session)

    assert published == [three_hours.public_id, two_hours.public_id, an_hour.public_id]
    assert [(a["title"], a["publishedAt"]) for a in await _feed(gql)] == [
        ("An hour ago", (now - timedelta(hours=1)).isoformat()),
        ("Two hours ago", (now - timedelta(hours=2)).isoformat()),
        ("Three hours ago", (now - timedelta(hours=3)).isoformat()),
    ]


def _before_first_update(
    monkeypatch: pytest.MonkeyPatch, session: AsyncSession, act: Callable[[], Awaitable[Any]]
) -> None:
    """Run `act` just before `session` executes its first UPDATE, as if it happened meanwhile."""
    execute = session.execute
    pending = [act]

    async def execute_after_act(statement: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(statement, Update) and pending:
            await pending.pop()()
        return await execute(statement, *args, **kwargs)

    monkeypatch.setattr(session, "execute", execute_after_act)


async def test_an_article_rescheduled_during_a_run_is_not_published_early(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    gql: Gql,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    editor = await make_user(session, role=Role.EDITOR)
    due = await _scheduled(session, "Due", datetime.now(UTC) - timedelta(minutes=1))
    await session.commit()
    later = datetime.now(UTC) + timedelta(hours=1)
    rescheduled: list[Any] = []

    async def reschedule() -> None:
        result = await gql(
            SCHEDULE, {"id": due.public_id, "at": later.isoformat()}, viewer=Viewer(editor)
        )
        rescheduled.append(result.data["scheduleArticle"])

    async with sessions() as scheduler_session:
        _before_first_update(monkeypatch, scheduler_session, reschedule)
        published = await scheduling.publish_due(session=scheduler_session)

    assert rescheduled == [{"article": {"status": "SCHEDULED"}, "errors": []}]
    assert await _feed(gql) == []
    stored = await _stored(sessions, due)
    assert (stored.status, stored.scheduled_at) == (ArticleStatus.SCHEDULED, later)
    assert published == []


async def test_expired_breaking_flags_are_cleared_and_others_kept(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession]
) -> None:
    now = datetime.now(UTC)
    expired = await make_article(
        session, is_breaking=True, breaking_until=now - timedelta(minutes=1)
    )
    running = await make_article(
        session, is_breaking=True, breaking_until=now + timedelta(minutes=30)
    )
    open_ended = await make_article(session, is_breaking=True, breaking_until=None)
    await session.commit()

    cleared = await scheduling.expire_breaking(session=session)

    assert cleared == 1
    flags = [
        (stored.is_breaking, stored.breaking_until)
        for stored in [await _stored(sessions, a) for a in (expired, running, open_ended)]
    ]
    assert flags == [(False, None), (True, now + timedelta(minutes=30)), (True, None)]


async def test_one_run_publishes_and_expires(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession]
) -> None:
    now = datetime.now(UTC)
    due = await _scheduled(session, "Due", now - timedelta(minutes=1))
    await make_article(session, is_breaking=True, breaking_until=now - timedelta(minutes=1))
    await session.commit()

    run = await scheduling.run_once(sessions)

    assert run == scheduling.SchedulerRun(published=[due.public_id], breaking_expired=1)


async def test_editors_see_the_articles_the_scheduler_missed(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await make_user(session, role=Role.EDITOR)
    now = datetime.now(UTC)
    await _scheduled(session, "Ten minutes late", now - timedelta(minutes=10))
    await _scheduled(session, "Thirty seconds late", now - timedelta(seconds=30))
    await _scheduled(session, "Due later", now + timedelta(minutes=10))
    await make_article(session, title="Published")
    await session.commit()

    result = await gql(OVERDUE, viewer=Viewer(editor))

    assert result.errors is None, result.errors
    assert result.data["editorialArticles"] == {
        "totalCount": 1,
        "edges": [
            {"node": {"title": "Ten minutes late", "status": "SCHEDULED", "isOverdue": True}}
        ],
    }


async def test_the_apps_background_scheduler_publishes_due_articles_on_its_own(
    session: AsyncSession, settings: Settings, gql: Gql
) -> None:
    app = create_app(settings.model_copy(update={"scheduler_interval_seconds": 0.05}))

    async with app.router.lifespan_context(app):
        due = await _scheduled(session, "Due", datetime.now(UTC) - timedelta(seconds=1))
        await session.commit()
        feed: list[dict[str, Any]] = []

        async def published() -> bool:
            feed[:] = await _feed(gql)
            return bool(feed)

        await until(published, what="the background scheduler publishing the due article")

    assert [article["publicId"] for article in feed] == [due.public_id]
