"""The composition root: builds the Starlette app from settings, mounts GraphQL (HTTP and
WebSocket), media and health, and runs the event bus and the scheduler for the app's lifetime.

The only module of `cms/` that imports `schema/`.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Scope
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from cms.db import create_engine, create_sessionmaker
from cms.events import EventBus, bus_for
from cms.services import scheduling
from cms.settings import Settings
from schema import build_schema
from schema.auth_context import presented_token, viewer_for
from schema.context import Context


class PingingHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws that also pings idle clients, so proxies keep the socket open."""

    ping_task: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self.ping_task is None:
            self.ping_task = asyncio.create_task(self.ping_forever())

    async def ping_forever(self) -> None:
        interval = self.view.settings.ws_ping_seconds  # type: ignore[attr-defined]
        with suppress(Exception):
            while True:
                await asyncio.sleep(interval)
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self.ping_task is not None:
            self.ping_task.cancel()
        await super().shutdown()


class GraphQLApp(GraphQL[Context, None]):
    """GraphQL over HTTP (GET and POST) and WebSocket at one path, GraphiQL for browsers."""

    graphql_transport_ws_handler_class = PingingHandler

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        events: EventBus,
    ) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=settings.ws_max_subscriptions,
            allowed_origins=[settings.site_url, *settings.ws_allowed_origins],
        )
        self.settings = settings
        self.sessions = sessions
        self.events = events

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """GraphQL over HTTP: a POST body that is not JSON is answered 415, not 400."""
        if request.method == "POST":
            media_type, _ = parse_content_type(request.content_type or "")
            if media_type not in ("application/json", "multipart/form-data"):
                raise HTTPException(415, "Send the operation as application/json.")
        return await super().parse_http_body(request)

    async def execute_single(  # type: ignore[override]
        self, request: Request, request_adapter: AsyncHTTPRequestAdapter, **kwargs: Any
    ) -> ExecutionResult:
        """GraphQL over HTTP: a mutation sent with GET is answered 405, not 400."""
        try:
            return await super().execute_single(request, request_adapter, **kwargs)
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, "Send mutations with POST, not GET.") from error
            raise

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        token = presented_token(request, self.settings)
        return Context(
            settings=self.settings,
            sessions=self.sessions,
            viewer=await viewer_for(token, self.sessions),
            token=token,
            connection=request,
            response=response if isinstance(response, Response) else None,
            events=self.events,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Programs sign a socket in with `connectionParams: {token}` (browsers need nothing
        when GraphiQL's session cookie came with the handshake)."""
        params = context.connection_params or {}
        token = params.get("token") or str(params.get("Authorization", "")).removeprefix("Bearer ")
        if isinstance(token, str) and token:
            context.token = token
            context.viewer = await viewer_for(token, self.sessions)
            context.fresh_loaders()
        return await super().on_ws_connect(context)


class ImmutableMedia(StaticFiles):
    """Stored media have content-addressed names, so a response may be cached for good."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    engine = create_engine(settings)
    events = bus_for(settings)
    sessions = create_sessionmaker(engine, events)
    settings.media_root.mkdir(parents=True, exist_ok=True)

    async def healthz(request: Request) -> JSONResponse:
        """The database answers; `subscribers` counts this worker's open subscriptions."""
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok", "subscribers": events.subscriber_count})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await events.start()
        scheduler = None
        if settings.scheduler_interval_seconds > 0:
            scheduler = asyncio.create_task(
                scheduling.run_forever(sessions, settings.scheduler_interval_seconds)
            )
        yield
        if scheduler is not None:
            scheduler.cancel()
            with suppress(asyncio.CancelledError):
                await scheduler
        await events.stop()
        await engine.dispose()

    graphql = GraphQLApp(settings, sessions, events)
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Mount("/media", ImmutableMedia(directory=settings.media_root), name="media"),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.events = events
    return app
