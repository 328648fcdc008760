"""Where one uncached request's time goes: cProfile over many in-process requests.

Runs our app in this process (ASGI transport, no sockets, response cache off) on the benchmark
dataset, warms it up, then profiles `--requests` requests of one operation and prints the
functions with the most cumulative and internal time. Run after `python -m bench.run` has built
the dataset:

    .venv/bin/python -m bench.profile --operation home --requests 300
    .venv/bin/python -m bench.profile --operation home --hops --concurrency 16

`--hops` profiles nothing: it counts aiosqlite's thread hand-offs per request, then times the same
requests (`--concurrency` in flight) with them and with every call run on the event loop instead
(`bench/hops.py`), in wall and CPU time, to tell what the hand-offs cost.
"""

import argparse
import asyncio
import cProfile
import io
import pstats
import time
from contextlib import AbstractContextManager, nullcontext

import httpx

from bench import checks, hops, inprocess, operations
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


async def _timed(
    settings: Settings, operation: Operation, requests: int, concurrency: int
) -> tuple[float, float]:
    """Wall and CPU milliseconds per request (CPU of the process, SQLite threads included)."""
    app = create_app(settings.model_copy(update={"response_cache_bytes": 0}))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as client,
    ):

        async def serve(count: int) -> None:
            for _ in range(count):
                await inprocess.post(client, operation)

        await asyncio.gather(*(serve(20) for _ in range(concurrency)))
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(serve(requests // concurrency) for _ in range(concurrency)))
        done = requests // concurrency * concurrency
        wall = (time.perf_counter() - started) / done * 1000
        cpu_ms = (time.process_time() - cpu) / done * 1000
    await app.state.engine.dispose()
    return wall, cpu_ms


def _compare_hops(settings: Settings, operation: Operation, args: argparse.Namespace) -> None:
    with hops.counting() as counted:
        asyncio.run(_timed(settings, operation, args.concurrency, args.concurrency))
    per_request = counted.count / (args.concurrency * 21)
    print(f"{operation.name}: {per_request:.1f} aiosqlite hand-offs per request")
    modes: dict[str, AbstractContextManager[object]] = {
        "threads (aiosqlite)": nullcontext(),
        "on the loop": hops.on_the_loop(),
    }
    for name, mode in modes.items():
        with mode:
            wall, cpu = asyncio.run(_timed(settings, operation, args.requests, args.concurrency))
        print(
            f"  {name:20} {wall:6.2f} ms wall, {cpu:6.2f} ms CPU per request, "
            f"{args.concurrency} in flight"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operation", choices=["home", "article", "category"], default="home")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--hops", action="store_true", help="time aiosqlite's hand-offs")
    parser.add_argument("--concurrency", type=int, default=1, help="requests in flight (--hops)")
    args = parser.parse_args()
    settings = production_settings(f"sqlite+aiosqlite:///{DATA / 'bench_S.db'}")
    chosen = asyncio.run(prepare(settings, "S"))
    if args.hops:
        _compare_hops(settings, _operation(args.operation, chosen), args)
        return
    stats = asyncio.run(_profile(settings, _operation(args.operation, chosen), args.requests))
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats.stream = out  # type: ignore[attr-defined]
        stats.sort_stats(order).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
