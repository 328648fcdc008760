"""Browser apps on other origins: a listed origin may call the API (with credentials), an
unlisted one gets no CORS headers, and cached answers say so too."""

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import Role
from cms.services.auth import SESSION_COOKIE
from cms.settings import Settings
from tests.builders import make_token, make_user
from tests.conftest import app_client

LISTED = "https://www.example.ge"
UNLISTED = "https://evil.example"
LATEST = {"query": "query Latest { articles(first: 1) { totalCount } }"}
ME = {"query": "{ me { email } }"}


@pytest.fixture
async def browser(settings: Settings, session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings.model_copy(update={"cors_origins": [LISTED]})) as client:
        yield client


def _preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization",
    }


async def test_a_listed_origins_preflight_is_allowed_with_credentials(
    browser: httpx.AsyncClient,
) -> None:
    response = await browser.options("/graphql", headers=_preflight(LISTED))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == LISTED
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


async def test_an_unlisted_origins_preflight_is_refused(browser: httpx.AsyncClient) -> None:
    response = await browser.options("/graphql", headers=_preflight(UNLISTED))
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_a_listed_origin_reads_answers_fresh_and_cached(browser: httpx.AsyncClient) -> None:
    first = await browser.post("/graphql", json=LATEST, headers={"Origin": LISTED})
    second = await browser.post("/graphql", json=LATEST, headers={"Origin": LISTED})
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    for response in (first, second):
        assert response.headers["access-control-allow-origin"] == LISTED
        assert "Origin" in response.headers["vary"]


async def test_an_unlisted_origin_gets_no_cors_headers_even_from_the_cache(
    browser: httpx.AsyncClient,
) -> None:
    await browser.post("/graphql", json=LATEST, headers={"Origin": LISTED})
    response = await browser.post("/graphql", json=LATEST, headers={"Origin": UNLISTED})
    assert response.headers["x-cache"] == "HIT"
    assert "access-control-allow-origin" not in response.headers


async def test_a_cacheable_answer_varies_by_origin_for_a_cdn(browser: httpx.AsyncClient) -> None:
    """Asked without an `Origin`, as a CDN may first be, the answer still says it varies."""
    response = await browser.post("/graphql", json=LATEST)
    assert "Origin" in response.headers["vary"]


async def test_a_session_cookie_counts_from_a_listed_origin_only(
    browser: httpx.AsyncClient, session: AsyncSession
) -> None:
    editor = await make_user(session, role=Role.EDITOR, email="eka@newsroom.example")
    token = await make_token(session, editor)
    await session.commit()
    browser.cookies.set(SESSION_COOKIE, token)
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    listed = await browser.post("/graphql", json=ME, headers={"Origin": LISTED, **cross_site})
    unlisted = await browser.post("/graphql", json=ME, headers={"Origin": UNLISTED, **cross_site})
    assert listed.json()["data"]["me"] == {"email": "eka@newsroom.example"}
    assert unlisted.json()["data"]["me"] is None


async def test_without_listed_origins_no_cors_headers_are_sent(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json=LATEST, headers={"Origin": LISTED})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert response.headers["vary"] == "Accept"


@pytest.mark.parametrize("origin", ["*", "https://www.example.ge/", "www.example.ge"])
def test_an_origin_that_is_not_a_scheme_and_host_is_refused(origin: str) -> None:
    with pytest.raises(ValidationError, match="must be a scheme and host"):
        Settings(_env_file=None, cors_origins=origin)


def test_origins_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMS_CORS_ORIGINS", "https://www.example.ge, https://App.example.ge")
    assert Settings(_env_file=None).cors_origins == [LISTED, "https://app.example.ge"]
