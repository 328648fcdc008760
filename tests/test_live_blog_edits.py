"""Correcting live blogs: editing, pinning and deleting entries (audited, pushed to subscribers
over a real WebSocket), and deleting a live stream only when nothing depends on it."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from cms.models import AuditEntry, LiveStreamStatus, Role
from cms.services.viewer import Viewer
from cms.settings import Settings
from tests.builders import make_article, make_slot, make_stream, make_token, make_user
from tests.conftest import Gql
from tests.polling import until
from tests.ws import LiveServer, graphql_socket, live_server

ADD = """
mutation Add($article: String!, $body: String!) {
  addLiveBlogUpdate(input: {article: $article, body: $body}) { update { id } errors { message } }
}
"""
ENTRY = "id body editedAt pinnedAt"
EDIT = f"""
mutation Edit($id: ID!, $body: String!) {{
  editLiveBlogUpdate(input: {{id: $id, body: $body}}) {{
    update {{ {ENTRY} }} errors {{ field message code }}
  }}
}}
"""
PIN = f"""
mutation Pin($id: ID!, $pinned: Boolean!) {{
  pinLiveBlogUpdate(input: {{id: $id, pinned: $pinned}}) {{
    update {{ {ENTRY} }} errors {{ field message code }}
  }}
}}
"""
DELETE = """
mutation Delete($id: ID!) {
  deleteLiveBlogUpdate(input: {id: $id}) { deletedId errors { field message code } }
}
"""
BLOG = """
query Blog($id: String!) {
  article(publicId: $id) {
    liveUpdates(first: 10) { totalCount pinned { body } edges { node { body } } }
  }
}
"""
DELETE_STREAM = """
mutation D($slug: String!) { deleteLiveStream(input: {slug: $slug}) { deleted errors { message } } }
"""


async def run(gql: Gql, viewer: Viewer | None, document: str, **variables: Any) -> Any:
    result = await (gql(document, variables, viewer=viewer) if viewer else gql(document, variables))
    assert result.errors is None, result.errors
    return result.data


async def blog_with_entries(
    session: AsyncSession, gql: Gql, *bodies: str
) -> tuple[str, Viewer, list[str]]:
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    article = await make_article(session, is_live_blog=True)
    await session.commit()
    ids = []
    for body in bodies:
        added = await run(gql, editor, ADD, article=article.public_id, body=body)
        ids.append(added["addLiveBlogUpdate"]["update"]["id"])
    return article.public_id, editor, ids


async def test_an_edit_is_sanitised_marked_and_audited(gql: Gql, session: AsyncSession) -> None:
    public_id, editor, [entry] = await blog_with_entries(session, gql, "<p>Rates held</p>")

    edited = await run(gql, editor, EDIT, id=entry, body="<p onclick='x()'>Rates cut</p>")
    empty = await run(gql, editor, EDIT, id=entry, body="<script>x()</script>")
    unknown = await run(gql, editor, EDIT, id="999999", body="<p>x</p>")

    update = edited["editLiveBlogUpdate"]["update"]
    assert (update["body"], update["editedAt"] is not None) == ("<p>Rates cut</p>", True)
    assert empty["editLiveBlogUpdate"]["errors"] == [
        {"field": "body", "message": "The update is empty.", "code": "BAD_USER_INPUT"}
    ]
    assert unknown["editLiveBlogUpdate"]["errors"][0]["code"] == "NOT_FOUND"
    blog = await run(gql, None, BLOG, id=public_id)
    assert blog["article"]["liveUpdates"]["edges"] == [{"node": {"body": "<p>Rates cut</p>"}}]
    actions = await session.scalars(select(AuditEntry.action).order_by(col(AuditEntry.id)))
    assert list(actions)[-1] == "live_blog.edit"


async def test_pinned_entries_are_listed_above_the_page_and_deleted_ones_vanish(
    gql: Gql, session: AsyncSession
) -> None:
    public_id, editor, [first, second, third] = await blog_with_entries(
        session, gql, "<p>One</p>", "<p>Two</p>", "<p>Three</p>"
    )

    await run(gql, editor, PIN, id=first, pinned=True)
    await run(gql, editor, PIN, id=second, pinned=True)
    await run(gql, editor, PIN, id=second, pinned=False)
    deleted = await run(gql, editor, DELETE, id=third)
    again = await run(gql, editor, DELETE, id=third)

    assert deleted["deleteLiveBlogUpdate"] == {"deletedId": third, "errors": []}
    assert again["deleteLiveBlogUpdate"]["errors"][0]["code"] == "NOT_FOUND"
    blog = (await run(gql, None, BLOG, id=public_id))["article"]["liveUpdates"]
    assert blog["totalCount"] == 2
    assert blog["pinned"] == [{"body": "<p>One</p>"}]
    assert [e["node"]["body"] for e in blog["edges"]] == ["<p>Two</p>", "<p>One</p>"]
    actions = await session.scalars(
        select(AuditEntry.action).where(col(AuditEntry.action).startswith("live_blog."))
    )
    assert sorted(set(actions)) == [
        "live_blog.delete",
        "live_blog.pin",
        "live_blog.unpin",
        "live_blog.update",
    ]


@pytest.fixture
async def server(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[LiveServer]:
    served = Settings(
        _env_file=None,
        database_url=settings.database_url,
        media_root=settings.media_root,
        site_url=settings.site_url,
        scheduler_interval_seconds=0,
    )
    async with live_server(served) as running:
        yield running


async def _post(server: LiveServer, token: str, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=f"http://{server.address}") as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def test_subscribers_get_edits_pins_and_deletions(
    server: LiveServer, session: AsyncSession
) -> None:
    token = await make_token(session, await make_user(session, role=Role.EDITOR))
    blog = await make_article(session, is_live_blog=True)
    await session.commit()
    added = await _post(server, token, ADD, article=blog.public_id, body="<p>Polls open</p>")
    entry = added["data"]["addLiveBlogUpdate"]["update"]["id"]

    async with graphql_socket(server.address) as reader:
        await reader.subscribe(
            "changed",
            "subscription S($id: String!) { liveBlogUpdated(article: $id) { id body pinnedAt } }",
            {"id": blog.public_id},
        )
        await reader.subscribe(
            "deleted",
            "subscription S($id: String!) { liveBlogUpdateDeleted(article: $id) }",
            {"id": blog.public_id},
        )
        await until(lambda: server.subscribers == 2, what="two subscriptions registering")
        await _post(server, token, EDIT, id=entry, body="<p>Polls opened at 8</p>")
        edited = await reader.receive()
        await _post(server, token, PIN, id=entry, pinned=True)
        pinned = await reader.receive()
        await _post(server, token, DELETE, id=entry)
        deleted = await reader.receive()

    assert edited["payload"]["data"]["liveBlogUpdated"] == {
        "id": entry,
        "body": "<p>Polls opened at 8</p>",
        "pinnedAt": None,
    }
    assert pinned["payload"]["data"]["liveBlogUpdated"]["pinnedAt"] is not None
    assert (deleted["id"], deleted["payload"]["data"]) == (
        "deleted",
        {"liveBlogUpdateDeleted": entry},
    )


async def test_a_stream_is_deleted_only_when_nothing_depends_on_it(
    gql: Gql, session: AsyncSession
) -> None:
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    primary = await make_stream(session, is_primary=True, status=LiveStreamStatus.OFFLINE)
    on_air = await make_stream(session)
    booked = await make_stream(session, status=LiveStreamStatus.OFFLINE)
    await make_slot(
        session,
        booked,
        starts_at=datetime.now(UTC) + timedelta(hours=1),
        ends_at=datetime.now(UTC) + timedelta(hours=2),
    )
    spare = await make_stream(session, status=LiveStreamStatus.ENDED)
    await make_slot(
        session,
        spare,
        starts_at=datetime.now(UTC) - timedelta(hours=2),
        ends_at=datetime.now(UTC) - timedelta(hours=1),
    )
    await session.commit()

    answers = {
        stream.slug: (await run(gql, editor, DELETE_STREAM, slug=stream.slug))["deleteLiveStream"]
        for stream in (primary, on_air, booked, spare)
    }

    assert "primary TV Live channel" in answers[primary.slug]["errors"][0]["message"]
    assert "on air" in answers[on_air.slug]["errors"][0]["message"]
    assert answers[booked.slug]["errors"][0]["message"] == (
        "1 programme(s) on this channel are still to come; delete them first."
    )
    assert answers[spare.slug] == {"deleted": True, "errors": []}
    listed = await run(gql, None, "{ liveStreams { slug } }")
    assert {s["slug"] for s in listed["liveStreams"]} == {primary.slug, on_air.slug, booked.slug}
