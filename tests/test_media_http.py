"""Uploads over HTTP: the multipart request's guards, and broken requests that store nothing."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import Media
from cms.settings import Settings
from cms.storage import storage_for
from cms.web.app import create_app
from tests.conftest import stored_keys
from tests.media_files import photo

OPERATIONS = json.dumps(
    {
        "query": "mutation U($input: UploadMediaInput!) "
        "{ uploadMedia(input: $input) { media { id } errors { message } } }",
        "variables": {"input": {"file": None}},
    }
)
MAP = '{"0": ["variables.input.file"]}'
PREFLIGHT = {"apollo-require-preflight": "true"}


@pytest.fixture
def upload_settings(settings: Settings, tmp_path: Path) -> Settings:
    """An empty media folder, so a test can see that nothing was written to it."""
    return settings.model_copy(update={"media_root": tmp_path / "media"})


@pytest.fixture
async def app_client(
    upload_settings: Settings, sessions: object
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(upload_settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client
    await app.state.engine.dispose()


async def _nothing_stored(session: AsyncSession, settings: Settings) -> bool:
    count = await session.scalar(select(func.count()).select_from(Media))
    return count == 0 and await stored_keys(storage_for(settings)) == []


async def test_multipart_without_the_preflight_header_is_refused(
    app_client: httpx.AsyncClient, session: AsyncSession, upload_settings: Settings
) -> None:
    response = await app_client.post(
        "/graphql",
        data={"operations": OPERATIONS, "map": MAP},
        files={"0": ("a.jpg", photo(100, 80), "image/jpeg")},
    )

    assert response.status_code == 400
    assert "Apollo-Require-Preflight" in response.text
    assert await _nothing_stored(session, upload_settings)


async def test_a_missing_file_part_is_a_bad_request(
    app_client: httpx.AsyncClient, session: AsyncSession, upload_settings: Settings
) -> None:
    response = await app_client.post(
        "/graphql",
        headers=PREFLIGHT,
        data={"operations": OPERATIONS, "map": MAP},
        files={"other": ("a.jpg", b"x", "image/jpeg")},
    )

    assert response.status_code == 400
    assert "missing" in response.text
    assert await _nothing_stored(session, upload_settings)


# Starlette leaves the spooled (in-memory below 1 MB) buffer of a part cut off mid-way for the
# garbage collector, which then warns; the request itself is answered and nothing is stored.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_truncated_upload_stores_nothing(
    app_client: httpx.AsyncClient, session: AsyncSession, upload_settings: Settings
) -> None:
    request = httpx.Request(
        "POST",
        "https://testserver/graphql",
        data={"operations": OPERATIONS, "map": MAP},
        files={"0": ("a.jpg", photo(300, 200), "image/jpeg")},
    )
    body = request.read()
    cut = body[: len(body) // 2]
    headers = {"content-type": request.headers["content-type"], **PREFLIGHT}

    response = await app_client.post("/graphql", content=cut, headers=headers)

    assert response.status_code == 400
    assert "missing" in response.text
    assert await _nothing_stored(session, upload_settings)


async def test_an_upload_declared_over_the_limit_is_refused_unread(
    app_client: httpx.AsyncClient, settings: Settings
) -> None:
    response = await app_client.post(
        "/graphql",
        headers={
            **PREFLIGHT,
            "content-type": "multipart/form-data; boundary=x",
            "content-length": str(settings.media_max_bytes * 2),
        },
        content=b"--x--",
    )

    assert response.status_code == 413
