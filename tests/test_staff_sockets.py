"""A staff member's open subscription ends with their session: a deactivated editor's socket
stops receiving what only staff may see."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry import relay

from cms.models import ArticleStatus, Role
from cms.settings import Settings
from tests.builders import make_article, make_token, make_user
from tests.polling import until
from tests.ws import LiveServer, graphql_socket, live_server

ADD = """
mutation Add($article: String!) {
  addLiveBlogUpdate(input: {article: $article, body: "<p>Draft line</p>"}) { errors { message } }
}
"""
DEACTIVATE = """
mutation D($id: ID!) { deactivateUser(input: {id: $id}) { errors { message } } }
"""


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


async def post(server: LiveServer, token: str, query: str, **variables: str) -> None:
    async with httpx.AsyncClient(base_url=f"http://{server.address}") as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert "errors" not in response.json(), response.json()


async def test_a_deactivated_editors_subscription_ends(
    server: LiveServer, session: AsyncSession
) -> None:
    editor = await make_user(session, role=Role.EDITOR)
    editor_token = await make_token(session, editor)
    admin_token = await make_token(session, await make_user(session, role=Role.ADMIN))
    draft_blog = await make_article(session, is_live_blog=True, status=ArticleStatus.DRAFT)
    await session.commit()

    headers = {"Authorization": f"Bearer {editor_token}"}
    async with graphql_socket(server.address, headers=headers) as socket:
        await socket.subscribe(
            "blog",
            "subscription S($id: String!) { liveBlogUpdated(article: $id) { body } }",
            {"id": draft_blog.public_id},
        )
        await until(lambda: server.subscribers == 1, what="the editor's subscription")
        await post(server, admin_token, ADD, article=draft_blog.public_id)
        seen = await socket.receive()
        staff_id = str(relay.GlobalID("StaffMember", str(editor.id)))
        await post(server, admin_token, DEACTIVATE, id=staff_id)
        await post(server, admin_token, ADD, article=draft_blog.public_id)
        after = await socket.until_done("blog")

    assert seen["payload"]["data"] == {"liveBlogUpdated": {"body": "<p>Draft line</p>"}}
    assert after == []
