"""Scheduling rules: the scheduler's revision holds the whole article, the lead time is named
when too short, and an article set to leave the site is archived on time, off every cached page."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select
from starlette.applications import Starlette

from cms.models import ArticleStatus, Revision, Role
from cms.services import scheduling
from cms.services.expiry import expire_due
from cms.services.viewer import Viewer
from tests.builders import make_article, make_user
from tests.conftest import Gql
from tests.signing_in import sign_in

SCHEDULE = """
mutation S($id: String!, $at: DateTime!) {
  scheduleArticle(input: {id: $id, publishAt: $at}) { errors { field message code } }
}
"""
UPDATE = """
mutation U($id: String!, $version: Int!, $title: String!) {
  updateArticle(input: {id: $id, version: $version, title: $title}) {
    article { version } errors { message }
  }
}
"""
EXPIRY = """
mutation E($id: String!, $at: DateTime) {
  setArticleExpiry(input: {id: $id, expiresAt: $at}) {
    article { status expiresAt } errors { field message code }
  }
}
"""
HOME = "{ articles(first: 5) { edges { node { title } } } }"


def ahead(**delta: float) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)


async def run(gql: Gql, viewer: Viewer, document: str, **variables: Any) -> Any:
    result = await gql(document, variables, viewer=viewer)
    assert result.errors is None, result.errors
    return result.data


async def editor(session: AsyncSession) -> Viewer:
    user = await make_user(session, role=Role.EDITOR)
    await session.commit()
    return Viewer(user)


async def revisions(session: AsyncSession, article_id: int | None) -> list[Revision]:
    query = select(Revision).where(col(Revision.article_id) == article_id)
    return list((await session.scalars(query.order_by(col(Revision.id)))).all())


async def test_the_scheduled_publish_revision_holds_the_whole_article(
    gql: Gql, session: AsyncSession
) -> None:
    viewer = await editor(session)
    article = await make_article(session, title="Budget", status=ArticleStatus.DRAFT)
    await session.commit()
    await run(gql, viewer, SCHEDULE, id=article.public_id, at=ahead(hours=1).isoformat())

    await scheduling.publish_due(session=session, now=ahead(hours=2))
    await session.refresh(article)
    await run(gql, viewer, UPDATE, id=article.public_id, version=article.version, title="Budget 2")

    by_scheduler, edit = (await revisions(session, article.id))[-2:]
    assert by_scheduler.author_id is None
    assert by_scheduler.changed_fields == ["status"]
    assert by_scheduler.content["title"] == "Budget"
    assert by_scheduler.content["status"] == "PUBLISHED"
    assert edit.changed_fields == ["title"]


async def test_a_time_inside_the_lead_time_is_named_as_such(
    gql: Gql, session: AsyncSession
) -> None:
    viewer = await editor(session)
    article = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()

    soon = await run(gql, viewer, SCHEDULE, id=article.public_id, at=ahead(seconds=5).isoformat())
    past = await run(gql, viewer, SCHEDULE, id=article.public_id, at=ahead(hours=-1).isoformat())

    assert soon["scheduleArticle"]["errors"] == [
        {
            "field": "scheduledAt",
            "message": "The scheduled time is less than 30 seconds from now, too soon for the "
            "scheduler; choose a later time, or act now.",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert past["scheduleArticle"]["errors"][0]["message"] == (
        "The scheduled time is in the past; choose a later time."
    )


async def test_an_expiry_is_checked_against_the_clock_and_the_schedule(
    gql: Gql, session: AsyncSession
) -> None:
    viewer = await editor(session)
    scheduled = await make_article(
        session, status=ArticleStatus.SCHEDULED, scheduled_at=ahead(hours=3)
    )
    await session.commit()

    before_publication = await run(
        gql, viewer, EXPIRY, id=scheduled.public_id, at=ahead(hours=2).isoformat()
    )
    past = await run(gql, viewer, EXPIRY, id=scheduled.public_id, at=ahead(hours=-2).isoformat())
    fine = await run(gql, viewer, EXPIRY, id=scheduled.public_id, at=ahead(hours=4).isoformat())

    assert before_publication["setArticleExpiry"]["errors"][0]["field"] == "expiresAt"
    assert (
        "before it is published" in before_publication["setArticleExpiry"]["errors"][0]["message"]
    )
    assert past["setArticleExpiry"]["errors"][0]["message"] == (
        "The time to leave the site is in the past; choose a later time."
    )
    assert fine["setArticleExpiry"]["errors"] == []
    assert fine["setArticleExpiry"]["article"]["expiresAt"] is not None


async def test_authors_set_the_expiry_of_their_own_articles_only(
    gql: Gql, session: AsyncSession
) -> None:
    author = await make_user(session, role=Role.AUTHOR)
    others = await make_article(session)
    own = await make_article(session, created_by_id=author.id)
    await session.commit()
    at = ahead(hours=1).isoformat()

    refused = await run(gql, Viewer(author), EXPIRY, id=others.public_id, at=at)
    allowed = await run(gql, Viewer(author), EXPIRY, id=own.public_id, at=at)

    assert refused["setArticleExpiry"]["errors"][0]["code"] == "FORBIDDEN"
    assert allowed["setArticleExpiry"]["errors"] == []


async def test_an_expired_article_leaves_every_cached_page(
    app: Starlette, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    article = await make_article(session, title="Embargoed offer")
    await session.commit()
    _, headers = await sign_in(session, client)
    at = ahead(hours=1).isoformat()
    await client.post(
        "/graphql",
        json={"query": EXPIRY, "variables": {"id": article.public_id, "at": at}},
        headers=headers,
    )
    page = {"query": HOME}
    assert (await client.get("/graphql", params=page)).json()["data"]["articles"]["edges"]

    sessions: async_sessionmaker[AsyncSession] = app.state.sessions
    async with sessions() as scheduler_session:
        left = await expire_due(session=scheduler_session, now=ahead(hours=2))

    assert left == [article.public_id]
    assert (await client.get("/graphql", params=page)).json()["data"]["articles"]["edges"] == []
    await session.refresh(article)
    assert (article.status, article.expires_at) == (ArticleStatus.ARCHIVED, None)
    last = (await revisions(session, article.id))[-1]
    assert (last.author_id, last.content["status"]) == (None, "ARCHIVED")
