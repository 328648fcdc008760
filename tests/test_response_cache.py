"""The response cache: anonymous queries served as stored bytes, and never a stale answer after a
write, because every write invalidates exactly the tags it touches."""

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar
from urllib.parse import quote

import httpx
from sqlalchemy import Engine, event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from cms.models import ArticleStatus, Role
from cms.services import scheduling
from cms.services.passwords import hash_password
from cms.settings import Settings
from cms.web.app import create_app
from tests.builders import make_article, make_category, make_user

HOME = (
    "query Home($locale: String) "
    "{ articles(first: 5, locale: $locale) { edges { node { title } } } }"
)
LOGIN = (
    "mutation L($e: String!, $p: String!) "
    "{ login(input: {email: $e, password: $p}) { token errors { message } } }"
)
PUBLISH = "mutation P($id: String!) { publishArticle(input: {id: $id}) { errors { message } } }"
UNPUBLISH = "mutation N($id: String!) { unpublishArticle(input: {id: $id}) { errors { message } } }"
RETITLE = (
    "mutation U($id: String!, $title: String!) "
    "{ updateArticle(input: {id: $id, version: 1, title: $title}) { errors { message } } }"
)
RENAME = (
    "mutation R($slug: String!, $name: String!) { updateCategory(input: "
    '{slug: $slug, names: [{locale: "en", text: $name}]}) { errors { message } } }'
)
PASSWORD = "correct horse battery staple"


