"""Uncached reads in process: ms per request of ARTICLE and CATEGORY pages 1 and 50.

Our app runs in this process (ASGI transport, response cache off) on the benchmark dataset, so the
figure is the database plans plus our own code, without sockets or a load generator. Each
operation is warmed up, then timed in `--rounds` rounds of `--requests`; the median is printed.
Compare two versions in alternating runs on the same database, as the machine is shared:

    .venv/bin/python -m bench.uncached --database-url sqlite+aiosqlite:///bench/data/bench_S.db
"""

import argparse
import asyncio
import statistics
import time

import httpx

from bench import inprocess, operations
from bench.operations import DEEP_PAGE
from bench.run import prepare, production_settings
from cms.web.app import create_app


async def _measure(database_url: str, size: str, rounds: int, requests: int) -> None:
    settings = production_settings(database_url)
    chosen = await prepare(settings, size)
    app = create_app(settings.model_copy(update={"response_cache_bytes": 0}))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://b") as client,
    ):
        deep = await inprocess.deep_page_cursor(client, chosen.category_slug, DEEP_PAGE)
        measured = [
            operations.article(chosen.article_slug, chosen.article_locale),
            operations.category(chosen.category_slug),
            operations.category(chosen.category_slug, deep, DEEP_PAGE),
        ]
        for operation in measured:
            for _ in range(requests // 3):
                await inprocess.post(client, operation)
            runs = []
            for _ in range(rounds):
                started = time.perf_counter()
                for _ in range(requests):
                    await inprocess.post(client, operation)
                runs.append((time.perf_counter() - started) * 1000 / requests)
            shown = ", ".join(f"{run:.1f}" for run in runs)
            print(f"{operation.name}: median {statistics.median(runs):.1f} ms ({shown})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--size", choices=["S", "M"], default="S")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(_measure(args.database_url, args.size, args.rounds, args.requests))


if __name__ == "__main__":
    main()
