"""View counting under load: `python -m bench.views [--views 10000] [--clients 8] [--workers 2]`.

Starts our server (production settings, several uvicorn workers) on the benchmark dataset, sends
beacons for distinct (reader, article) pairs from concurrent clients, each pair twice from two
clients so that repeats cross workers, while one more client reads the home feed and times it.
Stopping the server flushes every worker; the views that landed in `article.views` and in the
daily buckets must equal the pairs sent, exactly, or the run fails.
"""

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass

import httpx
from sqlalchemy import text

from bench import dataset
from bench.operations import HOME
from bench.processes import Server
from bench.run import DATA, production_settings, server_env
from cms.db import create_engine
from cms.settings import Settings

ARTICLES = 100


@dataclass(frozen=True, slots=True)
class Totals:
    views: int
    bucketed: int


async def _articles(settings: Settings, size: str) -> list[str]:
    engine = create_engine(settings)
    try:
        await dataset.ensure_dataset(engine, size)
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT public_id FROM article WHERE status = 'PUBLISHED' "
                    "ORDER BY published_at DESC, id DESC LIMIT :n"
                ),
                {"n": ARTICLES},
            )
            return [public_id for (public_id,) in rows]
    finally:
        await engine.dispose()


async def _totals(settings: Settings, public_ids: list[str]) -> Totals:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            ids = {f"p{n}": public_id for n, public_id in enumerate(public_ids)}
            names = ", ".join(f":{name}" for name in ids)
            views = await connection.scalar(
                text(f"SELECT sum(views) FROM article WHERE public_id IN ({names})"), ids
            )
            bucketed = await connection.scalar(
                text(
                    "SELECT coalesce(sum(b.views), 0) FROM article_view_bucket b "
                    f"JOIN article a ON a.id = b.article_id WHERE a.public_id IN ({names})"
                ),
                ids,
            )
        return Totals(int(views or 0), int(bucketed or 0))
    finally:
        await engine.dispose()


async def _send(url: str, pairs: list[tuple[int, str]]) -> int:
    failures = 0
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for reader, public_id in pairs:
            response = await client.post(
                f"/views/{public_id}",
                headers={"user-agent": f"Mozilla/5.0 (X11; Linux) bench-reader-{reader}"},
            )
            failures += response.status_code != 204
    return failures


async def _read_latencies(url: str, until: asyncio.Event | None, count: int = 200) -> list[float]:
    """Home-feed latencies in ms: `count` requests, or until `until` is set."""
    body = {"query": HOME, "variables": {"first": 20}}
    latencies: list[float] = []

    def more() -> bool:
        return not until.is_set() if until is not None else len(latencies) < count

    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        while more():
            started = time.perf_counter()
            response = await client.post("/graphql", json=body)
            response.raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


async def _load(
    url: str, pairs: list[tuple[int, str]], clients: int
) -> tuple[int, list[float], float]:
    done = asyncio.Event()
    reader = asyncio.create_task(_read_latencies(url, done))
    slices = [pairs[n::clients] for n in range(clients)]
    repeats = [part[::-1] for part in slices[1:] + slices[:1]]
    started = time.perf_counter()
    failures = sum(await asyncio.gather(*(_send(url, part) for part in slices + repeats)))
    elapsed = time.perf_counter() - started
    done.set()
    return failures, await reader, elapsed


def _percentiles(latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    return f"p50 {cuts[49]:.1f} ms, p99 {cuts[98]:.1f} ms over {len(latencies)} requests"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: SQLite file bench/data/bench_S.db")
    parser.add_argument("--size", default="S")
    parser.add_argument("--views", type=int, default=10_000, help="distinct reader/article pairs")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite+aiosqlite:///{DATA / f'bench_{args.size}.db'}"
    settings = production_settings(url)
    public_ids = asyncio.run(_articles(settings, args.size))
    readers = -(-args.views // len(public_ids))
    pairs = [(r, p) for r in range(readers) for p in public_ids][: args.views]
    before = asyncio.run(_totals(settings, public_ids))
    server = Server("cms", "cms.web.app:create_app", args.workers, server_env(settings))
    try:
        server.start()
        idle = asyncio.run(_read_latencies(server.url, None))
        failures, loaded, elapsed = asyncio.run(_load(server.url, pairs, args.clients))
    finally:
        server.stop()
    after = asyncio.run(_totals(settings, public_ids))
    landed, bucketed = after.views - before.views, after.bucketed - before.bucketed
    print(f"`python -m bench.views {' '.join(sys.argv[1:])}` on {url.split(':', 1)[0]}, ")
    print(f"{args.workers} workers, {args.clients} clients sending each pair twice:")
    print(f"  beacons sent:  {2 * len(pairs)} ({len(pairs)} distinct pairs) in {elapsed:.1f} s")
    print(f"  non-204:       {failures}")
    print(f"  views landed:  {landed} in article.views, {bucketed} in daily buckets")
    print(f"  home feed idle:        {_percentiles(idle)}")
    print(f"  home feed under views: {_percentiles(loaded)}")
    if landed != len(pairs) or bucketed != len(pairs) or failures:
        print(f"FAILED: expected exactly {len(pairs)} views to land.")
        raise SystemExit(1)
    print(f"OK: exactly {len(pairs)} views landed.")


if __name__ == "__main__":
    main()