@contextmanager
def statements(app: Starlette) -> Iterator[list[str]]:
    """The statements every engine sends in the block: the app's, and on SQLite the compiled
    path's blocking reader."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


async def home(client: httpx.AsyncClient, locale: str = "en") -> list[str]:
    response = await client.get(
        "/graphql", params={"query": HOME, "variables": f'{{"locale": "{locale}"}}'}
    )
    return [edge["node"]["title"] for edge in response.json()["data"]["articles"]["edges"]]


async def editor_token(session: AsyncSession, client: httpx.AsyncClient) -> str:
    await make_user(
        session,
        email="ed@newsroom.example",
        role=Role.EDITOR,
        password_hash=hash_password(PASSWORD),
    )
    await session.commit()
    login = await client.post(
        "/graphql", json={"query": LOGIN, "variables": {"e": "ed@newsroom.example", "p": PASSWORD}}
    )
    client.cookies.clear()
    token: str = login.json()["data"]["login"]["token"]
    return token


async def test_a_repeated_anonymous_query_is_served_without_touching_the_database(
    app: Starlette, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_article(session, title="Cached")
    await session.commit()
    first = await client.get("/graphql", params={"query": HOME})

    with statements(app) as seen:
        second = await client.get("/graphql", params={"query": HOME})

    assert seen == []
    assert second.content == first.content
    assert second.json()["data"]["articles"]["edges"] == [{"node": {"title": "Cached"}}]


async def test_identical_misses_at_once_share_one_execution(
    app: Starlette, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """When a write empties the home page's entry, every reader asks for it at once: one runs
    the query and the others are answered with its bytes."""
    await make_article(session, title="Breaking")
    await session.commit()
    with statements(app) as alone:
        await client.get("/graphql", params={"query": HOME, "variables": '{"locale": "ka"}'})

    with statements(app) as together:
        answers = await asyncio.gather(
            *(client.get("/graphql", params={"query": HOME}) for _ in range(8))
        )

    assert len(together) == len(alone) > 0
    assert {answer.content for answer in answers} == {answers[0].content}
    assert answers[0].json()["data"]["articles"]["edges"] == [{"node": {"title": "Breaking"}}]
    assert sorted(answer.headers["x-cache"] for answer in answers) == ["HIT"] * 7 + ["MISS"]


async def test_identical_misses_that_cannot_be_shared_each_get_their_own_answer(
    client: httpx.AsyncClient,
) -> None:
    too_many = "{ articles(first: 1000) { edges { node { title } } } }"

    answers = await asyncio.gather(
        *(client.get("/graphql", params={"query": too_many}) for _ in range(4))
    )

    assert all("first" in answer.json()["errors"][0]["message"] for answer in answers)
    assert all("x-cache" not in answer.headers for answer in answers)


async def test_a_cache_hit_does_not_repeat_the_request_id_of_the_miss(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_article(session, title="Cached")
    await session.commit()
    first = await client.get("/graphql", params={"query": HOME})

    second = await client.get("/graphql", params={"query": HOME})

    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    assert second.headers.get("x-request-id") != first.headers["x-request-id"]


async def test_cacheable_responses_carry_http_caching_headers(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    article = await make_article(session)
    await session.commit()

    response = await client.get("/graphql", params={"query": HOME})
    again = await client.get(
        "/graphql", params={"query": HOME}, headers={"if-none-match": response.headers["etag"]}
    )

    assert response.headers["cache-control"] == (
        "public, max-age=30, s-maxage=300, stale-while-revalidate=60"
    )
    assert f"article:{article.public_id}" in response.headers["surrogate-key"].split()
    assert "feed:all" in response.headers["surrogate-key"].split()
    assert again.status_code == 304
    assert again.content == b""


async def test_a_lookup_of_any_text_is_answered_with_a_header_safe_surrogate_key(
    client: httpx.AsyncClient,
) -> None:
    slug = "ქართ ული\x01"
    query = 'query A($slug: String!) { article(slug: $slug, locale: "en") { title } }'

    response = await client.post("/graphql", json={"query": query, "variables": {"slug": slug}})

    assert response.json() == {"data": {"article": None}}
    assert response.headers["surrogate-key"] == f"slug:en:{quote(slug, safe='')}"


async def test_signed_in_requests_are_never_cached_or_served_from_cache(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_article(session, title="Public")
    await make_article(session, title="Draft", status=ArticleStatus.DRAFT)
    await session.commit()
    token = await editor_token(session, client)
    await client.get("/graphql", params={"query": HOME})

    signed_in = await client.get(
        "/graphql",
        params={"query": "{ editorialArticles { edges { node { title } } } }"},
        headers={"authorization": f"Bearer {token}"},
    )

    assert signed_in.headers["cache-control"] == "private, no-store"
    assert "etag" not in signed_in.headers


async def test_a_publish_is_visible_on_the_next_request(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_article(session, title="Old news")
    draft = await make_article(session, title="Fresh news", status=ArticleStatus.DRAFT)
    await session.commit()
    token = await editor_token(session, client)
    assert await home(client) == ["Old news"]

    published = await client.post(
        "/graphql",
        json={"query": PUBLISH, "variables": {"id": draft.public_id}},
        headers={"authorization": f"Bearer {token}"},
    )

    assert published.json()["data"]["publishArticle"]["errors"] == []
    assert await home(client) == ["Fresh news", "Old news"]


async def test_an_edit_and_an_unpublish_are_visible_on_the_next_request(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    article = await make_article(session, title="Before")
    await session.commit()
    token = await editor_token(session, client)
    headers = {"authorization": f"Bearer {token}"}
    page = "query A($id: String) { article(publicId: $id) { title } }"
    variables = f'{{"id": "{article.public_id}"}}'
    await client.get("/graphql", params={"query": page, "variables": variables})
    assert await home(client) == ["Before"]

    await client.post(
        "/graphql",
        json={"query": RETITLE, "variables": {"id": article.public_id, "title": "After"}},
        headers=headers,
    )
    edited = await client.get("/graphql", params={"query": page, "variables": variables})
    assert edited.json()["data"]["article"] == {"title": "After"}
    assert await home(client) == ["After"]

    await client.post(
        "/graphql",
        json={"query": UNPUBLISH, "variables": {"id": article.public_id}},
        headers=headers,
    )
    assert await home(client) == []


async def test_a_write_leaves_unrelated_entries_cached(
    app: Starlette, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_article(session, title="English", locale="en")
    draft = await make_article(session, title="ქართული", locale="ka", status=ArticleStatus.DRAFT)
    await session.commit()
    token = await editor_token(session, client)
    assert await home(client, "en") == ["English"]
    assert await home(client, "ka") == []

    await client.post(
        "/graphql",
        json={"query": PUBLISH, "variables": {"id": draft.public_id}},
        headers={"authorization": f"Bearer {token}"},
    )
    with statements(app) as seen:
        english = await home(client, "en")
    georgian = await home(client, "ka")

    assert (english, seen) == (["English"], [])
    assert georgian == ["ქართული"]


async def test_the_scheduler_invalidates_what_it_publishes(
    app: Starlette, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_article(
        session,
        title="Due",
        status=ArticleStatus.SCHEDULED,
        scheduled_at=datetime.now(UTC) - timedelta(seconds=1),
    )
    await session.commit()
    assert await home(client) == []

    sessions: async_sessionmaker[AsyncSession] = app.state.sessions
    await scheduling.run_once(sessions)

    assert await home(client) == ["Due"]


async def test_a_category_rename_refreshes_the_menu(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_category(session, slug="economy", names={"en": "Economy"})
    await session.commit()
    token = await editor_token(session, client)
    menu = '{ categories(locale: "en") { name } }'
    await client.get("/graphql", params={"query": menu})

    await client.post(
        "/graphql",
        json={"query": RENAME, "variables": {"slug": "economy", "name": "The Economy"}},
        headers={"authorization": f"Bearer {token}"},
    )
    fresh = await client.get("/graphql", params={"query": menu})

    assert fresh.json()["data"]["categories"] == [{"name": "The Economy"}]


async def test_mutations_are_never_answered_from_the_cache(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    login = {"query": LOGIN, "variables": {"e": "x@newsroom.example", "p": "wrong password"}}
    first = await client.post("/graphql", json=login)
    second = await client.post("/graphql", json=login)

    assert first.headers["cache-control"] == "no-store"
    assert "etag" not in second.headers


class _PurgeRecorder(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, list[str]]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["content-length"])
        self.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


async def test_a_cdn_is_told_which_keys_a_write_made_stale(
    settings: Settings, session: AsyncSession
) -> None:
    server = HTTPServer(("127.0.0.1", 0), _PurgeRecorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/purge"
    app = create_app(settings.model_copy(update={"cdn_purge_url": url}))
    draft = await make_article(session, title="Fresh", status=ArticleStatus.DRAFT)
    await session.commit()
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="https://testserver"
            ) as client,
        ):
            token = await editor_token(session, client)
            await client.post(
                "/graphql",
                json={"query": PUBLISH, "variables": {"id": draft.public_id}},
                headers={"authorization": f"Bearer {token}"},
            )
    finally:
        server.shutdown()
        server.server_close()

    purged = {key for request in _PurgeRecorder.received for key in request["surrogateKeys"]}
    assert {f"article:{draft.public_id}", "feed:all", "feed:locale:en"} <= purged
