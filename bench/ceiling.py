"""The three ceilings as ASGI factories for uvicorn, on the same stack as our server.

`bytes_app`: GET /<operation> answers the pre-encoded bytes our server gave for it (read from the
file in BENCH_RESPONSES). `raw_app`: GET /<kind> runs the minimal SQL at the driver (`sqlite3` on
the event loop, or asyncpg) and encodes with orjson. `sql_app`, the engine ceiling: the same SQL
through SQLAlchemy Core on an engine from `cms.db`. All are sent the same persisted-query URL as
our server, and the two SQL ceilings decode its variables, as our server must.
"""

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bench import ceiling_raw, ceiling_sql
from cms.db import create_engine
from cms.settings import Settings

Handler = Callable[[AsyncConnection, Settings, ceiling_sql.Json], Awaitable[ceiling_sql.Json]]
HANDLERS: dict[str, Handler] = {
    "home": ceiling_sql.home,
    "article": ceiling_sql.article,
    "category": ceiling_sql.category,
}


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


def bytes_app() -> Starlette:
    """Serve each operation's recorded response: the cost of HTTP alone."""
    responses: dict[str, str] = orjson.loads(Path(os.environ["BENCH_RESPONSES"]).read_bytes())
    encoded = {name: body.encode() for name, body in responses.items()}

    async def answer(request: Request) -> Response:
        return Response(encoded[request.path_params["name"]], media_type="application/json")

    return Starlette(routes=[Route("/healthz", healthz), Route("/{name}", answer)])


def sql_app() -> Starlette:
    """Answer each operation by hand-written SQL: the cost of HTTP, the database and JSON."""
    settings = Settings()
    engine = create_engine(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    async def answer(request: Request) -> Response:
        variables = orjson.loads(request.query_params["variables"])
        async with engine.connect() as connection:
            data = await HANDLERS[request.path_params["kind"]](connection, settings, variables)
        return Response(orjson.dumps(data), media_type="application/json")

    routes = [Route("/healthz", healthz), Route("/{kind}", answer)]
    return Starlette(routes=routes, lifespan=lifespan)


def raw_app() -> Starlette:
    """Answer each operation at the driver: the cost of HTTP, the database and JSON alone."""
    settings = Settings()
    reads: list[ceiling_raw.RawReads] = []

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        driver = await ceiling_raw.connect(settings.database_url)
        reads.append(ceiling_raw.RawReads(driver, settings))
        yield
        await driver.close()

    async def answer(request: Request) -> Response:
        variables = orjson.loads(request.query_params["variables"])
        body = await reads[0].answer(request.path_params["kind"], variables)
        return Response(body, media_type="application/json")

    routes = [Route("/healthz", healthz), Route("/{kind}", answer)]
    return Starlette(routes=routes, lifespan=lifespan)
