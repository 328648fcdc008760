"""The composition root: builds the Starlette app from settings, mounts GraphQL, media and health.

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
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from cms.db import create_engine, create_sessionmaker
from cms.services import scheduling
from cms.services.media.library import MediaLibrary
from cms.settings import Settings
from cms.storage import storage_for
from schema import build_schema
from schema.auth_context import presented_token, viewer_for
from schema.context import Context

MULTIPART_OVERHEAD = 64 * 1024
"""Room for the `operations` and `map` parts and the boundaries around an upload's bytes."""
PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-requested-with")


class GraphQLApp(GraphQL[Context, None]):
    """GraphQL over HTTP (GET and POST) and WebSocket at one path, GraphiQL for browsers.

    File uploads follow the GraphQL multipart request specification. A multipart form is a
    "simple" request a foreign page could send without a CORS preflight, so it must carry an
    `Apollo-Require-Preflight` (or `X-Requested-With`) header, which such a page cannot set;
    and its declared length must fit the upload limit before a byte of it is read.
    """

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        media: MediaLibrary,
    ) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=True,
        )
        self.settings = settings
        self.sessions = sessions
        self.media = media

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As Strawberry's, and closes the request, which removes uploads' temporary files."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = PlainTextResponse(error.reason, status_code=error.status_code)
        finally:
            await request.close()
        await response(scope, receive, send)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """GraphQL over HTTP: a POST body that is not JSON is answered 415, not 400."""
        if request.method == "POST":
            media_type, _ = parse_content_type(request.content_type or "")
            if media_type not in ("application/json", "multipart/form-data"):
                raise HTTPException(415, "Send the operation as application/json.")
            if media_type == "multipart/form-data":
                self._check_upload(request)
        return await super().parse_http_body(request)

    def _check_upload(self, request: AsyncHTTPRequestAdapter) -> None:
        headers = request.headers
        if not any(headers.get(name) for name in PREFLIGHT_HEADERS):
            raise HTTPException(
                400, "Multipart requests need the header `Apollo-Require-Preflight: true`."
            )
        length = headers.get("content-length")
        if length is None or not length.isdigit():
            raise HTTPException(411, "Send uploads with a Content-Length.")
        limit = self.settings.media_max_bytes + MULTIPART_OVERHEAD
        if int(length) > limit:
            raise HTTPException(413, f"Uploads are limited to {limit:,} bytes.")

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
            media=self.media,
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
    media = MediaLibrary(settings, storage_for(settings), sessions)

    async def healthz(request: Request) -> JSONResponse:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await media.catch_up()
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
        await media.close()
        await engine.dispose()

    graphql = GraphQLApp(settings, sessions, media)
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
    ]
    if settings.media_storage == "local":
        settings.media_root.mkdir(parents=True, exist_ok=True)
        routes.append(Mount("/media", ImmutableMedia(directory=settings.media_root), name="media"))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.media = media
    return app
