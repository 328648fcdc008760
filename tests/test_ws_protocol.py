"""graphql-transport-ws under violations, over real sockets to a real uvicorn process: every
malformed frame gets the protocol's close code with a reason, GraphQL errors are `error`
messages, a socket signs in once at `connection_init`, foreign pages cannot open one, and a
client that never reads is dropped without holding up anyone else."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from websockets.asyncio.client import connect
from websockets.client import ClientProtocol
from websockets.exceptions import InvalidStatus
from websockets.frames import Frame
from websockets.http11 import Response
from websockets.uri import parse_uri

from cms.models import Role
from cms.settings import Settings
from tests.builders import make_article, make_token, make_user
from tests.live_server import server_process
from tests.polling import until
from tests.ws import PROTOCOL, GraphQLSocket, graphql_socket
from tests.ws import live_server as in_process_server

QUERY = "{ liveStreams { slug } }"
BREAKING = 'subscription { breakingNews(locale: "en") { title isBreaking } }'
HEAVY = (
    'subscription { breakingNews(locale: "en") { '
    + " ".join(f"body{n}: body" for n in range(10))
    + " } }"
)
"""Ten copies of a long body: 2 MB a message."""
CREATE = 'mutation { createLiveStream(input: {title: "Radio"}) { liveStream { slug } } }'
SET_BREAKING = """
mutation B($id: String!, $on: Boolean!) {
  setArticleBreaking(input: {id: $id, breaking: $on}) { errors { message } }
}
"""
SEND_QUEUE_BYTES = 256 * 1024


class Server:
    def __init__(self, url: str, pid: int) -> None:
        self.url = url
        self.address = url.removeprefix("http://")
        self.pid = pid

    async def subscribers(self) -> int:
        async with httpx.AsyncClient() as client:
            return int((await client.get(f"{self.url}/healthz")).json()["subscribers"])

    def resident_bytes(self) -> int:
        status = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        [line] = [line for line in status.splitlines() if line.startswith("VmRSS:")]
        return int(line.split()[1]) * 1024


@pytest.fixture(scope="module")
def server(engine: AsyncEngine, settings: Settings) -> Iterator[Server]:
    """One uvicorn process for the module, on the test database (`engine` migrated it)."""
    env = {
        "CMS_DATABASE_URL": settings.database_url,
        "CMS_MEDIA_ROOT": str(settings.media_root),
        "CMS_SITE_URL": "https://news.example",
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0",
        "CMS_DIGEST_TIME": "off",
        "CMS_WS_ALLOWED_ORIGINS": '["https://app.example"]',
        "CMS_WS_INIT_TIMEOUT_SECONDS": "2",
        "CMS_WS_SEND_QUEUE_BYTES": str(SEND_QUEUE_BYTES),
    }
    with server_process(env) as running:
        yield Server(running.url, running.process.pid)


async def _token(session: AsyncSession, role: Role) -> str:
    token = await make_token(session, await make_user(session, role=role))
    await session.commit()
    return token


def _subscribe(id: Any, payload: Any) -> str:
    return json.dumps({"type": "subscribe", "id": id, "payload": payload})


MALFORMED: list[tuple[str, list[str | bytes], int]] = [
    ("binary frame", [b'{"type": "ping"}'], 4400),
    ("not JSON", ["{type: ping}"], 4400),
    ("JSON nested past any decoder's depth", ["[" * 100_000 + "]" * 100_000], 4400),
    ("JSON array", ['[{"type": "ping"}]'], 4400),
    ("JSON string", ['"ping"'], 4400),
    ("JSON null", ["null"], 4400),
    ("no type", ['{"id": "1"}'], 4400),
    ("unknown type", ['{"type": "subscribe_all"}'], 4400),
    ("subscribe without payload, numeric id", ['{"type": "subscribe", "id": 1}'], 4400),
    ("numeric id", [_subscribe(1, {"query": QUERY})], 4400),
    ("payload not an object", [_subscribe("1", "x")], 4400),
    ("query not a string", [_subscribe("1", {"query": 42})], 4400),
    ("variables not an object", [_subscribe("1", {"query": QUERY, "variables": [1]})], 4400),
    ("complete without id", ['{"type": "complete"}'], 4400),
    ("connection_init payload not an object", ['{"type": "connection_init", "payload": 1}'], 4400),
    ("duplicate id", [_subscribe("1", {"query": BREAKING})] * 2, 4409),
    (
        "duplicate id past a close reason's size",
        [_subscribe("i" * 200, {"query": BREAKING})] * 2,
        4409,
    ),
    ("second connection_init", ['{"type": "connection_init"}'], 4429),
]


@pytest.mark.parametrize(
    ("frames", "code"),
    [(frames, code) for _, frames, code in MALFORMED],
    ids=[m[0] for m in MALFORMED],
)
async def test_a_malformed_message_gets_its_close_code_and_others_go_on(
    server: Server, frames: list[str | bytes], code: int
) -> None:
    async with graphql_socket(server.address) as bystander, graphql_socket(server.address) as bad:
        for frame in frames:
            await bad.connection.send(frame)
        closed_with = await bad.close_code()
        await bystander.subscribe("q", QUERY)
        [answer] = await bystander.until_done("q")

    assert (closed_with, bool(bad.connection.close_reason)) == (code, True)
    assert answer == {"id": "q", "type": "next", "payload": {"data": {"liveStreams": []}}}


@pytest.mark.parametrize(
    "frame",
    [_subscribe("1", {"query": QUERY}), '[{"type": "connection_init"}]', '{"type": "nope"}'],
    ids=["subscribe", "array", "unknown type"],
)
async def test_anything_but_connection_init_first_closes_the_socket(
    server: Server, frame: str
) -> None:
    async with graphql_socket(server.address, initialise=False) as early:
        await early.send(frame)

        assert await early.close_code() in (4400, 4401)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"query": "subscription { breakingNews { title }"}, "Syntax Error: Expected Name"),
        ({"query": BREAKING, "operationName": "Nope"}, 'Unknown operation named "Nope"'),
        ({"query": "subscription { breakingNewz { title } }"}, "Cannot query field 'breakingNewz'"),
    ],
    ids=["syntax error", "unknown operation name", "unknown field"],
)
async def test_a_graphql_error_is_an_error_message_and_the_socket_stays_open(
    server: Server, payload: dict[str, Any], message: str
) -> None:
    async with graphql_socket(server.address) as client:
        await client.send(_subscribe("bad", payload))
        [refused] = await client.until_done("bad")
        await client.subscribe("q", QUERY)
        [answer] = await client.until_done("q")

    assert refused["type"] == "error"
    assert refused["payload"][0]["message"].startswith(message)
    assert answer["type"] == "next"


async def test_an_unknown_operation_name_is_not_masked_in_production(
    settings: Settings, engine: AsyncEngine
) -> None:
    """It is the caller's mistake, not an incident to hide and log with a trace."""
    production = settings.model_copy(
        update={"env": "production", "secret_key": "s" * 40, "scheduler_interval_seconds": 0}
    )
    async with in_process_server(production) as running, graphql_socket(running.address) as client:
        await client.subscribe("bad", BREAKING, operationName="Nope")
        [refused] = await client.until_done("bad")

    assert refused["payload"] == [{"message": 'Unknown operation named "Nope".'}]


