"""graphql-transport-ws as the protocol says it, whatever a client sends or fails to read.

Strawberry's handler does most of the protocol (4401 before `connection_init`, 4408, 4409,
4429, the per-socket operation cap); this one adds what it gets wrong or leaves out:

- Every client message is checked first (`socket_messages`): a malformed one closes the socket
  with 4400 and a reason, where Strawberry dropped the socket without a close code or ran it.
- A `connection_init` whose payload is `null` is accepted, as the protocol allows.
- A GraphQL error in a well-formed `subscribe` (a syntax error, an unknown operation name) is
  that operation's `error` message, so a typo in GraphiQL does not end the other subscriptions
  on the socket; Strawberry closed the socket, or sent a bare `complete` for a syntax error.
- Messages go out as text frames: the view encodes JSON to bytes, and a browser's graphql-ws
  client cannot read a binary frame.
- Everything sent goes through one queue per socket, drained by one writer task. A client that
  reads too slowly, or not at all, is closed with 1013 (Try Again Later) once more than
  `ws_send_queue_bytes` wait behind a send it has not taken, and its subscriptions end at once.
  graphql-ws clients reconnect after 1013 and subscribe again, so a frontend learns it missed
  events and can refetch; silently dropping some events would leave it wrong without knowing.
  The close frame cannot reach a client that never reads: the worker then keeps nothing for it
  but the connection itself, until the operating system or the proxy gives up on it.
- The server pings every socket, so proxies keep idle ones open, and holds anonymous sockets
  to the allow-list as HTTP does under `CMS_PERSISTED_QUERIES_ONLY`.
"""

import asyncio
import logging
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, cast

from graphql import GraphQLError
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.async_base_view import AsyncBaseHTTPView
from strawberry.schema.schema import StreamResult
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)

from cms.services.persisted_queries import document_hash
from cms.web.socket_messages import close_reason, invalid_message
from schema.context import Context

logger = logging.getLogger(__name__)

TRY_AGAIN_LATER = 1013


@dataclass(frozen=True, slots=True)
class _Close:
    code: int
    reason: str


class QueuedWebSocket(ASGIWebSocketAdapter):
    """Sends text frames, in order, through a queue that one writer task drains; a close waits
    its turn behind what was sent before it."""

    def __init__(
        self,
        view: AsyncBaseHTTPView[Any, Any, Any, Any, Any, Any, Any],
        request: WebSocket,
        response: WebSocket,
    ) -> None:
        super().__init__(view, request, response)
        self.outbox: asyncio.Queue[bytes | _Close] = asyncio.Queue()
        self.queued_bytes = 0
        self.closing = False
        self._sending = False
        self._writer: asyncio.Task[None] | None = None

    @property
    def bytes_behind(self) -> int:
        """What waits behind a send the client has not taken yet (0 while nothing is stuck)."""
        return self.queued_bytes if self._sending else 0

    async def send_json(self, message: Mapping[str, object]) -> None:
        if self.closing:
            return
        encoded = self.view.encode_json(message)
        frame = encoded if isinstance(encoded, bytes) else encoded.encode()
        self.queued_bytes += len(frame)
        self._put(frame)

    async def close(self, code: int, reason: str) -> None:
        if not self.closing:
            self.closing = True
            self._put(_Close(code, close_reason(reason)))

    def discard_queued(self) -> None:
        """Forget every message not yet sent: the client will never take them."""
        while not self.outbox.empty():
            self.outbox.get_nowait()
        self.queued_bytes = 0

    async def stop(self) -> None:
        """Once the handler is done: send the close it asked for, or end the idle writer."""
        if self._writer is None:
            return
        if not self.closing:
            self._writer.cancel()
        with suppress(asyncio.CancelledError):
            await self._writer

    def _put(self, item: bytes | _Close) -> None:
        self.outbox.put_nowait(item)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())

    async def _write(self) -> None:
        with suppress(WebSocketDisconnect):
            while True:
                item = await self.outbox.get()
                self._sending = True
                if isinstance(item, _Close):
                    await self.ws.close(code=item.code, reason=item.reason)
                    return
                self.queued_bytes -= len(item)
                await self.ws.send_text(item.decode())
                self._sending = False


class SocketHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler, checked, queued and pinged (see the module)."""

    ping_task: asyncio.Task[None] | None = None

    @property
    def socket(self) -> QueuedWebSocket:
        return cast("QueuedWebSocket", self.websocket)

    async def handle_message(self, message: Message) -> None:
        if self.socket.closing:
            return
        problem = invalid_message(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        if message["type"] == "connection_init" and message.get("payload") is None:
            message = {"type": "connection_init", "payload": {}}
        await super().handle_message(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        settings = self.context.settings
        locked = settings.persisted_queries_only and self.context.viewer.user is None
        registered = self.view.persisted.registered  # type: ignore[attr-defined]
        if (
            self.connection_acknowledged
            and locked
            and (document_hash(message["payload"]["query"]) not in registered)
        ):
            refusal = GraphQLError(
                "This endpoint runs registered documents only.",
                extensions={"code": "PERSISTED_QUERY_NOT_ALLOWED"},
            )
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [refusal.formatted]}
            )
            return
        await super().handle_subscribe(message)

    async def _send_result_stream(
        self, operation: Operation[Context, None], result_source: StreamResult
    ) -> None:
        """A syntax error escapes Strawberry's stream when the parser cache parses (0.341):
        it is the operation's error, not a bare `complete`."""
        try:
            await super()._send_result_stream(operation, result_source)
        except GraphQLError as error:
            await operation.send_initial_errors([error])

    @staticmethod
    def _get_pre_execution_close_reason(error: GraphQLError) -> str | None:
        """No GraphQL error closes the socket: each is its own operation's `error` message."""
        return None

    async def send_message(self, message: Message) -> None:
        await self.websocket.send_json(message)

        if self.socket.bytes_behind > self.context.settings.ws_send_queue_bytes:
            await self.drop_lagging_client()

    async def drop_lagging_client(self) -> None:
        """Close the socket of a client that does not keep up, and end all it runs."""
        logger.warning(
            "closing a WebSocket from %s that is %d bytes behind",
            self.context.client_address,
            self.socket.bytes_behind,
        )
        self.socket.discard_queued()
        await self.websocket.close(TRY_AGAIN_LATER, "Too far behind; reconnect.")
        if self.ping_task is not None:
            self.ping_task.cancel()
        for operation_id in list(self.operations):
            await self.cleanup_operation(operation_id)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self.ping_task is None:
            self.ping_task = asyncio.create_task(self.ping_forever())

    async def ping_forever(self) -> None:
        with suppress(Exception):
            while True:
                await asyncio.sleep(self.context.settings.ws_ping_seconds)
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self.ping_task is not None:
            self.ping_task.cancel()
        await super().shutdown()
        await self.socket.stop()
