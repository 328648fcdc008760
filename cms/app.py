"""The composition root: builds the Starlette app from settings, mounts GraphQL, media and health.

The only module of `cms/` that imports `schema/`.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from cms.db import create_engine, create_sessionmaker
from cms.http_cache import ResponseCacheMiddleware
from cms.response_cache import ResponseCache
from cms.services import persisted_queries, scheduling
from cms.services.media.library import MediaLibrary
from cms.settings import Settings
from cms.storage import storage_for
from schema.view import GraphQLApp


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
    cache = ResponseCache(settings.response_cache_bytes)
    sessions = create_sessionmaker(engine, invalidate=cache.invalidate)
    media = MediaLibrary(settings, storage_for(settings), sessions)

    async def healthz(request: Request) -> JSONResponse:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with sessions() as session:
            if settings.persisted_queries_dir is not None:
                documents = persisted_queries.read_documents([settings.persisted_queries_dir])
                await persisted_queries.register(session=session, documents=documents)
            await graphql.persisted.load(session=session)
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
    middleware = [
        Middleware(
            ResponseCacheMiddleware, cache=cache, path="/graphql", max_body=settings.max_body_bytes
        )
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware if settings.response_cache_bytes > 0 else [],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.media = media
    app.state.response_cache = cache
    return app
