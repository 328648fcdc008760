"""The benchmark's SQL ceilings answer what our server answers, on a small seeded dataset: the
raw ceiling the very bytes, the engine ceiling the same JSON; and the answers pass the checks."""

from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from bench import ceiling_raw, ceiling_sql, checks, dataset, inprocess, operations, rows
from bench.operations import Operation
from cms.settings import Settings

SMALL = rows.Size(published=150, drafts=6, categories=4, children=1, tags=12)


@pytest.fixture
async def chosen(engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]) -> checks.Samples:
    """The small dataset in the emptied database, and what the operations ask for."""
    async with engine.begin() as connection:
        await dataset.generate(connection, SMALL, seed=7)
    async with engine.connect() as connection:
        return await checks.samples(connection)


async def _operations(client: httpx.AsyncClient, chosen: checks.Samples) -> list[Operation]:
    second_page = await inprocess.deep_page_cursor(client, chosen.category_slug, 2)
    return [
        operations.home(),
        operations.article(chosen.article_slug, chosen.article_locale),
        operations.category(chosen.category_slug),
        operations.category(chosen.category_slug, second_page, 2),
    ]


async def _answers(client: httpx.AsyncClient, ops: list[Operation]) -> dict[str, bytes]:
    found = {}
    for op in ops:
        response = await client.post(
            "/graphql", content=op.body(), headers={"Content-Type": "application/json"}
        )
        found[op.name] = response.content
    return found


async def test_the_raw_ceiling_answers_our_servers_bytes(
    settings: Settings, app: Starlette, client: httpx.AsyncClient, chosen: checks.Samples
) -> None:
    ops = await _operations(client, chosen)
    ours = await _answers(client, ops)
    driver = await ceiling_raw.connect(settings.database_url)
    try:
        reads = ceiling_raw.RawReads(driver, settings)
        raw = {op.name: await reads.answer(op.kind, op.variables) for op in ops}
    finally:
        await driver.close()

    assert raw == ours
    home = orjson.loads(raw["home"])["data"]["articles"]["edges"]
    assert len(home) == operations.PAGE_SIZE


async def test_the_engine_ceiling_answers_the_same_json(
    settings: Settings,
    engine: AsyncEngine,
    app: Starlette,
    client: httpx.AsyncClient,
    chosen: checks.Samples,
) -> None:
    ops = await _operations(client, chosen)
    ours = await _answers(client, ops)
    handlers: dict[str, Any] = {
        "home": ceiling_sql.home,
        "article": ceiling_sql.article,
        "category": ceiling_sql.category,
    }
    async with engine.connect() as connection:
        for op in ops:
            answer = await handlers[op.kind](connection, settings, op.variables)
            assert orjson.loads(orjson.dumps(answer)) == orjson.loads(ours[op.name]), op.name


async def test_our_answers_pass_the_benchmark_checks(
    engine: AsyncEngine, app: Starlette, client: httpx.AsyncClient, chosen: checks.Samples
) -> None:
    ops = await _operations(client, chosen)
    answers = {name: orjson.loads(body) for name, body in (await _answers(client, ops)).items()}
    async with engine.connect() as connection:
        await checks.check_home(connection, answers["home"])
        await checks.check_article(connection, answers["article"], chosen)
        await checks.check_category(connection, answers["category_p1"], chosen, 1)
        await checks.check_category(connection, answers["category_p2"], chosen, 2)


async def test_the_checks_catch_a_draft_on_the_home_page(
    engine: AsyncEngine, app: Starlette, client: httpx.AsyncClient, chosen: checks.Samples
) -> None:
    answer = orjson.loads((await _answers(client, [operations.home()]))["home"])
    async with engine.connect() as connection:
        draft = await connection.scalar(
            text("SELECT public_id FROM article WHERE status <> 'PUBLISHED' LIMIT 1")
        )
        answer["data"]["articles"]["edges"][0]["node"]["id"] = ceiling_sql.global_id(draft)
        with pytest.raises(checks.CheckFailed, match="draft"):
            await checks.check_home(connection, answer)
