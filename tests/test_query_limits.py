"""Limits that protect the public endpoint: each refusal names the value, the limit and its
setting, comes before the costly step, and leaves other clients served."""

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query
from sqlalchemy.ext.asyncio import AsyncSession

from cms.settings import Settings
from tests.builders import make_article, make_category
from tests.conftest import app_client
from tests.live_server import server_process

MODERN = {"accept": "application/graphql-response+json"}


def _nested(levels: int) -> str:
    return "parent { " * levels + "slug" + " }" * levels


def _fanout(levels: int) -> str:
    """Fragments that each spread the next twice: 2**levels selections of `slug` once expanded."""
    fragments = "".join(
        f"fragment F{n} on Category {{ slug ...F{n + 1} ...F{n + 1} }} " for n in range(levels)
    )
    return f"{fragments}fragment F{levels} on Category {{ slug }} {{ categories {{ ...F0 }} }}"


PATHOLOGICAL: dict[str, tuple[str, str]] = {
    "deep": (f"{{ categories {{ {_nested(12)} }} }}", "QUERY_TOO_DEEP"),
    "deep through fragments": (
        f"fragment Deep on Category {{ {_nested(6)} }} "
        f"{{ categories {{ {'parent { ' * 6}...Deep{' }' * 6} }} }}",
        "QUERY_TOO_DEEP",
    ),
    "fragment named __schema": (
        f"fragment __schema on Category {{ {_nested(12)} }} {{ categories {{ ...__schema }} }}",
        "QUERY_TOO_DEEP",
    ),
    "operation named __type": (
        f"query __type {{ categories {{ {_nested(12)} }} }}",
        "QUERY_TOO_DEEP",
    ),
    "aliases": ("{ " + " ".join(f"a{n}: __typename" for n in range(40)) + " }", "TOO_MANY_ALIASES"),
    "one field repeated": ("{ " + "__typename " * 1900 + "}", "FIELD_REPEATED"),
    "repeats through fragments": (_fanout(20), "FIELD_REPEATED"),
    "directives": ("{ __typename " + "@include(if: true) " * 30 + "}", "TOO_MANY_DIRECTIVES"),
    "tokens": ("{ " + "__typename " * 3000 + "}", "QUERY_TOO_LONG"),
    "cost": (
        "{ articles(first: 100) { edges { node { "
        "tags { articles(first: 100) { edges { node { title } } } } } } } }",
        "QUERY_TOO_COSTLY",
    ),
}


@pytest.mark.parametrize("case", PATHOLOGICAL)
async def test_a_pathological_document_is_refused_with_a_400_naming_its_limit(
    client: httpx.AsyncClient, case: str
) -> None:
    query, code = PATHOLOGICAL[case]

    response = await client.post("/graphql", json={"query": query}, headers=MODERN)

    assert response.status_code == 400
    assert "data" not in response.json()
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == code
    assert f"the limit of {error['extensions']['limit']} " in error["message"]
    assert f"({error['extensions']['setting']})" in error["message"]


async def test_the_depth_refusal_names_the_depth_the_limit_and_the_setting(
    client: httpx.AsyncClient,
) -> None:
    query = f"{{ categories {{ {_nested(14)} }} }}"

    response = await client.post("/graphql", json={"query": query})

    assert response.json()["errors"][0]["message"] == (
        "Query depth 15 exceeds the limit of 10 (CMS_MAX_QUERY_DEPTH)."
    )


