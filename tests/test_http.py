"""GraphQL over HTTP through the app: methods, media types and status codes."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.builders import make_article

QUERY = "{ articles(first: 1) { edges { node { title } } } }"


async def test_post_and_get_answer_the_same(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_article(session, title="Hello")
    await session.commit()

    posted = await client.post("/graphql", json={"query": QUERY})
    fetched = await client.get("/graphql", params={"query": QUERY})

    assert posted.status_code == fetched.status_code == 200
    assert posted.headers["content-type"].startswith("application/json")
    assert posted.json() == fetched.json()
    assert posted.json()["data"]["articles"]["edges"][0]["node"]["title"] == "Hello"


async def test_get_mutation_is_method_not_allowed(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "mutation { anything }"})

    assert response.status_code == 405


async def test_malformed_json_is_a_bad_request(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b'{"query": ', headers={"content-type": "application/json"}
    )

    assert response.status_code == 400


async def test_unsupported_content_type_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b"{ articles { totalCount } }", headers={"content-type": "text/plain"}
    )

    assert response.status_code == 415


async def test_a_browser_gets_graphiql(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_health_check_reaches_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.json() == {"status": "ok", "subscribers": 0}


async def test_media_are_served_with_immutable_caching(
    client: httpx.AsyncClient, settings: object
) -> None:
    root = settings.media_root  # type: ignore[attr-defined]
    (root / "ab").mkdir(exist_ok=True)
    (root / "ab" / "picture.jpg").write_bytes(b"\xff\xd8\xff picture")

    response = await client.get("/media/ab/picture.jpg")

    assert response.status_code == 200
    assert response.content == b"\xff\xd8\xff picture"
    assert "immutable" in response.headers["cache-control"]
