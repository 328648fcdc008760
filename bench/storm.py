"""A publish storm: `python -m bench.storm [--rate 10] [--seconds 30] [--workers 2] [--readers 16]`.

Starts our server (production settings, response cache on) on the benchmark dataset, publishes
`rate` drafts a second while readers read the home feed and a category page, and after each
publish has returned reads both pages again: a page that does not show the article just
published is a stale answer. Fails unless there is none, and no error either.
With several workers the cache and the event bus live in Redis (`--redis-url`, a fresh key
prefix each run); `--redis-url ''` keeps the cache in process, which only one worker may use.
"""

import argparse
import asyncio
import os
import platform
import secrets
import statistics
import sys
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from bench import dataset, storm_clients, storm_data
from bench.processes import Server
from bench.rows import SIZES
from bench.run import DATA, production_settings, server_env
from cms.db import create_engine
from cms.migrations import upgrade
from cms.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass(frozen=True, slots=True)
class Options:
    rate: float
    seconds: float
    workers: int
    readers: int
    redis_url: str


@dataclass(frozen=True, slots=True)
class Result:
    tally: storm_clients.Tally
    server_cpu_seconds: float
    client_cpu_seconds: float

    @property
    def failed(self) -> bool:
        return bool(self.tally.stale or self.tally.errors)


async def _forget(redis_url: str, prefix: str) -> None:
    """Drop the run's keys; entries expire anyway, the cache's generation counter would not."""
    redis: Redis = Redis.from_url(redis_url)
    try:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


async def run(settings: Settings, options: Options) -> Result:
    """Prepare the drafts, run the storm against a server of our own, and clean up after it."""
    newsroom = await storm_data.prepare(settings, round(options.rate * options.seconds))
    prefix = f"storm-{secrets.token_hex(4)}"
    env = server_env(settings) | {"CMS_REDIS_URL": options.redis_url, "CMS_REDIS_PREFIX": prefix}
    server = Server("cms", "cms.web.app:create_app", options.workers, env)
    try:
        await asyncio.to_thread(server.start)
        server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
        tally = await storm_clients.storm(
            server.url, newsroom, rate=options.rate, readers=options.readers
        )
        server_cpu, client_cpu = server.cpu_seconds() - server_cpu, time.process_time() - client_cpu
    finally:
        await asyncio.to_thread(server.stop)
        await storm_data.clean_up(settings)
        if options.redis_url:
            await _forget(options.redis_url, prefix)
    return Result(tally, server_cpu, client_cpu)


def _latency(latencies: list[float]) -> str:
    if len(latencies) < 2:
        return "too few to rank"
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return f"p50 {cuts[49]:.1f} ms, p99 {cuts[98]:.1f} ms, max {max(latencies):.1f} ms"


def report(result: Result, options: Options, backend: str) -> str:
    t = result.tally
    cache = "Redis response cache and event bus" if options.redis_url else "in-process cache"
    served = t.hits + t.misses
    lines = [
        f"`python -m bench.storm {' '.join(sys.argv[1:])}` on {backend}, {options.workers} "
        f"worker(s), {cache}, Python {platform.python_version()};",
        f"the clients (one Python process, httpx on asyncio) share the machine's "
        f"{os.cpu_count()} cores with the server.",
        f"  publishes: {len(t.publishes)} in {t.publishing_seconds:.1f} s "
        f"({len(t.publishes) / t.publishing_seconds:.1f}/s); {_latency(t.publishes)}",
        f"  checks:    {len(t.checks)} reads right after the publishes, each on a new connection "
        f"({t.not_modified} answered 304); {_latency(t.checks)}",
        f"  stale:     {len(t.stale)}",
        f"  readers:   {options.readers}, {len(t.reads)} requests in {t.reading_seconds:.1f} s "
        f"({len(t.reads) / t.reading_seconds:.0f} req/s), "
        f"cache hits {100 * t.hits / max(served, 1):.1f} %; {_latency(t.reads)}",
        f"  CPU:       server {result.server_cpu_seconds:.1f} s, "
        f"clients {result.client_cpu_seconds:.1f} s",
        f"  errors:    {len(t.errors)}",
        *(f"    {problem}" for problem in (t.stale + t.errors)[:10]),
    ]
    return "\n".join(lines)


async def _prepare_dataset(settings: Settings, size: str) -> None:
    """The dataset as the other drivers expect it, with what an interrupted storm left removed."""
    engine = create_engine(settings)
    try:
        await upgrade(engine)
        await storm_data.clean_up(settings)
        await dataset.ensure_dataset(engine, size)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: SQLite file bench/data/bench_<size>.db")
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--rate", type=float, default=10.0, help="publishes a second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--redis-url", default=REDIS_URL, help="'' for the in-process cache")
    args = parser.parse_args()
    if args.workers > 1 and not args.redis_url:
        parser.error("several workers share their cache through Redis: give --redis-url")
    DATA.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite+aiosqlite:///{DATA / f'bench_{args.size}.db'}"
    settings = production_settings(url)
    asyncio.run(_prepare_dataset(settings, args.size))
    options = Options(args.rate, args.seconds, args.workers, args.readers, args.redis_url)
    result = asyncio.run(run(settings, options))
    print(report(result, options, url.split(":", 1)[0]))
    if result.failed:
        print("FAILED: a stale answer or an error.")
        raise SystemExit(1)
    print(f"OK: every page read after each of {len(result.tally.publishes)} publishes showed it.")


if __name__ == "__main__":
    main()
