"""GraphQL over HTTP through the app: methods, media types and status codes."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.types import Message

from cms.models import Article
from cms.models.enums import Role
from cms.settings import Settings
from tests.builders import make_article, make_token, make_user
from tests.conftest import app_client
from tests.live_server import live_server

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


GRAPHQL_RESPONSE = "application/graphql-response+json"
MODERN = {"accept": GRAPHQL_RESPONSE}
LEGACY = {"accept": "application/json"}


def _refusal_message(response: httpx.Response) -> str:
    """A refused request still answers with a GraphQL response naming the fault."""
    message: str = response.json()["errors"][0]["message"]
    return message


async def test_a_body_that_is_not_utf8_is_a_bad_request(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        content=b'{"query": "{ __typename \xff\xfe }"}',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 400
    assert "UTF-8" in _refusal_message(response)


async def test_deeply_nested_json_is_a_bad_request(client: httpx.AsyncClient) -> None:
    nested = b"[" * 20_000 + b"]" * 20_000
    response = await client.post(
        "/graphql",
        content=b'{"query": "{ __typename }", "variables": {"x": ' + nested + b"}}",
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 400
    assert "depth" in _refusal_message(response)


@pytest.mark.parametrize(
    "body",
    [b"42", b'"{ __typename }"', b"null", b"[]", b"[1, 2]", b'[[{"query": "{ __typename }"}]]'],
)
async def test_a_body_that_is_not_an_operation_or_a_batch_is_a_bad_request(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    "operation",
    [
        {"query": 5},
        {"query": "{ __typename }", "variables": [1]},
        {"query": "{ __typename }", "operationName": 5},
        {"query": "{ __typename }", "extensions": "x"},
    ],
)
async def test_parameters_of_the_wrong_type_are_bad_requests_alone_or_batched(
    client: httpx.AsyncClient, operation: dict[str, object]
) -> None:
    alone = await client.post("/graphql", json=operation)
    batched = await client.post("/graphql", json=[{"query": "{ __typename }"}, operation])

    assert alone.status_code == batched.status_code == 400
    assert _refusal_message(batched).startswith("Operation 2 of the batch: ")


async def test_a_nul_character_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    editor = await make_user(session, role=Role.EDITOR)
    token = await make_token(session, editor)
    await session.commit()
    mutation = (
        "mutation C($input: CreateArticleInput!) "
        "{ createArticle(input: $input) { errors { code } } }"
    )

    response = await client.post(
        "/graphql",
        json={"query": mutation, "variables": {"input": {"title": "Breaking\x00news"}}},
        headers={"authorization": f"Bearer {token}"},
    )

    assert response.status_code == 400
    assert "NUL" in _refusal_message(response)
    assert await session.scalar(select(func.count()).select_from(Article)) == 0


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        GRAPHQL_RESPONSE,
        "application/json; charset=latin-1",
        "application/x-www-form-urlencoded",
    ],
)
async def test_a_body_that_is_not_json_in_utf8_is_unsupported(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}

    response = await client.post(
        "/graphql", content=b'{"query": "{ __typename }"}', headers=headers
    )

    assert response.status_code == 415


async def test_a_query_string_over_the_body_limit_is_414(settings: Settings) -> None:
    variables = '{"x": "' + "x" * 2000 + '"}'
    params = {"query": "{ __typename }", "variables": variables}

    async with app_client(settings.model_copy(update={"max_body_bytes": 1000})) as client:
        response = await client.get("/graphql", params=params, headers=LEGACY)

    assert response.status_code == 414
    assert "the limit is 1000" in _refusal_message(response)


async def test_a_chunked_body_over_the_limit_is_413_on_a_real_server(
    database_url: str, tmp_path: Path
) -> None:
    """No Content-Length to refuse up front: the body is counted as it arrives."""
    env = {"CMS_DATABASE_URL": database_url, "CMS_MEDIA_ROOT": str(tmp_path)}
    chunk = b'{"query": "{ __typename }", "variables": {"x": "' + b"x" * 60_000

    async def chunks() -> AsyncIterator[bytes]:
        yield chunk
        yield b"x" * 60_000
        yield b'"}}'

    with live_server(env) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            response = await client.post(
                "/graphql", content=chunks(), headers={"content-type": "application/json"}
            )

    assert "content-length" not in response.request.headers
    assert response.status_code == 413


async def test_a_query_string_that_is_not_utf8_is_a_bad_request(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql?query=%7B%20__typename%20%FF%20%7D", headers=LEGACY)

    assert response.status_code == 400
    assert "UTF-8" in _refusal_message(response)


@pytest.mark.parametrize(
    ("operations", "files_map"),
    [("[1]", '{"0": ["variables.file"]}'), ('{"query": "{ __typename }"}', "[1]")],
)
async def test_a_multipart_map_that_points_nowhere_is_a_bad_request(
    client: httpx.AsyncClient, operations: str, files_map: str
) -> None:
    response = await client.post(
        "/graphql",
        headers={"apollo-require-preflight": "true"},
        data={"operations": operations, "map": files_map},
        files={"0": ("a.jpg", b"x", "image/jpeg")},
    )

    assert response.status_code == 400


async def test_graphql_response_json_is_answered_in_kind(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=MODERN)

    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    assert response.json() == {"data": {"__typename": "Query"}}


REQUEST_ERRORS = {
    "syntax": {"query": "{ articles {"},
    "validation": {"query": "{ nosuchfield }"},
    "variables": {
        "query": "query Q($n: Int!) { articles(first: $n) { totalCount } }",
        "variables": {"n": "many"},
    },
    "operation": {"query": "query A { __typename }", "operationName": "B"},
}


@pytest.mark.parametrize("case", REQUEST_ERRORS)
async def test_with_graphql_response_json_a_request_error_is_400_without_data(
    client: httpx.AsyncClient, case: str
) -> None:
    response = await client.post("/graphql", json=REQUEST_ERRORS[case], headers=MODERN)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in response.json()
    assert response.json()["errors"]


@pytest.mark.parametrize("case", REQUEST_ERRORS)
async def test_with_application_json_a_request_error_is_the_legacy_200(
    client: httpx.AsyncClient, case: str
) -> None:
    response = await client.post("/graphql", json=REQUEST_ERRORS[case], headers=LEGACY)

    assert response.status_code == 200
    assert response.json()["data"] is None
    assert response.json()["errors"]


async def test_a_field_error_is_200_with_data_in_graphql_response_json(
    client: httpx.AsyncClient,
) -> None:
    """The operation ran: a partial response, even with `data` null, is not a request error."""
    response = await client.post("/graphql", json={"query": "{ auditLog { id } }"}, headers=MODERN)

    assert response.status_code == 200
    assert response.json()["data"] is None
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_client_without_accept_gets_graphql_response_json(
    client: httpx.AsyncClient,
) -> None:
    request = client.build_request("POST", "/graphql", json={"query": "{ nosuchfield }"})
    del request.headers["accept"]

    response = await client.send(request)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("application/json, application/graphql-response+json", "application/json"),
        ("application/graphql-response+json, application/json", GRAPHQL_RESPONSE),
        ("application/json;q=0.5, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/json;q=0, */*", GRAPHQL_RESPONSE),
        ("text/html, */*;q=0.8", "application/json"),
    ],
)
async def test_the_response_media_type_follows_accept(
    client: httpx.AsyncClient, accept: str, media_type: str
) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": accept}
    )

    assert response.headers["content-type"].split(";")[0] == media_type


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "application/json;q=0"])
async def test_a_client_that_accepts_neither_json_type_gets_406(
    client: httpx.AsyncClient, accept: str
) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": accept}
    )

    assert response.status_code == 406


async def test_cached_responses_keep_the_media_type_each_client_asked_for(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_article(session, title="Cached")
    await session.commit()

    legacy = [await client.get("/graphql", params={"query": QUERY}, headers=LEGACY) for _ in "ab"]
    modern = [await client.get("/graphql", params={"query": QUERY}, headers=MODERN) for _ in "ab"]

    assert [r.headers["content-type"] for r in legacy] == ["application/json"] * 2
    assert [r.headers["content-type"].split(";")[0] for r in modern] == [GRAPHQL_RESPONSE] * 2
    assert modern[1].headers["x-cache"] == "HIT"


async def test_a_batch_answers_200_with_a_response_per_operation(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql",
        json=[{"query": "{ __typename }"}, {"query": "{ nosuchfield }"}],
        headers=MODERN,
    )

    assert response.status_code == 200
    ok, refused = response.json()
    assert ok == {"data": {"__typename": "Query"}}
    assert "data" not in refused
    assert refused["errors"]


async def test_a_content_length_in_other_digits_is_no_server_error(
    app: Starlette,
) -> None:
    """Starlette decodes headers as Latin-1, where "²" is a digit to `str.isdigit` but not to
    `int`: such a length is no length, not an unexpected error."""
    sent: list[Message] = []
    body = b'{"query": "{ __typename }"}'
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", "²".encode("latin-1")),
        ],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)

    assert sent[0]["status"] == 200
