"""Fixtures: every database test runs on SQLite and, when `CMS_TEST_POSTGRES_URL` is set, on
PostgreSQL too, each in a database the suite creates, migrates with Alembic and drops."""

import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from aiosmtpd.controller import Controller
from graphql import GraphQLError
from moto.server import ThreadedMotoServer
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from strawberry import Schema

from cms.db import create_engine, create_sessionmaker
from cms.migrations import upgrade
from cms.models import metadata
from cms.services.media.library import MediaLibrary
from cms.services.viewer import ANONYMOUS, Viewer
from cms.settings import Settings
from cms.storage import LocalStorage, S3Storage, Storage, storage_for
from cms.web.app import create_app
from schema import build_schema
from schema.context import Context
from tests.mailroom import Inbox, free_port
from tests.replication import ReplicatedPair, postgres_binaries, replicated_pair

POSTGRES_ADMIN_URL = os.environ.get("CMS_TEST_POSTGRES_URL")
for _budget in ("ANONYMOUS", "STAFF", "CACHED", "VIEWS"):
    # The suite is one client sending thousands of requests; tests/test_rate_limits.py sets the
    # budgets it tests, and every app and server started here inherits these.
    os.environ.setdefault(f"CMS_RATE_LIMIT_{_budget}", "off")
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
    async with _postgres_database() as url:
        yield url


@asynccontextmanager
async def _postgres_database() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database for the block, dropped after it."""
    assert POSTGRES_ADMIN_URL is not None
    name = f"cms_test_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def blank_database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty, unmigrated database of this run's backend, for a test that migrates it itself."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'blank.db'}"
        return
    async with _postgres_database() as url:
        yield url


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
async def media_library(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[MediaLibrary]:
    """The media library on local storage; the media tests override it for each storage."""
    library = MediaLibrary(settings, storage_for(settings), sessions)
    yield library
    await library.close()


@pytest.fixture
def gql(
    graphql_schema: Any,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    media_library: MediaLibrary,
) -> Gql:
    """Run an operation against the schema as a chosen viewer, with real variables."""

    async def run(
        query: str, variables: dict[str, Any] | None = None, viewer: Viewer = ANONYMOUS
    ) -> GqlResult:
        context = Context(
            settings=media_library.settings, sessions=sessions, viewer=viewer, media=media_library
        )
        result = await graphql_schema.execute(
            query, variable_values=variables, context_value=context
        )
        return GqlResult(data=result.data, errors=result.errors)

    return run


@pytest.fixture
async def app(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Starlette]:
    """The application on an emptied database (its own engine, response cache and loaders)."""
    app = create_app(settings)
    yield app
    await app.state.engine.dispose()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


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


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server (moto in server mode) on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="session")
async def replicated() -> AsyncIterator[ReplicatedPair]:
    """A migrated PostgreSQL primary and its streaming replica (`tests/replication.py`)."""
    if POSTGRES_ADMIN_URL is None:
        pytest.skip("PostgreSQL tests are off: set CMS_TEST_POSTGRES_URL (CI does)")
    bin_dir = postgres_binaries()
    if bin_dir is None:
        pytest.skip("No PostgreSQL server binaries (initdb, pg_basebackup) on this machine")
    with replicated_pair(bin_dir) as pair:
        engine = create_engine(Settings(_env_file=None, database_url=pair.primary_url))
        await upgrade(engine)
        await engine.dispose()
        yield pair


@pytest.fixture(params=["local", "s3"])
def media_settings(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> Settings:
    """Settings with an empty media store of each kind: a fresh folder, or a fresh bucket."""
    if request.param == "local":
        return settings.model_copy(update={"media_root": tmp_path / "media"})
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"media-{secrets.token_hex(4)}"
    updated = settings.model_copy(
        update={
            "media_storage": "s3",
            "media_url": f"{endpoint}/{bucket}/",
            "s3_bucket": bucket,
            "s3_endpoint_url": endpoint,
            "s3_region": "us-east-1",
            "s3_access_key_id": "test",
            "s3_secret_access_key": "test",
        }
    )
    S3Storage.from_settings(updated).client.create_bucket(Bucket=bucket)
    return updated


async def stored_keys(storage: Storage) -> list[str]:
    """Every file in a media store, to show that a refused upload left nothing behind."""
    if isinstance(storage, S3Storage):
        listed = storage.client.list_objects_v2(Bucket=storage.bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))
    assert isinstance(storage, LocalStorage)
    if not storage.root.exists():
        return []
    found = storage.root.rglob("*")
    return sorted(str(p.relative_to(storage.root)) for p in found if p.is_file())


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


@asynccontextmanager
async def app_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app built from `settings`, for tests that change a setting."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            yield client
    finally:
        await app.state.engine.dispose()
