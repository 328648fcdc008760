"""Bulk work on articles: each article its own result and transaction, permissions per article,
and a mistake shared by all answered once with nothing done."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import ArticleStatus, Role
from cms.services.viewer import Viewer
from tests.builders import make_article, make_tag, make_user
from tests.conftest import Gql

RESULT = "results { id article { status tags { slug } } errors { field message code } } "
PUBLISH = f"""
mutation P($ids: [String!]!) {{
  bulkPublishArticles(input: {{ids: $ids}}) {{ {RESULT} succeeded errors {{ field message }} }}
}}
"""
ARCHIVE = f"""
mutation A($ids: [String!]!) {{
  bulkArchiveArticles(input: {{ids: $ids}}) {{ {RESULT} succeeded errors {{ field message }} }}
}}
"""
SCHEDULE = f"""
mutation S($ids: [String!]!, $at: DateTime!) {{
  bulkScheduleArticles(input: {{ids: $ids, publishAt: $at}}) {{
    {RESULT} succeeded errors {{ field message }}
  }}
}}
"""
TAG = f"""
mutation T($ids: [String!]!, $tags: [String!]!) {{
  bulkTagArticles(input: {{ids: $ids, tags: $tags}}) {{
    {RESULT} succeeded errors {{ field message }}
  }}
}}
"""


async def run(gql: Gql, viewer: Viewer, document: str, **variables: Any) -> Any:
    result = await gql(document, variables, viewer=viewer)
    assert result.errors is None, result.errors
    return next(iter(result.data.values()))


async def test_one_failure_leaves_the_others_published(gql: Gql, session: AsyncSession) -> None:
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    first = await make_article(session, status=ArticleStatus.DRAFT)
    archived = await make_article(session, status=ArticleStatus.ARCHIVED)
    last = await make_article(session, status=ArticleStatus.IN_REVIEW)
    await session.commit()
    ids = [first.public_id, archived.public_id, "nosuchthing00", last.public_id, first.public_id]

    payload = await run(gql, editor, PUBLISH, ids=ids)

    assert payload["succeeded"] == 2
    assert [r["id"] for r in payload["results"]] == ids[:4]
    by_id = {r["id"]: r for r in payload["results"]}
    assert by_id[first.public_id]["article"]["status"] == "PUBLISHED"
    assert by_id[last.public_id]["article"]["status"] == "PUBLISHED"
    assert by_id[archived.public_id]["article"] is None
    assert by_id[archived.public_id]["errors"][0]["field"] == "status"
    assert by_id["nosuchthing00"]["errors"][0]["code"] == "NOT_FOUND"
    await session.refresh(archived)
    assert archived.status is ArticleStatus.ARCHIVED


async def test_permissions_are_checked_per_article(gql: Gql, session: AsyncSession) -> None:
    author = await make_user(session, role=Role.AUTHOR)
    own = await make_article(session, status=ArticleStatus.DRAFT, created_by_id=author.id)
    others = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()

    payload = await run(gql, Viewer(author), PUBLISH, ids=[own.public_id, others.public_id])

    assert payload["succeeded"] == 1
    assert payload["results"][0]["article"]["status"] == "PUBLISHED"
    assert payload["results"][1]["errors"][0]["code"] == "FORBIDDEN"
    await session.refresh(others)
    assert others.status is ArticleStatus.DRAFT


async def test_archive_and_schedule_each_article(gql: Gql, session: AsyncSession) -> None:
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    live = [await make_article(session) for _ in range(2)]
    drafts = [await make_article(session, status=ArticleStatus.DRAFT) for _ in range(2)]
    await session.commit()
    at = (datetime.now(UTC) + timedelta(hours=3)).isoformat()

    archived = await run(gql, editor, ARCHIVE, ids=[a.public_id for a in live])
    scheduled = await run(gql, editor, SCHEDULE, ids=[a.public_id for a in drafts], at=at)

    assert [r["article"]["status"] for r in archived["results"]] == ["ARCHIVED", "ARCHIVED"]
    assert [r["article"]["status"] for r in scheduled["results"]] == ["SCHEDULED", "SCHEDULED"]


async def test_a_shared_mistake_is_answered_once_and_nothing_is_done(
    gql: Gql, session: AsyncSession
) -> None:
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    draft = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()
    soon = (datetime.now(UTC) + timedelta(seconds=5)).isoformat()

    too_soon = await run(gql, editor, SCHEDULE, ids=[draft.public_id], at=soon)
    no_ids = await run(gql, editor, PUBLISH, ids=[" "])
    too_many = await run(gql, editor, PUBLISH, ids=[f"id{n}" for n in range(101)])
    no_tags = await run(gql, editor, TAG, ids=[draft.public_id], tags=[""])

    assert (too_soon["results"], too_soon["errors"][0]["field"]) == ([], "publishAt")
    assert no_ids["errors"] == [
        {"field": "ids", "message": "Give at least one article's `publicId`."}
    ]
    assert too_many["errors"][0]["message"] == "At most 100 articles at once; you gave 101."
    assert no_tags["errors"][0]["field"] == "tags"
    await session.refresh(draft)
    assert draft.status is ArticleStatus.DRAFT


async def test_tags_are_added_after_each_articles_own(gql: Gql, session: AsyncSession) -> None:
    contributor = await make_user(session, role=Role.CONTRIBUTOR)
    own_tag = await make_tag(session, slug="harbour")
    own = await make_article(
        session, status=ArticleStatus.DRAFT, created_by_id=contributor.id, tags=[own_tag]
    )
    published = await make_article(session, created_by_id=contributor.id)
    await session.commit()

    payload = await run(
        gql,
        Viewer(contributor),
        TAG,
        ids=[own.public_id, published.public_id],
        tags=["Port", "harbour"],
    )

    assert payload["results"][0]["article"]["tags"] == [{"slug": "harbour"}, {"slug": "port"}]
    assert payload["results"][1]["errors"][0]["code"] == "FORBIDDEN"
