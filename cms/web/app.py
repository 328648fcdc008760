"""The composition root: builds the Starlette app from settings, mounts GraphQL (HTTP and
WebSocket), media and health, and runs the event bus, the scheduler and the webhook worker for
the app's lifetime.
Every response carries an `X-Request-Id` (an upstream proxy's, when it sent a valid one), the
id the log and a masked error name the request by.

The only module of `cms/` that imports `schema/`.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta

from asgi_correlation_id import CorrelationIdMiddleware
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from cms import metrics
from cms.db import create_engine, create_sessionmaker
from cms.events import bus_for
from cms.replicas import ReadRouter
from cms.services import digest, persisted_queries, scheduling
from cms.services.mail import Outbox
from cms.services.media.library import MediaLibrary
from cms.services.viewer import Viewer
from cms.services.views import ViewCounter
from cms.services.webhooks.delivery import WebhookSender
from cms.settings import Settings
from cms.storage import storage_for
from cms.web.auth_context import presented_token, viewer_for
from cms.web.cdn import CdnPurger
from cms.web.client_address import ClientAddresses
from cms.web.collector import settle_after_startup
from cms.web.console_assets import ConsoleAssets
from cms.web.console_page import ConsolePage
from cms.web.cors import cors
from cms.web.endpoints import feeds as feed_endpoints
from cms.web.endpoints import metrics as metrics_endpoints
from cms.web.endpoints import newsletter as newsletter_endpoints
from cms.web.endpoints import views as view_endpoints
from cms.web.graphql_view import GraphQLApp
from cms.web.http_cache import ResponseCacheMiddleware
from cms.web.observe import RequestObserver
from cms.web.rate_limit import CachedBudgetMiddleware, RateLimiter
from cms.web.response_cache import RedisResponseCache, ResponseCache, ResponseStore


class ImmutableMedia(StaticFiles):
    """Stored media have content-addressed names, so a response may be cached for good."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


logger = logging.getLogger("cms")


def create_app(settings: Settings | None = None) -> Starlette:
    """The app; `Settings` has already refused values unsafe in production, and what is only
    doubtful is logged here, so that every way of starting the server says it."""
    settings = settings or Settings()
    for warning in settings.production_warnings():
        logger.warning("Production settings: %s.", warning)
    engine = create_engine(settings)
    cache: ResponseStore = (
        RedisResponseCache(
            settings.redis_url, settings.cache_s_maxage, prefix=f"{settings.redis_prefix}:rc"
        )
        if settings.redis_url
        else ResponseCache(settings.response_cache_bytes)
    )
    purger = CdnPurger(settings.cdn_purge_url) if settings.cdn_purge_url else None

    def stale(tags: set[str]) -> None:
        cache.invalidate(tags)
        if purger is not None:
            purger.purge(tags)

    events = bus_for(settings)
    sessions = create_sessionmaker(engine, events, invalidate=stale)
    reads = ReadRouter(settings, engine, sessions) if settings.database_replica_urls else None
    media = MediaLibrary(settings, storage_for(settings), sessions)
    outbox = Outbox(settings)
    webhooks = WebhookSender(sessions, settings)
    views = ViewCounter(
        sessions, settings.secret_key, timedelta(minutes=settings.view_repeat_minutes)
    )
    limiter = RateLimiter(settings)
    clients = ClientAddresses(settings.trusted_proxies)

    async def healthz(request: Request) -> JSONResponse:
        """The database answers; `subscribers` counts this worker's open subscriptions."""
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok", "subscribers": events.subscriber_count})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await events.start()
        async with sessions() as session:
            if settings.persisted_queries_dir is not None:
                documents = persisted_queries.read_documents([settings.persisted_queries_dir])
                await persisted_queries.register(session=session, documents=documents)
            await graphql.persisted.load(session=session)
        await media.catch_up()
        settle_after_startup()
        tasks = [asyncio.create_task(views.run_forever(settings.view_flush_seconds))]
        if settings.scheduler_interval_seconds > 0:
            tasks.append(
                asyncio.create_task(
                    scheduling.run_forever(sessions, settings.scheduler_interval_seconds)
                )
            )
        delivering = (
            asyncio.create_task(webhooks.run_forever())
            if settings.webhook_poll_seconds > 0
            else None
        )
        metrics.register_scrape_hook(webhooks.report_queue)
        if settings.digest_time is not None:
            tasks.append(asyncio.create_task(digest.run_forever(sessions, settings)))
        yield
        metrics.unregister_scrape_hook(webhooks.report_queue)
        if delivering is not None:
            webhooks.stop()
            # A run ends within the send timeout; after that the task is cancelled.
            with suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.shield(delivering), settings.webhook_timeout_seconds + 1
                )
            tasks.append(delivering)
        for task in tasks:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        await views.flush()
        await outbox.close()
        await limiter.close()
        await media.close()
        if isinstance(cache, RedisResponseCache):
            await cache.close()
        if purger is not None:
            await purger.close()
        await events.stop()
        graphql.compiled.close()
        if reads is not None:
            await reads.close()
        await engine.dispose()

    async def authenticate(request: Request) -> Viewer:
        return await viewer_for(presented_token(request, settings), sessions)

    console = (
        ConsolePage(ConsoleAssets.load(settings.console_assets_dir))
        if settings.graphiql_enabled
        else None
    )
    if console is not None and not console.assets.installed:
        logger.warning("The console's scripts are not installed; run `make console-assets`.")
    graphql = GraphQLApp(
        settings, sessions, media, views, cache, events, outbox, console, limiter, clients, reads
    )
    routes = [
        *(console.routes() if console is not None else []),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        *metrics_endpoints.routes(settings.metrics_token),
        *view_endpoints.routes(views, limiter, clients),
        *newsletter_endpoints.routes(settings, sessions, authenticate),
        *feed_endpoints.routes(settings, sessions, reads),
    ]
    if settings.media_storage == "local":
        settings.media_root.mkdir(parents=True, exist_ok=True)
        routes.append(Mount("/media", ImmutableMedia(directory=settings.media_root), name="media"))
    # The response cache comes first: a hit runs nothing, so it needs no request id either.
    middleware = [Middleware(CorrelationIdMiddleware)]
    if settings.response_cache_bytes > 0:
        middleware.insert(
            0,
            Middleware(
                ResponseCacheMiddleware,
                cache=cache,
                path="/graphql",
                max_body=settings.max_body_bytes,
                stale_seconds=settings.cache_stale_while_revalidate,
                counted=settings.metrics_token is not None,
            ),
        )
    # Outside the cache: the budget of cache hits, CORS headers (a hit's too), and the
    # observer, which sees every request end.
    if "cached" in limiter.budgets:
        middleware.insert(
            0, Middleware(CachedBudgetMiddleware, limiter=limiter, clients=clients, path="/graphql")
        )
    if settings.cors_origins:
        middleware.insert(0, cors(settings))
    if settings.metrics_token or logging.getLogger("cms.request").isEnabledFor(logging.INFO):
        paths = {"/" + r.path.split("/")[1] for r in routes if isinstance(r, Route | Mount)}
        counted = settings.metrics_token is not None
        middleware.insert(0, Middleware(RequestObserver, paths=paths, counted=counted))
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan, debug=settings.debug)
    app.state.settings = settings
    app.state.engine = engine
    app.state.reads = reads
    app.state.sessions = sessions
    app.state.events = events
    app.state.media = media
    app.state.response_cache = cache
    app.state.views = views
    app.state.outbox = outbox
    app.state.limiter = limiter
    app.state.webhooks = webhooks
    return app
