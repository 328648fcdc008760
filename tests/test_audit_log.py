"""The audit log: every editorial action recorded with who did it, readable by admins only."""

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cms.models import Article, AuditEntry, Role, Tag
from cms.services.viewer import Viewer
from tests.builders import make_user
from tests.conftest import Gql

AUDIT_LOG = """
query AuditLog($first: Int!) {
  auditLog(first: $first) { action entityType entityId details actor { name } }
}
"""
AUDIT_LOG_PAGE = """
query AuditLogPage($first: Int!, $beforeId: Int) {
  auditLog(first: $first, beforeId: $beforeId) { id action }
}
"""
CREATE_ARTICLE = """
mutation CreateArticle($input: CreateArticleInput!) {
  createArticle(input: $input) { article { publicId } errors { field code } }
}
"""
PUBLISH_ARTICLE = """
mutation PublishArticle($id: String!) {
  publishArticle(input: {id: $id}) { article { status } errors { field code } }
}
"""
CREATE_CATEGORY = """
mutation CreateCategory($input: CreateCategoryInput!) {
  createCategory(input: $input) { category { slug } errors { field code } }
}
"""


async def _staff(session: AsyncSession, role: Role, name: str) -> Viewer:
    user = await make_user(session, role=role, display_name=name)
    await session.commit()
    return Viewer(user)


async def _run(gql: Gql, document: str, variables: dict[str, Any], viewer: Viewer) -> Any:
    result = await gql(document, variables, viewer=viewer)
    assert result.errors is None, result.errors
    return result.data


async def _audit_count(session: AsyncSession) -> int:
    return (await session.scalar(select(func.count()).select_from(AuditEntry))) or 0


async def test_admins_read_editorial_actions_newest_first_with_their_actor(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _staff(session, Role.EDITOR, "Nino Beridze")
    admin = await _staff(session, Role.ADMIN, "Site Admin")
    created = await _run(gql, CREATE_ARTICLE, {"input": {"title": "Wine exports rise"}}, editor)
    public_id = created["createArticle"]["article"]["publicId"]
    await _run(gql, PUBLISH_ARTICLE, {"id": public_id}, editor)
    await _run(
        gql,
        CREATE_CATEGORY,
        {"input": {"slug": "economy", "names": [{"locale": "en", "text": "Economy"}]}},
        editor,
    )

    log = (await _run(gql, AUDIT_LOG, {"first": 10}, admin))["auditLog"]

    assert [(e["action"], e["entityType"], e["actor"]) for e in log] == [
        ("category.create", "category", {"name": "Nino Beridze"}),
        ("article.publish", "article", {"name": "Nino Beridze"}),
        ("article.create", "article", {"name": "Nino Beridze"}),
    ]
    article_id = await session.scalar(select(col(Article.id)))
    assert log[1]["entityId"] == log[2]["entityId"] == article_id
    assert log[0]["details"] == {"slug": "economy"}


async def test_first_limits_the_log_to_the_newest_entries(session: AsyncSession, gql: Gql) -> None:
    editor = await _staff(session, Role.EDITOR, "Nino")
    admin = await _staff(session, Role.ADMIN, "Admin")
    for title in ("One", "Two", "Three"):
        await _run(gql, CREATE_ARTICLE, {"input": {"title": title, "slug": title.lower()}}, editor)

    log = (await _run(gql, AUDIT_LOG, {"first": 2}, admin))["auditLog"]

    assert len(log) == 2
    titles = {
        article.id: article.title for article in (await session.scalars(select(Article))).all()
    }
    assert [titles[e["entityId"]] for e in log] == ["Three", "Two"]


@pytest.mark.parametrize("role", [Role.EDITOR, Role.AUTHOR, Role.CONTRIBUTOR])
async def test_only_admins_read_the_log(role: Role, session: AsyncSession, gql: Gql) -> None:
    staff = await _staff(session, role, "Nino")

    result = await gql(AUDIT_LOG, {"first": 10}, viewer=staff)

    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "FORBIDDEN"}
    assert result.data is None


async def test_anonymous_readers_must_sign_in_to_read_the_log(gql: Gql) -> None:
    result = await gql(AUDIT_LOG, {"first": 10})

    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}


async def test_a_refused_mutation_writes_neither_the_article_nor_an_entry(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _staff(session, Role.EDITOR, "Nino")

    payload = (await _run(gql, CREATE_ARTICLE, {"input": {"title": "   "}}, editor))[
        "createArticle"
    ]

    assert payload == {"article": None, "errors": [{"field": "title", "code": "BAD_USER_INPUT"}]}
    assert (await session.scalar(select(func.count()).select_from(Article))) == 0
    assert await _audit_count(session) == 0


async def test_a_mutation_failing_half_way_leaves_no_trace(session: AsyncSession, gql: Gql) -> None:
    """The first tag is created before the second is found to be invalid: all is rolled back."""
    editor = await _staff(session, Role.EDITOR, "Nino")

    payload = (
        await _run(
            gql, CREATE_ARTICLE, {"input": {"title": "Harvest", "tags": ["Wine", "!!!"]}}, editor
        )
    )["createArticle"]

    assert payload["errors"] == [{"field": "tags", "code": "BAD_USER_INPUT"}]
    assert (await session.scalar(select(func.count()).select_from(Tag))) == 0
    assert (await session.scalar(select(func.count()).select_from(Article))) == 0
    assert await _audit_count(session) == 0


async def test_entries_still_name_an_actor_whose_account_was_deactivated(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _staff(session, Role.EDITOR, "Nino Beridze")
    admin = await _staff(session, Role.ADMIN, "Site Admin")
    await _run(gql, CREATE_ARTICLE, {"input": {"title": "Wine exports rise"}}, editor)
    assert editor.user is not None
    editor.user.is_active = False
    session.add(editor.user)
    await session.commit()

    log = (await _run(gql, AUDIT_LOG, {"first": 10}, admin))["auditLog"]

    assert [(e["action"], e["actor"]) for e in log] == [
        ("article.create", {"name": "Nino Beridze"})
    ]


async def test_before_id_pages_through_the_log(session: AsyncSession, gql: Gql) -> None:
    editor = await _staff(session, Role.EDITOR, "Nino")
    admin = await _staff(session, Role.ADMIN, "Admin")
    for title in ("One", "Two", "Three"):
        await _run(gql, CREATE_ARTICLE, {"input": {"title": title, "slug": title.lower()}}, editor)

    first_page = (await _run(gql, AUDIT_LOG_PAGE, {"first": 2}, admin))["auditLog"]
    second_page = (
        await _run(gql, AUDIT_LOG_PAGE, {"first": 2, "beforeId": first_page[-1]["id"]}, admin)
    )["auditLog"]

    assert len(first_page) == 2
    assert len(second_page) == 1
