"""Where one uncached request's time goes: cProfile over many in-process requests.

Runs our app in this process (ASGI transport, no sockets, response cache off) on the benchmark
dataset, warms it up, then profiles `--requests` requests of one operation and prints the
functions with the most cumulative and internal time. Run after `python -m bench.run` has built
the dataset:

    .venv/bin/python -m bench.profile --operation home --requests 300
"""

import argparse
import asyncio
import cProfile
import io
import pstats
import time

import httpx

from bench import checks, inprocess, operations
from bench.operations import Operation
from bench.run import DATA, prepare, production_settings
from cms.settings import Settings
from cms.web.app import create_app


def _operation(name: str, chosen: checks.Samples) -> Operation:
    if name == "home":
        return operations.home()
    if name == "article":
        return operations.article(chosen.article_slug, chosen.article_locale)
    return operations.category(chosen.category_slug)


async def _profile(settings: Settings, operation: Operation, requests: int) -> pstats.Stats:
    app = create_app(settings.model_copy(update={"response_cache_bytes": 0}))
    profiler = cProfile.Profile()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as client,
    ):
        for _ in range(50):
            await inprocess.post(client, operation)
        started = time.perf_counter()
        profiler.enable()
        for _ in range(requests):
            await inprocess.post(client, operation)
        profiler.disable()
        elapsed = time.perf_counter() - started
    print(f"{operation.name}: {elapsed / requests * 1000:.2f} ms per request in process, profiled")
    return pstats.Stats(profiler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operation", choices=["home", "article", "category"], default="home")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    settings = production_settings(f"sqlite+aiosqlite:///{DATA / 'bench_S.db'}")
    chosen = asyncio.run(prepare(settings, "S"))
    stats = asyncio.run(_profile(settings, _operation(args.operation, chosen), args.requests))
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats.stream = out  # type: ignore[attr-defined]
        stats.sort_stats(order).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
