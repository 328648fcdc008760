"""Fixtures: every database test runs on SQLite and, when `CMS_TEST_POSTGRES_URL` is set, on
PostgreSQL too, each in a database the suite creates, migrates with Alembic and drops."""

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from aiosmtpd.controller import Controller
from graphql import GraphQLError
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from strawberry import Schema

from cms.app import create_app
from cms.db import create_engine, create_sessionmaker
from cms.migrations import upgrade
from cms.models import metadata
from cms.services.viewer import ANONYMOUS, Viewer
from cms.settings import Settings
from schema import build_schema
from schema.context import Context
from tests.mailroom import Inbox, free_port

POSTGRES_ADMIN_URL = os.environ.get("CMS_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_ADMIN_URL else [])


@dataclass(frozen=True, slots=True)
class GqlResult:
    """An execution result with `data` loosely typed, as tests index into it freely."""

    data: Any
    errors: list[GraphQLError] | None


Gql = Callable[..., Awaitable[GqlResult]]


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    assert POSTGRES_ADMIN_URL is not None
    name = f"cms_test_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        media_root=tmp_path_factory.mktemp("media"),
        site_url="https://news.example",
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A session factory on an emptied database."""
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(table.delete())
    return create_sessionmaker(engine)


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


@pytest.fixture(scope="session")
def graphql_schema(settings: Settings) -> Schema:
    return build_schema(settings)


@pytest.fixture
def gql(graphql_schema: Any, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> Gql:
    """Run an operation against the schema as a chosen viewer, with real variables."""

    async def run(
        query: str, variables: dict[str, Any] | None = None, viewer: Viewer = ANONYMOUS
    ) -> GqlResult:
        context = Context(settings=settings, sessions=sessions, viewer=viewer)
        result = await graphql_schema.execute(
            query, variable_values=variables, context_value=context
        )
        return GqlResult(data=result.data, errors=result.errors)

    return run


@pytest.fixture
async def client(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client
    await app.state.engine.dispose()


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, *args: Any) -> None:
        statement = args[2]
        if not statement.lstrip().upper().startswith("PRAGMA"):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements(engine: AsyncEngine) -> Callable[[], Any]:
    """`with count_statements() as counter:` counts the SQL statements run inside the block."""

    @contextmanager
    def counting() -> Iterator[StatementCounter]:
        counter = StatementCounter()
        event.listen(engine.sync_engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def backend(database_url: str) -> str:
    return make_url(database_url).get_backend_name()


@dataclass
class Mailroom:
    """Settings that send through a real SMTP server started for the test, and its inbox."""

    settings: Settings
    inbox: Inbox


@pytest.fixture
def mailroom(settings: Settings) -> Iterator[Mailroom]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield Mailroom(
            settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port}), inbox
        )
    finally:
        controller.stop()
