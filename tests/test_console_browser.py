"""The editors' console in a real browser (Chromium through Playwright), against a real server,
with every request to another origin blocked and counted. Screenshots of failures are kept in
`test-artefacts/console/`."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import ArticleStatus, Role, User
from cms.services.auth import SESSION_COOKIE
from cms.services.passwords import hash_password
from cms.settings import Settings
from tests.builders import make_article, make_token
from tests.console_browser import console_server, open_console, skip_reason
from tests.polling import until

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")
PASSWORD = "a-long-enough-password"
SECRET = "s" * 40


async def _account(session: AsyncSession, role: Role = Role.EDITOR) -> User:
    user = User(
        email=f"{role.value.lower()}@newsroom.example",
        display_name=f"Nino the {role.value.lower()}",
        role=role,
        password_hash=hash_password(PASSWORD),
    )
    session.add(user)
    await session.commit()
    return user


async def test_the_console_renders_with_nothing_from_another_origin(
    settings: Settings, session: AsyncSession
) -> None:
    async with console_server(settings) as server, open_console(server, "renders") as console:
        tabs = await console.page.locator(".graphiql-tab").all_inner_texts()
        bar = await console.page.inner_text("#console-bar")
        explorer = await console.page.locator("[aria-label='Show GraphiQL Explorer']").count()

    assert "Not signed in" in bar
    assert explorer == 1
    assert any("WriteADraft" in tab for tab in tabs)
    assert console.outside == []


async def test_an_editor_signs_in_runs_a_query_and_a_mutation_and_signs_out(
    settings: Settings, session: AsyncSession
) -> None:
    await _account(session)
    async with console_server(settings) as server, open_console(server, "sign-in") as console:
        await console.sign_in("editor@newsroom.example", "not-the-password")
        await console.page.wait_for_selector("#console-message.console-error")
        refused = await console.page.inner_text("#console-message")
        await console.sign_in("editor@newsroom.example", PASSWORD)
        await console.page.wait_for_selector("#console-sign-out")
        bar = await console.page.inner_text("#console-bar")
        me = await console.run("query WhoAmI { me { email role } }", "WhoAmI", "EDITOR")
        draft = await console.run(
            'mutation Draft { createArticle(input: {title: "Night market"}) '
            "{ article { title status } errors { message } } }",
            "Draft",
            "DRAFT",
        )
        await console.page.click("#console-sign-out")
        await console.page.wait_for_selector("#console-sign-in")

    assert "password" in refused.lower()
    assert "Signed in as" in bar
    assert "EDITOR" in bar
    assert "editor@newsroom.example" in me
    assert "Night market" in draft
    assert console.outside == []


async def test_mistakes_read_as_messages_in_the_result_pane(
    settings: Settings, session: AsyncSession
) -> None:
    await _account(session, Role.AUTHOR)
    async with console_server(settings) as server, open_console(server, "mistakes") as console:
        await console.sign_in("author@newsroom.example", PASSWORD)
        await console.page.wait_for_selector("#console-sign-out")
        typo = await console.run("query Typo { articels { totalCount } }", "Typo", "articels")
        forbidden = await console.run("query Audit { auditLog { id } }", "Audit", "FORBIDDEN")
        cookie = next(
            c for c in await console.page.context.cookies() if c["name"] == SESSION_COOKIE
        )
        async with httpx.AsyncClient(base_url=server.url) as other:
            await other.post(
                "/graphql",
                json={"query": "mutation { logout { signedOut } }"},
                headers={"authorization": f"Bearer {cookie['value']}"},
            )
        ended = await console.run(
            "query Mine { editorialArticles { totalCount } }", "Mine", "UNAUTHENTICATED"
        )

    assert "Cannot query field 'articels'" in typo
    assert "you are AUTHOR" in forbidden
    assert "Your session has ended" in ended


async def test_a_subscription_shows_an_event_caused_by_another_client(
    settings: Settings, session: AsyncSession
) -> None:
    editor = await _account(session)
    article = await make_article(session, title="Bridge reopens", status=ArticleStatus.PUBLISHED)
    token = await make_token(session, editor)
    await session.commit()
    async with console_server(settings) as server, open_console(server, "subscription") as console:
        await console.start("subscription Watch { breakingNews { title isBreaking } }", "Watch")
        await until(lambda: server.app.state.events.subscriber_count > 0, what="subscribing")
        async with httpx.AsyncClient(base_url=server.url) as other:
            marked = await other.post(
                "/graphql",
                json={
                    "query": "mutation($id: String!) { setArticleBreaking(input: "
                    "{id: $id, breaking: true}) { errors { message } } }",
                    "variables": {"id": article.public_id},
                },
                headers={"authorization": f"Bearer {token}"},
            )
        await console.result_showing("Bridge reopens")
        sockets = [url for url in console.outside if url.startswith("ws")]

    assert marked.json()["data"]["setArticleBreaking"]["errors"] == []
    assert sockets == []
    assert console.outside == []


async def test_in_production_the_docs_are_for_signed_in_staff_only(
    settings: Settings, session: AsyncSession
) -> None:
    await _account(session)
    production = settings.model_copy(
        update={"env": "production", "secret_key": SECRET, "staff_console": True}
    )
    async with console_server(production) as server:
        async with open_console(server, "docs-anonymous") as console:
            anonymous = await console.open_docs()
        async with open_console(server, "docs-editor") as console:
            await console.sign_in("editor@newsroom.example", PASSWORD)
            await console.page.wait_for_selector("#console-sign-out")
            editor = await console.open_docs()
            docs = console.page.locator(".graphiql-doc-explorer")
            await docs.get_by_text("Query", exact=True).first.click()
            await console.page.wait_for_selector(".graphiql-doc-explorer >> text=Everything")
            query_type = await console.page.inner_text(".graphiql-doc-explorer")

    assert "Error fetching schema" in anonymous
    assert "Root Types" not in anonymous
    assert "Root Types" in editor
    assert "Everything that can be read" in query_type


async def test_the_session_cookie_signs_in_the_consoles_subscriptions(
    settings: Settings, session: AsyncSession
) -> None:
    editor = await _account(session)
    draft = await make_article(session, is_live_blog=True, status=ArticleStatus.DRAFT)
    token = await make_token(session, editor)
    await session.commit()
    async with console_server(settings) as server, open_console(server, "socket") as console:
        await console.sign_in("editor@newsroom.example", PASSWORD)
        await console.page.wait_for_selector("#console-sign-out")
        await console.start(
            f'subscription Draft {{ liveBlogUpdated(article: "{draft.public_id}") {{ body }} }}',
            "Draft",
        )
        await until(lambda: server.app.state.events.subscriber_count > 0, what="subscribing")
        async with httpx.AsyncClient(base_url=server.url) as other:
            await other.post(
                "/graphql",
                json={
                    "query": "mutation($id: String!) { addLiveBlogUpdate(input: "
                    '{article: $id, body: "Stalls open"}) { errors { message } } }',
                    "variables": {"id": draft.public_id},
                },
                headers={"authorization": f"Bearer {token}"},
            )
        shown = await console.result_showing("Stalls open")

    assert "No live blog" not in shown
    assert console.outside == []