async def test_every_message_from_the_server_is_a_text_frame(server: Server) -> None:
    """A browser's graphql-ws client reads text frames only."""
    async with connect(f"ws://{server.address}/graphql", subprotocols=[PROTOCOL]) as raw:
        client = GraphQLSocket(raw)
        frames = []
        for message in (
            {"type": "connection_init"},
            {"type": "ping"},
            {"type": "subscribe", "id": "q", "payload": {"query": QUERY}},
            {"type": "subscribe", "id": "e", "payload": {"query": "{ nope }"}},
        ):
            await client.send(message)
        for _ in range(5):
            frames.append(await raw.recv())

    assert [type(frame) for frame in frames] == [str] * 5
    assert sorted(json.loads(frame)["type"] for frame in frames) == [
        *("complete", "connection_ack", "error", "next", "pong")
    ]


@pytest.mark.parametrize(
    "init", [{"type": "connection_init"}, {"type": "connection_init", "payload": None}]
)
async def test_connection_init_may_leave_out_its_payload_or_send_null(
    server: Server, init: dict[str, Any]
) -> None:
    async with graphql_socket(server.address, initialise=False) as client:
        await client.send(init)

        assert await client.receive() == {"type": "connection_ack"}


async def test_a_socket_that_never_initialises_is_closed_with_4408(server: Server) -> None:
    async with graphql_socket(server.address, initialise=False) as silent:
        await silent.send({"type": "ping"})
        pong = await silent.receive()

        assert pong == {"type": "pong"}
        assert await silent.close_code() == 4408


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({"token": "not-a-token"}, {}),
        ({"Authorization": "Bearer not-a-token"}, {}),
        ({"token": 42}, {}),
        ({}, {"Authorization": "Bearer not-a-token"}),
    ],
    ids=["token", "Authorization param", "token not a string", "Authorization header"],
)
async def test_a_token_that_signs_no_one_in_is_refused_at_connection_init(
    server: Server, params: dict[str, Any], headers: dict[str, str]
) -> None:
    async with graphql_socket(server.address, initialise=False, headers=headers) as client:
        await client.send({"type": "connection_init", "payload": params})

        assert await client.close_code() == 4403


