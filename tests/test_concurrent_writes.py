"""Races between editors resolve to one winner: concurrent HTTP clients against a real server
publishing one draft, or creating articles with one slug, get one success and clean errors for
the rest, never a 500, and the database holds exactly one write."""

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from cms.models import (
    Article,
    ArticleAuthor,
    ArticleStatus,
    ArticleTag,
    AuditEntry,
    Category,
    Revision,
    Role,
    Tag,
)
from cms.services.editorial import ATTEMPTS
from tests.builders import make_article, make_token, make_user
from tests.live_server import live_server

CLIENTS = 8
PAYLOAD = "article { publicId slug status version } errors { field message code }"
CREATE = f"mutation($input: CreateArticleInput!) {{ createArticle(input: $input) {{ {PAYLOAD} }} }}"
PUBLISH = f"mutation($id: String!) {{ publishArticle(input: {{id: $id}}) {{ {PAYLOAD} }} }}"
FEATURE = (
    "mutation($id: String!) { setArticleFeatured(input: {id: $id, featured: true})"
    f" {{ {PAYLOAD} }} }}"
)
BREAKING = (
    "mutation($id: String!) { setArticleBreaking(input: {id: $id, breaking: true})"
    f" {{ {PAYLOAD} }} }}"
)


@pytest.fixture
async def server(
    session: AsyncSession, database_url: str, tmp_path: Path
) -> AsyncIterator[list[httpx.AsyncClient]]:
    """A live server and `CLIENTS` editors' HTTP clients, each on its own connection."""
    tokens = []
    for n in range(CLIENTS):
        editor = await make_user(session, role=Role.EDITOR, display_name=f"Editor {n}")
        tokens.append(await make_token(session, editor))
    await session.commit()
    env = {
        "CMS_DATABASE_URL": database_url,
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0",
        "CMS_MEDIA_ROOT": str(tmp_path / "media"),
    }
    with live_server(env) as url:
        clients = [
            httpx.AsyncClient(
                base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60
            )
            for token in tokens
        ]
        yield clients
        for client in clients:
            await client.aclose()


async def _all_at_once(
    clients: list[httpx.AsyncClient], query: str, variables: dict[str, Any]
) -> list[dict[str, Any]]:
    """Send one mutation from every client at the same moment; each answer's payload."""
    start = asyncio.Event()

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        await start.wait()
        return await client.post("/graphql", json={"query": query, "variables": variables})

    sending = [asyncio.create_task(send(client)) for client in clients]
    await asyncio.sleep(0.05)
    start.set()
    payloads = []
    for response in await asyncio.gather(*sending):
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        (payload,) = body["data"].values()
        payloads.append(payload)
    return payloads


async def _count(session: AsyncSession, *where: Any, model: Any = Article) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_concurrent_publishes_of_one_draft_publish_it_once(
    server: list[httpx.AsyncClient], sessions: async_sessionmaker[AsyncSession]
) -> None:
    created = await server[0].post(
        "/graphql", json={"query": CREATE, "variables": {"input": {"title": "Lari strengthens"}}}
    )
    public_id = created.json()["data"]["createArticle"]["article"]["publicId"]

    payloads = await _all_at_once(server, PUBLISH, {"id": public_id})

    published = [p for p in payloads if not p["errors"]]
    assert len(published) == 1, payloads
    assert published[0]["article"] == {
        "publicId": public_id,
        "slug": "lari-strengthens",
        "status": "PUBLISHED",
        "version": 2,
    }
    for refused in (p for p in payloads if p["errors"]):
        assert refused["article"] is None
        assert [e["field"] for e in refused["errors"]] == ["status"]
        assert "PUBLISHED" in refused["errors"][0]["message"]
    async with sessions() as session:
        article = (await session.scalars(select(Article))).one()
        assert (article.status, article.version) == (ArticleStatus.PUBLISHED, 2)
        assert await _count(session, model=Revision) == 2
        publishes = col(AuditEntry.action) == "article.publish"
        assert await _count(session, publishes, model=AuditEntry) == 1


async def test_concurrent_creates_with_one_slug_create_one_article(
    server: list[httpx.AsyncClient], sessions: async_sessionmaker[AsyncSession]
) -> None:
    article = {"title": "Wine exports rise", "slug": "wine-exports", "tags": ["wine", "exports"]}

    payloads = await _all_at_once(server, CREATE, {"input": article})

    created = [p for p in payloads if not p["errors"]]
    assert len(created) == 1, payloads
    assert created[0]["article"]["slug"] == "wine-exports"
    for refused in (p for p in payloads if p["errors"]):
        assert refused["article"] is None
        assert refused["errors"] == [
            {
                "field": "slug",
                "message": "The slug 'wine-exports' is taken by another article.",
                "code": "BAD_USER_INPUT",
            }
        ]
    async with sessions() as session:
        winner = (await session.scalars(select(Article))).one()
        assert winner.public_id == created[0]["article"]["publicId"]
        for model in (Revision, ArticleAuthor, ArticleTag):
            assert await _count(session, model=model) == (2 if model is ArticleTag else 1)
        assert await _count(session, model=AuditEntry) == 1
        assert await _count(session, model=Tag) == 2


