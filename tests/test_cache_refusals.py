"""The response cache answers only what the uncached path would answer: a request that path
refuses (wrong Content-Type, an Accept it cannot meet, a multipart form without its preflight
header) is refused the same way even when an identical accepted request was cached just before.
A `text/plain` POST is what a foreign page can send without a CORS preflight."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.builders import make_article

HOME = '{"query": "{ articles(first: 5) { edges { node { title } } } }"}'
BOUNDARY = "cms-test-boundary"


def multipart(operations: str) -> bytes:
    """A GraphQL multipart request with no files: its `operations` and an empty `map`."""
    parts = [("operations", operations), ("map", "{}")]
    body = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in parts
    )
    return f"{body}--{BOUNDARY}--\r\n".encode()


@pytest.fixture
async def cached_home(client: httpx.AsyncClient, session: AsyncSession) -> httpx.Response:
    await make_article(session, title="Cached")
    await session.commit()
    await client.post("/graphql", content=HOME, headers={"content-type": "application/json"})
    response = await client.post(
        "/graphql", content=HOME, headers={"content-type": "application/json"}
    )
    assert response.headers["x-cache"] == "HIT"
    return response


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1", None],
)
async def test_a_cached_body_sent_with_another_content_type_is_refused(
    client: httpx.AsyncClient, cached_home: httpx.Response, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"content-type": content_type}

    response = await client.post("/graphql", content=HOME, headers=headers)

    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert "x-cache" not in response.headers


async def test_a_cached_query_asked_for_in_a_type_nobody_offers_is_refused(
    client: httpx.AsyncClient, cached_home: httpx.Response
) -> None:
    response = await client.post(
        "/graphql",
        content=HOME,
        headers={"content-type": "application/json", "accept": "text/html"},
    )

    assert response.status_code == 406
    assert "x-cache" not in response.headers


async def test_a_multipart_query_without_the_preflight_header_is_refused_after_one_with_it(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_article(session, title="Cached")
    await session.commit()
    body = multipart(HOME)
    form = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    accepted = await client.post(
        "/graphql", content=body, headers=form | {"apollo-require-preflight": "true"}
    )
    assert accepted.json()["data"]["articles"]["edges"] == [{"node": {"title": "Cached"}}]

    refused = await client.post("/graphql", content=body, headers=form)

    assert refused.status_code == 400
    assert "Apollo-Require-Preflight" in refused.json()["errors"][0]["message"]


async def test_a_json_query_with_a_charset_is_still_served_from_the_cache(
    client: httpx.AsyncClient, cached_home: httpx.Response
) -> None:
    response = await client.post(
        "/graphql", content=HOME, headers={"content-type": "application/json; charset=UTF-8"}
    )

    assert response.status_code == 200
    assert response.headers["x-cache"] == "HIT"
    assert response.content == cached_home.content