async def test_a_field_repeated_through_fragments_is_counted_once_expanded(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": _fanout(20)})

    assert response.json()["errors"][0]["message"] == (
        "Field `slug` is selected 2097151 times in one selection set, over the limit of 50 "
        "(CMS_MAX_QUERY_REPEATS)."
    )


async def test_an_argument_given_twice_is_refused(client: httpx.AsyncClient) -> None:
    query = "{ articles(first: 1, first: 100) { totalCount } }"

    response = await client.post("/graphql", json={"query": query}, headers=MODERN)

    assert response.status_code == 400
    assert "only one argument named 'first'" in response.json()["errors"][0]["message"]


async def test_documents_at_the_limits_are_answered(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    parent = await make_category(session, slug="world")
    await make_category(session, slug="europe", parent_id=parent.id)
    await session.commit()
    aliases = " ".join(f"a{n}: __typename" for n in range(15))
    query = (
        f"fragment Up on Category {{ {_nested(4)} }} "
        f"{{ {aliases} categories {{ {'parent { ' * 5}...Up{' }' * 5} "
        f"slug @include(if: true) @skip(if: false) }} }}"
    )

    response = await client.post("/graphql", json={"query": query}, headers=MODERN)

    assert response.status_code == 200
    assert "errors" not in response.json()


async def test_graphiql_can_still_introspect_the_schema(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": get_introspection_query()})

    assert "errors" not in response.json()
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_the_home_page_at_the_largest_page_size_is_within_the_cost_limit(
    client: httpx.AsyncClient,
) -> None:
    query = """{ articles(first: 100) { totalCount edges { node {
        id title slug lead publishedAt views category { name slug } tags { name }
        cover { url width height alt } } } } }"""

    response = await client.post("/graphql", json={"query": query})

    assert "errors" not in response.json()


async def test_a_query_past_the_time_limit_is_stopped_with_an_error_naming_it(
    settings: Settings, session: AsyncSession
) -> None:
    """Any limit below the time of one database round trip stops a query that reads."""
    await make_article(session)
    await session.commit()
    query = "{ articles(first: 5) { totalCount edges { node { title } } } }"

    async with app_client(settings.model_copy(update={"max_query_seconds": 1e-6})) as client:
        response = await client.post("/graphql", json={"query": query}, headers=MODERN)
        typename = await client.post("/graphql", json={"query": "{ __typename }"})

    assert response.status_code == 504
    assert response.json()["errors"][0]["message"] == (
        "Query time exceeded the limit of 1e-06 s (CMS_MAX_QUERY_SECONDS); the query was stopped."
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TIMEOUT"
    assert typename.json() == {"data": {"__typename": "Query"}}


async def test_an_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        content=b'{"query": "{ __typename }", "variables": {"x": "' + b"x" * 200_000 + b'"}}',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 413
    assert "the limit is 100000 (CMS_MAX_BODY_BYTES)" in response.text


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


HOME = """query Home($first: Int!) { articles(first: $first) { totalCount edges { node {
    title slug lead category { name } tags { name } } } } }"""
ATTACKS: list[Any] = [
    # Four operations of 1,900 repeats each: quadratic validation would block for seconds.
    [{"query": PATHOLOGICAL["one field repeated"][0]}] * 4,
    *({"query": query} for query, _ in PATHOLOGICAL.values()),
]


async def _attack(url: str, answered: asyncio.Event, stop: asyncio.Event) -> list[int]:
    """One client sending pathological documents in a loop until told to stop; `answered` is set
    once the server has answered the first, so the readers start while it is under attack."""
    statuses = []
    async with httpx.AsyncClient(base_url=url, timeout=60, headers=MODERN) as client:
        while not stop.is_set():
            for body in ATTACKS:
                statuses.append((await client.post("/graphql", json=body)).status_code)
                answered.set()
    return statuses


def _cpu_seconds(pid: int) -> float:
    """The CPU time a process's threads have used so far, in nanoseconds from Linux's
    scheduler (`/proc/PID/task/*/schedstat`): `/proc/PID/stat` counts in 10 ms ticks, coarser
    than forty compiled reader queries take together."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text(encoding="ascii").split()[0])
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
    return total / 1e9


async def _server_cpu_per_request(
    pid: int, client: httpx.AsyncClient, bodies: list[Any], headers: dict[str, str]
) -> float:
    """The server's CPU seconds per request over `bodies`, sent one after another."""
    before = _cpu_seconds(pid)
    for body in bodies:
        assert (await client.post("/graphql", json=body, headers=headers)).status_code in {200, 400}
    return (_cpu_seconds(pid) - before) / len(bodies)


def _home(n: int) -> dict[str, Any]:
    return {"query": HOME, "variables": {"first": 10 + n % 5}}


async def test_other_clients_are_answered_during_an_attack_that_costs_little_to_refuse(
    session: AsyncSession, database_url: str, tmp_path: Path
) -> None:
    """Pathological documents are refused before they cost the server seconds of validation:
    readers are answered while an attack runs, and refusing an attack request costs the server
    a few readers' CPU (CPU time, not wall time, so that a slow or busy machine does not change
    the verdict). A compiled reader costs about 0.4 ms and a refusal about 2.5 ms, mostly
    parsing a 100 kB document; seconds of validation would cost thousands of readers."""
    for n in range(20):
        await make_article(session, title=f"Story {n}")
    await session.commit()
    env = {
        "CMS_DATABASE_URL": database_url,
        "CMS_MEDIA_ROOT": str(tmp_path),
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0",
        "CMS_RESPONSE_CACHE_BYTES": "0",  # every reader's query runs in full
    }
    with server_process(env) as server:
        pid = server.process.pid
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            readers = [_home(n) for n in range(40)]
            await _server_cpu_per_request(pid, client, readers[:10], {})  # warm up
            reading = await _server_cpu_per_request(pid, client, readers, {})
            refusing = await _server_cpu_per_request(pid, client, ATTACKS * 4, MODERN)
            answered, stop = asyncio.Event(), asyncio.Event()
            attacker = asyncio.create_task(_attack(server.url, answered, stop))
            await answered.wait()
            for body in readers[:20]:
                response = await client.post("/graphql", json=body)
                assert response.json()["data"]["articles"]["totalCount"] == 20
            stop.set()
            statuses = await attacker

    assert len(statuses) > len(ATTACKS)
    assert set(statuses) <= {200, 400}  # refused (a batch answers 200 with each refusal)
    print(f"server CPU: {reading * 1000:.1f} ms a reader, {refusing * 1000:.1f} ms an attack")
    assert refusing < 25 * reading, f"{refusing:.4f} s to refuse vs {reading:.4f} s to read"


async def test_a_cost_past_what_json_numbers_hold_is_refused_with_a_json_answer(
    client: httpx.AsyncClient,
) -> None:
    """Nested huge pages multiply the cost past 64 bits, which the JSON encoder refuses."""
    nested = "related(first: 2000000000) { " * 4 + "title" + " }" * 4
    query = f'{{ article(slug: "x", locale: "en") {{ {nested} }} }}'

    response = await client.post("/graphql", json={"query": query})

    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["message"].startswith("Query cost ")
