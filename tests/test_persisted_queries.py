"""Automatic persisted queries (Apollo's protocol) and the registered allow-list."""

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cms.services import persisted_queries
from cms.settings import Settings
from cms.web.app import create_app
from tests.builders import make_article

QUERY = "query Home { articles(first: 2) { edges { node { title } } } }"
SHA = hashlib.sha256(QUERY.encode()).hexdigest()


def _extensions(sha256: str = SHA) -> dict[str, object]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


async def test_an_unknown_hash_asks_for_the_text_then_works_over_get(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_article(session, title="Persisted")
    await session.commit()
    params = {"extensions": json.dumps(_extensions())}

    unknown = await client.get("/graphql", params=params)
    taught = await client.post("/graphql", json={"query": QUERY, "extensions": _extensions()})
    by_hash = await client.get("/graphql", params=params)

    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert taught.json() == by_hash.json()
    assert by_hash.json()["data"]["articles"]["edges"] == [{"node": {"title": "Persisted"}}]


async def test_a_hash_that_does_not_match_the_text_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": QUERY, "extensions": _extensions("0" * 64)}
    )

    assert response.status_code == 400
    assert "does not match" in response.text


async def test_a_mutation_by_hash_over_get_is_method_not_allowed(
    client: httpx.AsyncClient,
) -> None:
    mutation = "mutation { logout { signedOut } }"
    sha = hashlib.sha256(mutation.encode()).hexdigest()
    await client.post("/graphql", json={"query": mutation, "extensions": _extensions(sha)})

    response = await client.get("/graphql", params={"extensions": json.dumps(_extensions(sha))})

    assert response.status_code == 405


@pytest.fixture
async def locked_client(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """An app that runs registered documents only, with one document in its start-up folder."""
    (tmp_path / "home.graphql").write_text(QUERY, encoding="utf-8")
    app = create_app(
        settings.model_copy(
            update={
                "persisted_queries_only": True,
                "persisted_queries_dir": tmp_path,
                "scheduler_interval_seconds": 0,
            }
        )
    )
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="https://testserver") as client,
    ):
        yield client


async def test_allow_list_mode_runs_registered_documents_only(
    locked_client: httpx.AsyncClient,
) -> None:
    registered = await locked_client.get(
        "/graphql", params={"extensions": json.dumps(_extensions())}
    )
    by_text = await locked_client.post("/graphql", json={"query": QUERY})
    other = await locked_client.post("/graphql", json={"query": "{ categories { slug } }"})

    assert registered.json() == {"data": {"articles": {"edges": []}}}
    assert by_text.json() == registered.json()
    assert other.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"


async def test_registering_twice_keeps_one_entry(session: AsyncSession, tmp_path: Path) -> None:
    (tmp_path / "a.graphql").write_text(QUERY, encoding="utf-8")
    documents = persisted_queries.read_documents([tmp_path])

    first = await persisted_queries.register(session=session, documents=documents)
    second = await persisted_queries.register(session=session, documents=documents)

    assert first == second == [SHA]
