"""Production settings: no introspection, field suggestions or GraphiQL for strangers; unexpected
errors masked and named by a request id the log shares; `cms check` (and `cms serve`) refusing
unsafe values; no account with a default password."""

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from cms.db import create_engine, create_sessionmaker
from cms.errors import CmsError
from cms.models import User
from cms.seed import seed_demo
from cms.services import auth as auth_service
from cms.settings import Settings
from cms.web.app import create_app
from schema import build_schema
from schema.context import Context
from tests.live_server import free_port, stop_server, wait_until_healthy

SECRET = "s" * 40


async def test_production_schema_refuses_introspection_and_suggestions() -> None:
    schema = build_schema(Settings(_env_file=None, env="production", secret_key="s" * 40))

    introspection = await schema.execute("{ __schema { types { name } } }")
    typo = await schema.execute("{ articels { totalCount } }")

    assert introspection.errors is not None
    assert "introspection" in introspection.errors[0].message.lower()
    assert typo.errors is not None
    assert "Did you mean" not in typo.errors[0].message


async def test_unexpected_errors_are_masked_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        _env_file=None,
        env="production",
        secret_key="s" * 40,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/missing/dir/cms.db",
    )
    engine = create_engine(settings)
    context = Context(settings=settings, sessions=create_sessionmaker(engine))

    result = await build_schema(settings).execute(
        "{ articles { totalCount } }", context_value=context
    )
    await engine.dispose()

    assert result.errors is not None
    assert result.errors[0].message == "Unexpected error."
    assert "unable to open database file" in caplog.text


async def test_errors_a_caller_can_fix_stay_readable_in_production(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        env="production",
        secret_key="s" * 40,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/cms.db",
    )
    engine = create_engine(settings)
    context = Context(settings=settings, sessions=create_sessionmaker(engine))

    result = await build_schema(settings).execute(
        '{ articles(locale: "fr") { totalCount } }', context_value=context
    )
    await engine.dispose()

    assert result.errors is not None
    assert result.errors[0].message == "Unknown locale 'fr': use one of ka, en."


def _production(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path}/cms.db",
        "media_root": tmp_path / "media",
        "site_url": "https://news.example",
    } | overrides
    return Settings(_env_file=None, env="production", secret_key=SECRET, **values)


@asynccontextmanager
async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client
    await app.state.engine.dispose()


