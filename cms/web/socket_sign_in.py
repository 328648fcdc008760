"""Accepting a GraphQL WebSocket: who the socket is signed in as, for its whole life.

Subscriptions speak graphql-transport-ws only (`cms.web.socket` holds the protocol). The view
caps the operations a socket may run, accepts sockets from the site's own origin and the allowed
ones, and signs a socket in at `connection_init` with `connectionParams: {token}` or GraphiQL's
session cookie. A token that signs no one in is refused with 4403 rather than served as
anonymous, so a client with an expired token learns it at once.
"""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UnsetType

from cms.web.auth_context import bearer_token, viewer_for
from cms.web.socket import QueuedWebSocket, SocketHandler
from schema.context import Context


class SocketSignIn(GraphQL[Context, None]):
    """Strawberry's view, with this project's socket protocol handler and sign-in."""

    graphql_transport_ws_handler_class = SocketHandler
    websocket_adapter_class = QueuedWebSocket
    sessions: async_sessionmaker[AsyncSession]

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Programs sign a socket in with `connectionParams: {token}` (browsers need nothing
        when GraphiQL's session cookie came with the handshake). The viewer is fixed here for
        the socket's life: a second `connection_init` closes it with 4429."""
        params = context.connection_params or {}
        offered = params.get("token", params.get("Authorization"))
        if offered is not None:
            token = offered.removeprefix("Bearer ") if isinstance(offered, str) else ""
            context.token = token
            context.viewer = await viewer_for(token, self.sessions)
            context.fresh_loaders()
        bearer = context.connection is not None and bearer_token(context.connection) is not None
        if (offered is not None or bearer) and context.viewer.user is None:
            raise ConnectionRejectionError({"message": "The token is invalid or expired."})
        return await super().on_ws_connect(context)