async def test_concurrent_creates_of_one_title_each_get_their_own_slug(
    server: list[httpx.AsyncClient], sessions: async_sessionmaker[AsyncSession]
) -> None:
    editors = server[:ATTEMPTS]

    payloads = await _all_at_once(editors, CREATE, {"input": {"title": "Wine exports rise"}})

    assert [p["errors"] for p in payloads] == [[]] * len(editors)
    slugs = {p["article"]["slug"] for p in payloads}
    assert slugs == {"wine-exports-rise"} | {f"wine-exports-rise-{n}" for n in range(2, 6)}
    async with sessions() as session:
        assert await _count(session) == len(editors)
        assert await _count(session, model=Revision) == len(editors)


async def test_a_publish_and_flags_set_at_the_same_moment_all_take_effect(
    server: list[httpx.AsyncClient], sessions: async_sessionmaker[AsyncSession]
) -> None:
    created = await server[0].post(
        "/graphql", json={"query": CREATE, "variables": {"input": {"title": "Storm warning"}}}
    )
    public_id = created.json()["data"]["createArticle"]["article"]["publicId"]
    start = asyncio.Event()

    async def send(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
        await start.wait()
        response = await client.post(
            "/graphql", json={"query": query, "variables": {"id": public_id}}
        )
        (payload,) = response.json()["data"].values()
        return dict(payload)

    sending = [
        asyncio.create_task(send(client, query))
        for client, query in zip(server, (PUBLISH, FEATURE, BREAKING), strict=False)
    ]
    await asyncio.sleep(0.05)
    start.set()

    assert [p["errors"] for p in await asyncio.gather(*sending)] == [[], [], []]
    async with sessions() as session:
        article = (await session.scalars(select(Article))).one()
        assert (article.status, article.is_featured, article.is_breaking) == (
            ArticleStatus.PUBLISHED,
            True,
            True,
        )
        assert article.version == 4


TAXONOMY = {
    "createTag": "mutation($input: CreateTagInput!) { createTag(input: $input) "
    "{ tag { slug } errors { field message code } } }",
    "createCategory": "mutation($input: CreateCategoryInput!) { createCategory(input: $input) "
    "{ category { slug } errors { field message code } } }",
}


@pytest.mark.parametrize(("mutation", "model"), [("createTag", Tag), ("createCategory", Category)])
async def test_concurrent_creates_of_one_tag_or_category_create_one(
    server: list[httpx.AsyncClient],
    sessions: async_sessionmaker[AsyncSession],
    mutation: str,
    model: Any,
) -> None:
    names = [{"locale": "en", "text": "Wine"}, {"locale": "ka", "text": "ღვინო"}]

    payloads = await _all_at_once(
        server, TAXONOMY[mutation], {"input": {"names": names, "slug": "wine"}}
    )

    created = [p for p in payloads if not p["errors"]]
    assert len(created) == 1, payloads
    for refused in (p for p in payloads if p["errors"]):
        assert [e["field"] for e in refused["errors"]] == ["slug"], refused
        assert "wine" in refused["errors"][0]["message"]
    async with sessions() as session:
        assert await _count(session, model=model) == 1


async def test_a_publish_waiting_past_sqlites_busy_timeout_is_run_again(
    client: httpx.AsyncClient, session: AsyncSession, database_url: str, backend: str
) -> None:
    """SQLite has one writer; a publish that waits for it longer than the busy timeout (5 s)
    while another process holds it is run again, not answered with an error."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database")
    editor = await make_user(session, role=Role.EDITOR)
    token = await make_token(session, editor)
    draft = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()
    other_process = sqlite3.connect(make_url(database_url).database or "", timeout=0)
    other_process.execute("BEGIN IMMEDIATE")

    async def release_later() -> None:
        await asyncio.sleep(7)
        other_process.rollback()

    releasing = asyncio.create_task(release_later())
    response = await client.post(
        "/graphql",
        json={"query": PUBLISH, "variables": {"id": draft.public_id}},
        headers={"Authorization": f"Bearer {token}"},
    )
    await releasing
    other_process.close()

    assert response.json()["data"]["publishArticle"]["errors"] == [], response.text
    await session.refresh(draft)
    assert draft.status == ArticleStatus.PUBLISHED