def _cms(
    *args: str, env: dict[str, str], cwd: Path, stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The `cms` command in a folder without a `.env`, with no other `CMS_*` variable set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CMS_")}
    return subprocess.run(
        [sys.executable, "-m", "cms.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=clean | env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


async def test_an_unexpected_error_answers_a_request_id_that_names_its_trace_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _production(tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path}/no/dir/cms.db")

    async with _client(settings) as client:
        response = await client.post("/graphql", json={"query": "{ articles { totalCount } }"})

    request_id = response.headers["x-request-id"]
    [error] = response.json()["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert "sqlite" not in response.text.lower()
    [logged] = [r for r in caplog.records if getattr(r, "request_id", None) == request_id]
    assert request_id in logged.getMessage()
    assert logged.exc_info is not None
    assert "unable to open database file" in str(logged.exc_info[1])


async def test_a_request_id_from_the_proxy_is_kept_and_a_malformed_one_replaced(
    client: httpx.AsyncClient,
) -> None:
    upstream = uuid4().hex

    kept = await client.get("/healthz", headers={"x-request-id": upstream})
    replaced = await client.get("/healthz", headers={"x-request-id": "<script>"})

    assert kept.headers["x-request-id"] == upstream
    assert len(replaced.headers["x-request-id"]) == 32
    assert "<script>" not in replaced.headers["x-request-id"]


async def test_production_serves_no_graphiql(tmp_path: Path) -> None:
    async with _client(_production(tmp_path)) as client:
        response = await client.get("/graphql", headers={"accept": "text/html"})

    assert "graphiql" not in response.text.lower()


async def test_field_suggestions_come_back_in_production_only_when_asked() -> None:
    schema = build_schema(
        Settings(_env_file=None, env="production", secret_key=SECRET, field_suggestions=True)
    )

    typo = await schema.execute("{ articels { totalCount } }")

    assert typo.errors is not None
    assert "Did you mean 'articles'" in typo.errors[0].message


def test_cms_check_refuses_a_production_start_with_unsafe_values(tmp_path: Path) -> None:
    production = {"CMS_ENV": "production", "CMS_DATABASE_URL": f"sqlite:///{tmp_path}/cms.db"}

    default_secret = _cms("check", env=production, cwd=tmp_path)
    debug = _cms(
        "check", env=production | {"CMS_SECRET_KEY": SECRET, "CMS_DEBUG": "1"}, cwd=tmp_path
    )
    no_site_url = _cms("check", env=production | {"CMS_SECRET_KEY": SECRET}, cwd=tmp_path)
    safe = _cms(
        "check",
        env=production | {"CMS_SECRET_KEY": SECRET, "CMS_SITE_URL": "https://news.example"},
        cwd=tmp_path,
    )

    assert default_secret.returncode == 1
    assert "CMS_SECRET_KEY must be set to a random value" in default_secret.stderr
    assert debug.returncode == 1
    assert "CMS_DEBUG shows tracebacks" in debug.stderr
    assert no_site_url.returncode == 1
    assert "CMS_SITE_URL must be set in production" in no_site_url.stderr
    assert safe.returncode == 0, safe.stderr
    assert "fit for production" in safe.stdout
    assert "Warning: SQLite serves one machine" in safe.stderr


def test_cms_serve_runs_the_same_check_and_does_not_start(tmp_path: Path) -> None:
    unsafe = {"CMS_ENV": "production", "CMS_SECRET_KEY": SECRET, "CMS_SQL_ECHO": "true"}

    served = _cms("serve", "--port", str(free_port()), env=unsafe, cwd=tmp_path)

    assert served.returncode == 1
    assert served.stderr.startswith("Refused: unsafe in production:")
    assert "CMS_SQL_ECHO logs every statement" in served.stderr
    assert not (tmp_path / "cms.db").exists()


@pytest.mark.parametrize(("flags", "logged"), [((), True), (("--no-access-log",), False)])
def test_cms_serve_logs_a_line_per_request_unless_told_not_to(
    tmp_path: Path, flags: tuple[str, ...], logged: bool
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CMS_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "cms.cli", "serve", "--port", str(port), *flags],
        env=clean | {"CMS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cms.db"},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_healthy(server, url)  # type: ignore[arg-type]
        assert httpx.get(f"{url}/graphql?query=%7B__typename%7D").status_code == 200
    finally:
        stop_server(server)  # type: ignore[arg-type]
        assert server.stdout is not None
        log = server.stdout.read()
        server.stdout.close()
    assert ("cms.request: GET /graphql 200" in log) is logged, log


async def test_cms_user_create_generates_a_password_and_shows_it_once(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/cms.db")
    env = {"CMS_DATABASE_URL": settings.database_url}
    command = ("user", "create", "--role", "ADMIN", "--generate-password")

    first = _cms(*command, "--email", "chief@newsroom.example", env=env, cwd=tmp_path)
    second = _cms(*command, "--email", "deputy@newsroom.example", env=env, cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    passwords = [
        result.stdout.split("stored only as a hash): ")[1].strip() for result in (first, second)
    ]
    assert len(passwords[0]) >= 24
    assert passwords[0] != passwords[1]
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            token, user = await auth_service.login(
                session=session,
                settings=settings,
                email="chief@newsroom.example",
                password=passwords[0],
                address=None,
            )
    finally:
        await engine.dispose()
    assert token
    assert user.password_hash.startswith("$argon2id$")
    assert passwords[0] not in user.password_hash


def test_cms_user_create_without_a_password_creates_nobody(tmp_path: Path) -> None:
    env = {"CMS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cms.db"}

    result = _cms(
        "user",
        "create",
        "--email",
        "chief@newsroom.example",
        "--role",
        "ADMIN",
        env=env,
        cwd=tmp_path,
        stdin="",
    )

    assert result.returncode == 1
    assert "at least 10 characters" in result.stderr


async def test_demo_accounts_have_no_password_anyone_could_sign_in_with(
    session: AsyncSession, settings: Settings
) -> None:
    await seed_demo(session, settings)

    accounts = (await session.scalars(select(User))).all()

    assert accounts
    assert {account.password_hash for account in accounts} == {""}
    with pytest.raises(CmsError, match="Wrong email or password"):
        await auth_service.login(
            session=session, settings=settings, email=accounts[0].email, password="", address=None
        )
