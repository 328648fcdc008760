"""A graphql-transport-ws client on a real WebSocket, and a real uvicorn server to talk to."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from websockets import Subprotocol
from websockets.asyncio.client import ClientConnection, connect

from cms.settings import Settings
from cms.web.app import create_app
from tests.polling import until

PROTOCOL = Subprotocol("graphql-transport-ws")


class GraphQLSocket:
    """Speaks graphql-transport-ws: answers the server's pings and counts them."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.pings = 0

    async def send(self, message: dict[str, Any] | str) -> None:
        await self.connection.send(message if isinstance(message, str) else json.dumps(message))

    async def receive(self, within: float = 30.0) -> dict[str, Any]:
        """The next message other than a ping, within `within` seconds."""
        async with asyncio.timeout(within):
            while True:
                message: dict[str, Any] = json.loads(await self.connection.recv())
                if message["type"] != "ping":
                    return message
                self.pings += 1
                await self.send({"type": "pong"})

    async def pinged(self, times: int, within: float = 30.0) -> None:
        """Answer the server's pings until it has sent `times` of them; any other message fails."""
        async with asyncio.timeout(within):
            while self.pings < times:
                message: dict[str, Any] = json.loads(await self.connection.recv())
                assert message["type"] == "ping", message
                self.pings += 1
                await self.send({"type": "pong"})

    async def until_done(self, id: str) -> list[dict[str, Any]]:
        """The messages of operation `id` up to its `complete` (left out) or `error`."""
        messages = []
        while (message := await self.receive())["type"] != "complete":
            if message.get("id") == id:
                messages.append(message)
                if message["type"] == "error":
                    break
        return messages

    async def init(self, payload: dict[str, Any] | None = None) -> None:
        await self.send({"type": "connection_init", "payload": payload or {}})
        assert (await self.receive())["type"] == "connection_ack"

    async def subscribe(
        self, id: str, query: str, variables: dict[str, Any] | None = None, **extra: Any
    ) -> None:
        payload = {"query": query, "variables": variables or {}} | extra
        await self.send({"id": id, "type": "subscribe", "payload": payload})

    async def close_code(self) -> int | None:
        """Wait (30 s at most) for the server to close the socket; the close code it sent."""
        async with asyncio.timeout(30.0):
            await self.connection.wait_closed()
        return self.connection.close_code


@asynccontextmanager
async def graphql_socket(
    address: str,
    init: dict[str, Any] | None = None,
    *,
    initialise: bool = True,
    headers: dict[str, str] | None = None,
) -> AsyncIterator[GraphQLSocket]:
    async with connect(
        f"ws://{address}/graphql", subprotocols=[PROTOCOL], additional_headers=headers
    ) as connection:
        socket = GraphQLSocket(connection)
        if initialise:
            await socket.init(init)
        yield socket


@dataclass(frozen=True, slots=True)
class LiveServer:
    address: str
    app: Starlette
    server: uvicorn.Server

    @property
    def subscribers(self) -> int:
        return int(self.app.state.events.subscriber_count)


@asynccontextmanager
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    """The app served by uvicorn in this event loop, on a free port."""
    app = create_app(settings)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, ws="websockets-sansio", log_level="warning"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    await until(lambda: server.started, what="the server starting")
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield LiveServer(f"127.0.0.1:{port}", app, server)
    finally:
        server.should_exit = True
        await task
