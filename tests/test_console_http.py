"""The console over HTTP: what the page loads and from where, who sees the schema in
production with `CMS_STAFF_CONSOLE`, and the words an editor reads when something is wrong.
The browser tests (`test_console_browser.py`) drive the same page in Chromium."""

import base64
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from cms.cli import app as cli
from cms.models import Role
from cms.services.auth import SESSION_COOKIE
from cms.settings import Settings
from cms.web.commands import follow_served_address
from cms.web.console_assets import ConsoleAssets
from tests.builders import make_token, make_user
from tests.conftest import app_client
from tests.live_server import free_port, stop_server, wait_until_healthy

needs_assets = pytest.mark.skipif(
    not ConsoleAssets.load(None).installed,
    reason="the console's scripts are not installed: run `make console-assets`",
)
HTML = {"accept": "text/html"}
SECRET = "s" * 40
INTROSPECTION = "{ __schema { queryType { name description } } }"
TYPO = "{ articels { totalCount } }"


def _staff_console(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"env": "production", "secret_key": SECRET, "staff_console": True}
    )


async def _signed_in(session: AsyncSession) -> dict[str, str]:
    token = await make_token(session, await make_user(session, role=Role.AUTHOR))
    await session.commit()
    return {"authorization": f"Bearer {token}"}


@needs_assets
async def test_every_file_of_the_page_comes_from_this_origin_with_its_hash(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/graphql", headers=HTML)
    loaded = re.findall(r'(?:src|href)="([^"]+)" integrity="([^"]+)"', page.text)

    assert page.status_code == 200
    assert "script-src 'self';" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert len(loaded) == 8
    for url, integrity in loaded:
        assert url.startswith("/console/")
        served = await client.get(url)
        digest = base64.b64encode(hashlib.sha384(served.content).digest()).decode()
        assert integrity == f"sha384-{digest}"
        assert "immutable" in served.headers["cache-control"]
    assert "<script>" not in page.text, "no inline script: the policy would block it"


async def test_the_page_says_how_to_install_missing_scripts(
    settings: Settings, tmp_path: Path
) -> None:
    async with app_client(settings.model_copy(update={"console_assets_dir": tmp_path})) as client:
        page = await client.get("/graphql", headers=HTML)
        api = await client.post("/graphql", json={"query": "{ __typename }"})

    assert page.status_code == 200
    assert "make console-assets" in page.text
    assert "<script" not in page.text
    assert api.json() == {"data": {"__typename": "Query"}}


async def test_production_serves_the_console_to_staff_with_the_schema_for_staff_only(
    settings: Settings, session: AsyncSession
) -> None:
    staff = await _signed_in(session)
    async with app_client(_staff_console(settings)) as client:
        page = await client.get("/graphql", headers=HTML)
        anonymous = (await client.post("/graphql", json={"query": INTROSPECTION})).json()
        signed_in = (
            await client.post("/graphql", json={"query": INTROSPECTION}, headers=staff)
        ).json()

    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "introspection" in anonymous["errors"][0]["message"].lower()
    assert "data" not in anonymous or anonymous["data"] is None
    assert signed_in["data"]["__schema"]["queryType"]["description"].startswith("Everything")


async def test_field_suggestions_are_for_staff_only(
    settings: Settings, session: AsyncSession
) -> None:
    staff = await _signed_in(session)
    async with app_client(_staff_console(settings)) as client:
        anonymous = (await client.post("/graphql", json={"query": TYPO})).json()
        signed_in = (await client.post("/graphql", json={"query": TYPO}, headers=staff)).json()

    assert anonymous["errors"][0]["message"] == "Cannot query field 'articels' on type 'Query'."
    assert "Did you mean 'articles'" in signed_in["errors"][0]["message"]


def test_cms_check_accepts_the_staff_console_without_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "CMS_ENV": "production",
        "CMS_SECRET_KEY": SECRET,
        "CMS_STAFF_CONSOLE": "true",
        "CMS_SITE_URL": "https://news.example",
        "CMS_DATABASE_URL": "postgresql+asyncpg://cms@db.example/cms",
    }.items():
        monkeypatch.setenv(name, value)

    result = CliRunner().invoke(cli, ["check"])

    assert result.exit_code == 0, result.output
    assert "Warning" not in result.output
    assert "refused to everyone else" in result.output


async def test_an_ended_session_says_so(client: httpx.AsyncClient, session: AsyncSession) -> None:
    staff = await _signed_in(session)
    await client.post(
        "/graphql", json={"query": "mutation { logout { signedOut } }"}, headers=staff
    )

    answer = (
        await client.post(
            "/graphql", json={"query": "{ me { email } auditLog { id } }"}, headers=staff
        )
    ).json()

    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert answer["errors"][0]["message"].startswith("Your session has ended")


async def test_a_console_request_from_another_site_is_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    staff = await _signed_in(session)
    token = staff["authorization"].removeprefix("Bearer ")
    client.cookies.set(SESSION_COOKIE, token)

    forged = await client.post(
        "/graphql",
        json={"query": "{ editorialArticles { totalCount } }"},
        headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )

    assert forged.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("env", "explicit", "expected"),
    [
        ({}, False, "http://localhost:8100"),
        ({}, True, "https://news.example"),
        ({"env": "production", "secret_key": SECRET}, True, "https://news.example"),
    ],
)
def test_links_follow_the_port_served_in_development_only(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], explicit: bool, expected: str
) -> None:
    monkeypatch.setenv("CMS_SITE_URL", "restored-after-the-test")
    monkeypatch.delenv("CMS_SITE_URL")
    given = {"site_url": "https://news.example"} if explicit else {}
    settings = Settings(_env_file=None, **env, **given)  # type: ignore[arg-type]

    served = follow_served_address(settings, "0.0.0.0", 8100)

    assert served.site_url == expected
    assert served.media_url_for("a.jpg").startswith(expected)


def test_cms_serve_on_another_port_links_to_that_port(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CMS_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "cms.cli", "serve", "--port", str(port)],
        env=clean | {"CMS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cms.db"},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_healthy(server, url)  # type: ignore[arg-type]
        feed = httpx.get(f"{url}/feeds/en.xml")
    finally:
        stop_server(server)  # type: ignore[arg-type]
        assert server.stdout is not None
        printed = server.stdout.read()
        server.stdout.close()

    assert f"<link>{url}" in feed.text
    assert f"Links in responses (media, feeds, emails) use {url};" in printed
