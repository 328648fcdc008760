"""Our app in this process (ASGI transport, no sockets): walk the cursors and count SQL statements.

Counting happens here rather than in the measured server, because an event hook there would slow
down the very thing being measured.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import Engine, event
from sqlalchemy.ext.asyncio import AsyncEngine

from bench import operations
from bench.operations import Operation
from cms.settings import Settings
from cms.web.app import create_app


@dataclass
class _Counter:
    count: int = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1


@contextmanager
def counting() -> Iterator[_Counter]:
    """Count the statements every engine of the process sends while the block runs: the app's,
    and on SQLite the compiled path's blocking one (`cms.db.create_blocking_engine`)."""
    counter = _Counter()
    event.listen(Engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(Engine, "before_cursor_execute", counter)


async def post(client: httpx.AsyncClient, operation: Operation) -> dict[str, Any]:
    response = await client.post(
        "/graphql", content=operation.body(), headers={"Content-Type": "application/json"}
    )
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    if answer.get("errors"):
        raise RuntimeError(f"{operation.name}: {answer['errors']}")
    return answer


async def deep_page_cursor(client: httpx.AsyncClient, slug: str, page: int) -> str:
    """The `after` of page `page`, walked one page at a time as a reader's client would."""
    after: str | None = None
    for _ in range(page - 1):
        answer = await post(client, operations.category(slug, after))
        after = answer["data"]["category"]["articles"]["pageInfo"]["endCursor"]
        if after is None:
            raise RuntimeError(f"Category {slug!r} has fewer than {page} pages")
    assert after is not None
    return after


async def rehearse(
    settings: Settings, article_slug: str, article_locale: str, category_slug: str
) -> tuple[list[Operation], dict[str, int]]:
    """The benchmark's operations, and the SQL statements each one costs after a warm-up
    (with the response cache off, or the counted request would cost none)."""
    app = create_app(settings.model_copy(update={"response_cache_bytes": 0}))
    engine: AsyncEngine = app.state.engine
    transport = httpx.ASGITransport(app=app)
    statements: dict[str, int] = {}
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            cursor = await deep_page_cursor(client, category_slug, operations.DEEP_PAGE)
            chosen = [
                operations.home(),
                operations.article(article_slug, article_locale),
                operations.category(category_slug),
                operations.category(category_slug, cursor, operations.DEEP_PAGE),
            ]
            for operation in chosen:
                await post(client, operation)
                with counting() as counter:
                    response = await client.post(
                        "/graphql",
                        content=operation.body(),
                        headers={"Content-Type": "application/json"},
                    )
                statements[operation.name] = counter.count
                path = response.headers.get("x-execution")
                print(f"{operation.name}: {counter.count} SQL statements, served {path}")
    finally:
        await engine.dispose()
    return chosen, statements