async def test_a_socket_cannot_change_who_it_is_after_connection_init(
    server: Server, session: AsyncSession
) -> None:
    author = await _token(session, Role.AUTHOR)
    editor = await _token(session, Role.EDITOR)
    async with graphql_socket(server.address) as anonymous:
        await anonymous.subscribe("m", CREATE, extensions={"token": editor})
        [refused] = await anonymous.until_done("m")
    async with graphql_socket(server.address, {"token": author}) as client:
        await client.send({"type": "connection_init", "payload": {"token": editor}})
        closed_with = await client.close_code()

    assert refused["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert closed_with == 4429


@pytest.mark.parametrize(
    ("origin", "opens"),
    [
        ("https://news.example", True),
        ("https://app.example", True),
        ("https://evil.example", False),
        ("https://app.example.evil.example", False),
        ("http://app.example", False),
        ("null", False),
    ],
)
async def test_only_the_site_and_the_allowed_origins_may_open_a_socket(
    server: Server, origin: str, opens: bool
) -> None:
    status = 101
    try:
        async with graphql_socket(server.address, headers={"Origin": origin}):
            pass
    except InvalidStatus as refusal:
        status = refusal.response.status_code

    assert status == (101 if opens else 403)


class RawClient:
    """graphql-transport-ws on a plain socket (websockets' sans-I/O protocol): it sends several
    messages in one TCP write, and reads only when told to. A small receive buffer makes a
    server that sends to it meet a full TCP window soon."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.protocol = ClientProtocol(
            parse_uri(f"ws://{address}/graphql"), subprotocols=[PROTOCOL], max_size=None
        )
        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.socket.setblocking(False)
        self.loop = asyncio.get_running_loop()

    async def open(self, params: dict[str, Any] | None = None) -> None:
        """Connect and initialise, reading the handshake and the ack only."""
        host, port = self.address.split(":")
        await self.loop.sock_connect(self.socket, (host, int(port)))
        self.protocol.send_request(self.protocol.connect())
        await self._flush()
        await self._read_until(lambda event: isinstance(event, Response))
        await self.send({"type": "connection_init", "payload": params or {}})
        await self._read_until(lambda event: isinstance(event, Frame))

    async def send(self, *messages: dict[str, Any] | str) -> None:
        for message in messages:
            text = message if isinstance(message, str) else json.dumps(message)
            self.protocol.send_text(text.encode())
        await self._flush()

    async def close_code(self) -> int | None:
        """Read what the server sent, up to its close frame; the code it carried."""
        async with asyncio.timeout(10):
            await self._read_until(lambda _: self.protocol.close_rcvd is not None)
        return self.protocol.close_rcvd.code if self.protocol.close_rcvd else None

    async def _flush(self) -> None:
        await self.loop.sock_sendall(self.socket, b"".join(self.protocol.data_to_send()))

    async def _read_until(self, done: Any) -> None:
        while True:
            data = await self.loop.sock_recv(self.socket, 65536)
            if not data:
                return
            self.protocol.receive_data(data)
            if any(done(event) for event in self.protocol.events_received()):
                return


@pytest.fixture
async def raw_client(server: Server) -> AsyncIterator[RawClient]:
    client = RawClient(server.address)
    yield client
    client.socket.close()


async def test_a_subscriber_that_never_reads_is_dropped_and_holds_up_no_one(
    server: Server, session: AsyncSession, raw_client: RawClient
) -> None:
    token = await _token(session, Role.EDITOR)
    story = await make_article(session, title="Storm", body="<p>" + "x" * 200_000 + "</p>")
    await session.commit()
    events = 60
    async with (
        graphql_socket(server.address) as reader,
        httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as api,
    ):
        await raw_client.open()
        await raw_client.send({"id": "slow", "type": "subscribe", "payload": {"query": HEAVY}})
        await reader.subscribe("fast", BREAKING)
        await until(lambda: _count_is(server, 2), what="both subscriptions registering")
        memory_before = server.resident_bytes()
        received = []
        for n in range(events):
            flag = n % 2 == 0
            await api.post(
                "/graphql",
                json={"query": SET_BREAKING, "variables": {"id": story.public_id, "on": flag}},
            )
            message = await reader.receive()
            received.append(message["payload"]["data"]["breakingNews"]["isBreaking"])
        growth = server.resident_bytes() - memory_before
        assert received == [n % 2 == 0 for n in range(events)]
        assert growth < 64 * 1024 * 1024, f"the server grew by {growth:,} bytes"
        await until(lambda: _count_is(server, 1), what="the slow subscription ending")

    assert await raw_client.close_code() == 1013


async def _count_is(server: Server, count: int) -> bool:
    return await server.subscribers() == count
