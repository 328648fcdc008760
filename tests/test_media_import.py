"""`importMedia`: real downloads from a local HTTP server, and the addresses it must refuse.

The only server a test may run listens on loopback, which the importer refuses; so the tests
that download allow 127.0.0.1/32 through `media_import_allowed_networks`, a setting that stays
empty in production, and leave 127.0.0.2 and everything else refused.
"""

import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cms.models import Media, Role
from cms.services.media.importing import Importer, is_allowed_address
from cms.services.media.library import MediaLibrary
from cms.services.viewer import Viewer
from cms.settings import Settings
from cms.storage import storage_for
from tests.builders import make_user
from tests.conftest import Gql, stored_keys
from tests.media_files import has_gps, photo

PICTURE = photo(640, 480)
IMPORT = """
mutation Import($url: String!) {
  importMedia(input: {url: $url, credit: "Agency"}) {
    media { kind width sourceUrl credit } errors { field message code }
  }
}
"""


class Agency(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/photo.jpg":
            self._send(200, PICTURE)
        elif self.path.startswith("/redirect?to="):
            self.send_response(302)
            self.send_header("Location", self.path.removeprefix("/redirect?to="))
            self.end_headers()
        elif self.path == "/huge.jpg":
            self._send(200, PICTURE + bytes(1_000_000))
        elif self.path == "/slow.jpg":
            time.sleep(1.5)
            self._send(200, PICTURE)
        else:
            self._send(404, b"")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def agency() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Agency)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class Resolver:
    """A DNS server whose answer changes after the first question (a rebinding attack)."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.questions = 0

    async def __call__(self, host: str, port: int) -> list[str]:
        self.questions += 1
        return self.answers[min(self.questions, len(self.answers)) - 1]


@pytest.fixture
def resolver() -> Resolver:
    return Resolver(["127.0.0.1"], ["10.1.2.3"])


@pytest.fixture
async def media_library(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: object,
    resolver: Resolver,
) -> AsyncIterator[MediaLibrary]:
    configured = settings.model_copy(
        update={
            "media_root": tmp_path,
            "media_max_bytes": 600_000,
            "media_import_timeout_seconds": 1.0,
            "media_import_allowed_networks": [ip_network("127.0.0.1/32")],
        }
    )
    library = MediaLibrary(configured, storage_for(configured), sessions, resolver=resolver)
    yield library
    await library.close()


@pytest.fixture
async def editor(session: AsyncSession) -> Viewer:
    user = await make_user(session, role=Role.EDITOR)
    await session.commit()
    return Viewer(user)


async def _import(gql: Gql, editor: Viewer, url: str) -> dict[str, Any]:
    result = await gql(IMPORT, {"url": url}, viewer=editor)
    assert result.errors is None, result.errors
    payload: dict[str, Any] = result.data["importMedia"]
    return payload


async def _nothing_stored(session: AsyncSession, library: MediaLibrary) -> bool:
    count = await session.scalar(select(func.count()).select_from(Media))
    return count == 0 and await stored_keys(library.storage) == []


async def test_a_picture_is_imported_and_cleaned(
    gql: Gql, editor: Viewer, agency: str, media_library: MediaLibrary
) -> None:
    payload = await _import(gql, editor, f"http://{agency}/photo.jpg")

    assert payload["errors"] == []
    assert payload["media"] == {
        "kind": "IMAGE",
        "width": 640,
        "sourceUrl": f"http://{agency}/photo.jpg",
        "credit": "Agency",
    }
    [key] = await stored_keys(media_library.storage)
    assert not has_gps(await media_library.storage.get(key))


async def test_the_host_is_resolved_once_and_the_checked_address_is_used(
    gql: Gql, editor: Viewer, agency: str, resolver: Resolver
) -> None:
    port = agency.rsplit(":", 1)[1]

    payload = await _import(gql, editor, f"http://agency.test:{port}/photo.jpg")

    assert payload["errors"] == []
    assert resolver.questions == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/photo.jpg",
        "http://localhost/photo.jpg",
        "http://[::1]/photo.jpg",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/photo.jpg",
        "file:///etc/passwd",
        "ftp://agency.example/photo.jpg",
    ],
)
async def test_private_addresses_and_other_schemes_are_refused(
    gql: Gql, editor: Viewer, session: AsyncSession, media_library: MediaLibrary, url: str
) -> None:
    media_library.importer = Importer(max_bytes=1000, timeout_seconds=1.0)

    payload = await _import(gql, editor, url)

    assert payload["media"] is None
    [error] = payload["errors"]
    assert (error["field"], error["code"]) == ("url", "IMPORT_REFUSED")
    assert await _nothing_stored(session, media_library)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/redirect?to=http://127.0.0.2:{port}/photo.jpg", "not on the public internet"),
        ("/redirect?to=http://169.254.169.254/", "not on the public internet"),
        ("/huge.jpg", "larger than 600,000 bytes"),
        ("/slow.jpg", "longer than 1 seconds"),
        ("/missing.jpg", "answered 404"),
    ],
    ids=["redirect-to-loopback", "redirect-to-metadata", "too-large", "too-slow", "not-found"],
)
async def test_bad_downloads_are_refused(
    gql: Gql,
    editor: Viewer,
    agency: str,
    session: AsyncSession,
    media_library: MediaLibrary,
    path: str,
    words: str,
) -> None:
    port = agency.rsplit(":", 1)[1]

    payload = await _import(gql, editor, f"http://{agency}{path.format(port=port)}")

    assert payload["media"] is None
    assert words in payload["errors"][0]["message"]
    assert await _nothing_stored(session, media_library)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.100.100.200",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_non_public_addresses_are_not_allowed(address: str) -> None:
    assert not is_allowed_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_allowed_address(address)
