"""Limits that protect the public endpoint, each refusal naming the limit."""

import httpx

from cms.settings import Settings


async def test_a_costly_query_is_refused_before_it_runs(client: httpx.AsyncClient) -> None:
    query = """
    { articles(first: 100) { edges { node {
        tags { articles(first: 100) { edges { node { title } } } }
    } } } }
    """

    response = await client.post("/graphql", json={"query": query})

    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "the limit is 5000" in error["message"]
    assert response.json()["data"] is None


async def test_the_home_page_at_the_largest_page_size_is_within_the_cost_limit(
    client: httpx.AsyncClient,
) -> None:
    query = """{ articles(first: 100) { totalCount edges { node {
        id title slug lead publishedAt views category { name slug } tags { name }
        cover { url width height alt } } } } }"""

    response = await client.post("/graphql", json={"query": query})

    assert "errors" not in response.json()


async def test_too_deep_queries_are_refused(client: httpx.AsyncClient, settings: Settings) -> None:
    nested = "parent { " * 12 + "slug" + " }" * 12
    response = await client.post("/graphql", json={"query": f"{{ categories {{ {nested} }} }}"})

    assert f"maximum operation depth of {settings.max_query_depth}" in response.text


async def test_too_many_aliases_are_refused(client: httpx.AsyncClient) -> None:
    aliases = " ".join(f"a{n}: __typename" for n in range(40))

    response = await client.post("/graphql", json={"query": f"{{ {aliases} }}"})

    assert "40 aliases found. Allowed: 15" in response.text


async def test_too_many_tokens_are_refused_before_parsing(client: httpx.AsyncClient) -> None:
    fields = " ".join("__typename" for _ in range(3000))

    response = await client.post("/graphql", json={"query": f"{{ {fields} }}"})

    assert "more than 2000 tokens" in response.text


async def test_an_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        content=b'{"query": "{ __typename }", "variables": {"x": "' + b"x" * 200_000 + b'"}}',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 413
    assert "the limit is 100000" in response.text


async def test_batches_are_answered_up_to_the_cap(client: httpx.AsyncClient) -> None:
    one = {"query": "{ __typename }"}

    small = await client.post("/graphql", json=[one, one])
    large = await client.post("/graphql", json=[one] * 11)

    assert small.json() == [{"data": {"__typename": "Query"}}] * 2
    assert large.status_code == 400
    assert "at most 10 operations; this one has 11" in large.text


async def test_georgian_text_is_sent_as_utf8_not_escapes(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": '{ articles(locale: "ფრ") { totalCount } }'}
    )

    assert "ფრ".encode() in response.content


async def test_a_cost_past_what_json_numbers_hold_is_reported_capped(
    client: httpx.AsyncClient,
) -> None:
    nested = "related(first: 2000000000) { " * 4 + "title" + " }" * 4
    query = f'{{ article(slug: "x", locale: "en") {{ {nested} }} }}'

    response = await client.post("/graphql", json={"query": query})

    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["cost"] == 2**53 - 1
    assert error["message"].startswith(f"This query costs over {2**53 - 1}; the limit is 5000.")
