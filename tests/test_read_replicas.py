"""Read replicas against a real streaming replica: anonymous queries read from it, writes and staff
from the primary, and a replica that lags (replay paused) or is down never serves a stale page."""

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cms.db import create_engine, create_sessionmaker
from cms.models import Role, metadata
from cms.services.passwords import hash_password
from cms.settings import Settings
from cms.web.app import create_app
from tests.builders import make_article, make_token, make_user
from tests.conftest import StatementCounter
from tests.live_server import free_port
from tests.polling import until
from tests.replication import ReplicatedPair, caught_up

HOME = "{ articles(first: 5) { edges { node { title } } } }"
LOGIN = "mutation L($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token } }"
PASSWORD = "correct horse battery staple"


@pytest.fixture
async def primary(replicated: ReplicatedPair) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the emptied primary."""
    engine = create_engine(Settings(_env_file=None, database_url=replicated.primary_url))
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(table.delete())
    yield create_sessionmaker(engine)
    await engine.dispose()


def _settings(pair: ReplicatedPair, *replicas: str, compiled: bool = True) -> Settings:
    return Settings(
        _env_file=None,
        database_url=pair.primary_url,
        database_replica_urls=list(replicas or [pair.replica_url]),
        response_cache_bytes=0,
        compiled_queries=compiled,
        site_url="https://news.example",
    )


@contextmanager
def counted(engine: AsyncEngine) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", counter)


@asynccontextmanager
async def app_for(
    settings: Settings,
) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncEngine, AsyncEngine]]:
    """A client of the app, its primary engine and its first replica's engine."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="https://t") as client:
            yield client, app.state.engine, app.state.reads.replicas[0].engine
    finally:
        await app.state.reads.close()
        await app.state.engine.dispose()


async def _titles(client: httpx.AsyncClient, headers: dict[str, str] | None = None) -> list[str]:
    response = await client.get("/graphql", params={"query": HOME}, headers=headers)
    assert response.status_code == 200, response.text
    return [e["node"]["title"] for e in response.json()["data"]["articles"]["edges"]]


async def _on_replica(pair: ReplicatedPair, statement: str) -> None:
    connection = await asyncpg.connect(port=pair.replica_port, host="127.0.0.1", user="postgres")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "interpreted"])
async def test_an_anonymous_query_reads_from_the_replica(
    replicated: ReplicatedPair, primary: async_sessionmaker[AsyncSession], compiled: bool
) -> None:
    async with primary() as session:
        await make_article(session, title="Rustaveli Avenue reopens")
        await session.commit()
    await until(lambda: caught_up(replicated), what="the replica catching up")

    async with app_for(_settings(replicated, compiled=compiled)) as (client, main, replica):
        with counted(main) as on_primary, counted(replica) as on_replica:
            titles = await _titles(client)

    assert titles == ["Rustaveli Avenue reopens"]
    assert any("FROM article" in statement for statement in on_replica.statements)
    assert not any("FROM article" in statement for statement in on_primary.statements)


async def test_feeds_read_from_the_replica(
    replicated: ReplicatedPair, primary: async_sessionmaker[AsyncSession]
) -> None:
    async with primary() as session:
        await make_article(session, title="Harvest festival in Kakheti")
        await session.commit()
    await until(lambda: caught_up(replicated), what="the replica catching up")

    async with app_for(_settings(replicated)) as (client, main, replica):
        with counted(main) as on_primary, counted(replica) as on_replica:
            feed = await client.get("/feeds/en.xml")

    assert "Harvest festival in Kakheti" in feed.text
    assert any("FROM article" in statement for statement in on_replica.statements)
    assert not any("FROM article" in statement for statement in on_primary.statements)


async def test_staff_and_mutations_use_the_primary(
    replicated: ReplicatedPair, primary: async_sessionmaker[AsyncSession]
) -> None:
    async with primary() as session:
        editor = await make_user(
            session,
            email="ed@newsroom.example",
            role=Role.EDITOR,
            password_hash=hash_password(PASSWORD),
        )
        await make_article(session, title="Budget passes")
        token = await make_token(session, editor)
        await session.commit()

    async with app_for(_settings(replicated)) as (client, main, replica):
        with counted(main) as on_primary, counted(replica) as on_replica:
            staff_titles = await _titles(client, {"authorization": f"Bearer {token}"})
            login = await client.post(
                "/graphql",
                json={"query": LOGIN, "variables": {"e": "ed@newsroom.example", "p": PASSWORD}},
            )

    assert staff_titles == ["Budget passes"]
    assert login.json()["data"]["login"]["token"]
    assert on_replica.statements == []
    assert any("FROM article" in statement for statement in on_primary.statements)


async def test_a_publish_is_seen_at_once_while_the_replica_lags(
    replicated: ReplicatedPair, primary: async_sessionmaker[AsyncSession]
) -> None:
    async with app_for(_settings(replicated)) as (client, _main, replica):
        await _on_replica(replicated, "SELECT pg_wal_replay_pause()")
        try:
            async with primary() as session:
                await make_article(session, title="Election called")
                await session.commit()
            with counted(replica) as while_paused:
                during_lag = await _titles(client)
        finally:
            await _on_replica(replicated, "SELECT pg_wal_replay_resume()")
        await until(lambda: caught_up(replicated), what="the replica catching up")
        with counted(replica) as after_replay:
            replayed = await _titles(client)

    assert during_lag == ["Election called"]
    assert not any("FROM article" in statement for statement in while_paused.statements)
    assert replayed == ["Election called"]
    assert any("FROM article" in statement for statement in after_replay.statements)


async def test_a_replica_that_is_down_is_skipped(
    replicated: ReplicatedPair, primary: async_sessionmaker[AsyncSession]
) -> None:
    async with primary() as session:
        await make_article(session, title="Tbilisi marathon")
        await session.commit()
    down = replicated.url(free_port())

    async with app_for(_settings(replicated, down)) as (client, _main, _down):
        titles = await _titles(client)

    assert titles == ["Tbilisi marathon"]


def test_cms_check_connect_refuses_a_replica_url_that_names_the_primary(
    replicated: ReplicatedPair, tmp_path: Path
) -> None:
    outside = {name: value for name, value in os.environ.items() if not name.startswith("CMS_")}
    env = outside | {
        "CMS_DATABASE_URL": replicated.primary_url,
        "CMS_DATABASE_REPLICA_URLS": f"{replicated.primary_url},{replicated.replica_url}",
    }

    checked = subprocess.run(
        [sys.executable, "-m", "cms.cli", "check", "--connect"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert checked.returncode == 1
    assert checked.stderr == (
        f"Not ready: replica {replicated.primary_url} is a primary, not a standby.\n"
    )
    assert f"Reached replica {replicated.replica_url}." in checked.stdout
