"""The composition root: builds the Starlette app from settings, mounts GraphQL, media and health.

The only module of `cms/` that imports `schema/`.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
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
from strawberry.types import ExecutionResult

from cms.db import create_engine, create_sessionmaker
from cms.endpoints import feeds as feed_endpoints
from cms.endpoints import newsletter as newsletter_endpoints
from cms.endpoints import views as view_endpoints
from cms.services import digest, scheduling
from cms.services.viewer import Viewer
from cms.services.views import ViewCounter
from cms.settings import Settings
from schema import build_schema
from schema.auth_context import presented_token, viewer_for
from schema.context import Context


class GraphQLApp(GraphQL[Context, None]):
    """GraphQL over HTTP (GET and POST) and WebSocket at one path, GraphiQL for browsers."""

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        views: ViewCounter,
    ) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allow_queries_via_get=True,
        )
        self.settings = settings
        self.sessions = sessions
        self.views = views

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
            views=self.views,
        )


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
    sessions = create_sessionmaker(engine)
    settings.media_root.mkdir(parents=True, exist_ok=True)
    views = ViewCounter(
        sessions, settings.secret_key, timedelta(minutes=settings.view_repeat_minutes)
    )

    async def healthz(request: Request) -> JSONResponse:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(views.run_forever(settings.view_flush_seconds))]
        if settings.scheduler_interval_seconds > 0:
            tasks.append(
                asyncio.create_task(
                    scheduling.run_forever(sessions, settings.scheduler_interval_seconds)
                )
            )
        if settings.digest_time is not None:
            tasks.append(asyncio.create_task(digest.run_forever(sessions, settings)))
        yield
        for task in tasks:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        await views.flush()
        await engine.dispose()

    async def authenticate(request: Request) -> Viewer:
        return await viewer_for(presented_token(request, settings), sessions)

    graphql = GraphQLApp(settings, sessions, views)
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            *view_endpoints.routes(views),
            *newsletter_endpoints.routes(settings, sessions, authenticate),
            *feed_endpoints.routes(settings, sessions),
            Mount("/media", ImmutableMedia(directory=settings.media_root), name="media"),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.views = views
    return app
