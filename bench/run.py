"""The driver: `python -m bench.run [--duration 15] [--connections 16,64] [--workers 1,2]`.

Builds or reuses the dataset, rehearses the operations in process (cursors, statement counts),
starts our server and the three ceilings, checks every answer, then measures each operation with
wrk: bytes ceiling, raw ceiling, engine ceiling, then ours, at each worker and connection count.
"""

import argparse
import asyncio
import json
import platform
import secrets
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
import orjson
from sqlalchemy.engine import make_url

from bench import checks, dataset, inprocess, report, wrk
from bench.operations import Operation
from bench.processes import ROOT, Server
from bench.report import BYTES, CACHED, OURS, RAW, SQL, Measurement
from bench.rows import SIZES
from cms.db import create_engine
from cms.settings import Settings

DATA = ROOT / "bench" / "data"


def production_settings(database_url: str) -> Settings:
    """Production settings, as a deployment would run (masked errors, no introspection)."""
    return Settings(
        _env_file=None,
        env="production",
        secret_key=secrets.token_hex(16),
        database_url=database_url,
        media_root=DATA / "media",
        site_url="https://news.example",
        # The load generator is one address standing for thousands of readers.
        rate_limit_anonymous="off",
        rate_limit_staff="off",
        rate_limit_cached="off",
        rate_limit_views="off",
    )


RATE_BUDGETS = ("ANONYMOUS", "STAFF", "CACHED", "VIEWS")


def server_env(settings: Settings) -> dict[str, str]:
    return {
        "CMS_ENV": settings.env,
        "CMS_SECRET_KEY": settings.secret_key,
        "CMS_DATABASE_URL": settings.database_url,
        "CMS_MEDIA_ROOT": str(settings.media_root),
        "CMS_SITE_URL": settings.site_url,
        # The load generator is one address standing for thousands of readers.
        **{
            f"CMS_RATE_LIMIT_{budget}": "off"
            for budget in ("ANONYMOUS", "STAFF", "CACHED", "VIEWS")
        },
    }


async def prepare(settings: Settings, size: str) -> checks.Samples:
    engine = create_engine(settings)
    try:
        built = await dataset.ensure_dataset(engine, size)
        print(f"{'Built' if built else 'Reused'} dataset {size}.", flush=True)
        async with engine.connect() as connection:
            return await checks.samples(connection)
    finally:
        await engine.dispose()


async def _check(settings: Settings, answers: dict[str, Any], chosen: checks.Samples) -> None:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            await checks.check_all(connection, answers, chosen)
    finally:
        await engine.dispose()


def _get(url: str, operation: Operation) -> httpx.Response:
    response = httpx.get(f"{url}?{operation.persisted_query_string()}", timeout=30)
    response.raise_for_status()
    return response


def _fetch(url: str, operation: Operation) -> bytes:
    return _get(url, operation).content


def _path(response: httpx.Response) -> str:
    """Which execution path served it, as the server's `X-Execution` header says."""
    path: str = response.headers.get("x-execution", "interpreted")
    return path


def _register(ops: list[Operation]) -> Path:
    """The operations' documents as the allow-list our server loads at start-up
    (`CMS_PERSISTED_QUERIES_DIR`), so every worker knows their hashes."""
    folder = DATA / "queries"
    folder.mkdir(exist_ok=True)
    for op in ops:
        (folder / f"{op.kind}.graphql").write_text(op.document, encoding="utf-8")
    return folder


@contextmanager
def _running(*servers: Server) -> Iterator[None]:
    with ExitStack() as stack:
        for server in servers:
            stack.callback(server.stop)
            server.start()
        yield


def _verify_ceilings(
    ops: list[Operation], ours: dict[str, bytes], bytes_url: str, raw_url: str, sql_url: str
) -> None:
    """The ceilings must answer what we answer: the bytes and raw ceilings our very bytes, the
    engine ceiling equal JSON."""
    for op in ops:
        checks.expect(_fetch(f"{bytes_url}/{op.name}", op) == ours[op.name], f"bytes {op.name}")
        raw = _fetch(f"{raw_url}/{op.kind}", op)
        checks.expect(raw == ours[op.name], f"raw ceiling differs on {op.name}")
        sql = orjson.loads(_fetch(f"{sql_url}/{op.kind}", op))
        checks.expect(sql == orjson.loads(ours[op.name]), f"engine ceiling differs on {op.name}")


def _measure(
    server: Server, url: str, connections: int, args: argparse.Namespace
) -> tuple[wrk.Load, float, float]:
    wrk.run(url, connections, args.warmup)
    cpu_before = server.cpu_seconds()
    load = wrk.run(url, connections, args.duration)
    cpu_ms = (server.cpu_seconds() - cpu_before) * 1000 / max(load.requests, 1)
    return load, cpu_ms, server.rss_per_worker_mib()


def _bench_workers(
    workers: int,
    ops: list[Operation],
    settings: Settings,
    chosen: checks.Samples,
    args: argparse.Namespace,
    paths: dict[tuple[str, str], str],
) -> list[Measurement]:
    """Measure every target at `workers`; `paths` gets the execution path of our answers."""
    env = server_env(settings) | {"CMS_PERSISTED_QUERIES_DIR": str(_register(ops))}
    responses = DATA / "responses.json"
    ours = Server(OURS, "cms.web.app:create_app", workers, env | {"CMS_RESPONSE_CACHE_BYTES": "0"})
    cached = Server(CACHED, "cms.web.app:create_app", workers, env)
    sql = Server(SQL, "bench.ceiling:sql_app", workers, env)
    raw = Server(RAW, "bench.ceiling:raw_app", workers, env)
    plain = Server(
        BYTES, "bench.ceiling:bytes_app", workers, env | {"BENCH_RESPONSES": str(responses)}
    )
    results = []
    with _running(ours, cached, raw, sql):
        answered = {op.name: _get(f"{ours.url}/graphql", op) for op in ops}
        answers = {name: response.content for name, response in answered.items()}
        for op in ops:
            paths[(op.name, OURS)] = _path(answered[op.name])
            _get(f"{cached.url}/graphql", op)
            paths[(op.name, CACHED)] = _path(_get(f"{cached.url}/graphql", op))
        asyncio.run(_check(settings, {k: json.loads(v) for k, v in answers.items()}, chosen))
        responses.write_text(json.dumps({k: v.decode() for k, v in answers.items()}))
        with _running(plain):
            _verify_ceilings(ops, answers, plain.url, raw.url, sql.url)
            print(f"Answers checked ({workers} worker(s)); measuring.", flush=True)
            for connections in args.connections:
                for op in ops:
                    if args.operations and op.name not in args.operations:
                        continue
                    query = op.persisted_query_string()
                    for server, path in (
                        (plain, op.name),
                        (raw, op.kind),
                        (sql, op.kind),
                        (ours, "graphql"),
                        (cached, "graphql"),
                    ):
                        url = f"{server.url}/{path}?{query}"
                        load, cpu_ms, rss = _measure(server, url, connections, args)
                        results.append(
                            Measurement(
                                op.name, workers, connections, server.name, load, cpu_ms, rss
                            )
                        )
                        print(
                            f"  {op.name:12} w={workers} c={connections:<3} {server.name:13} "
                            f"{load.requests_per_second:8.0f} req/s",
                            flush=True,
                        )
    return results


def _ints(value: str) -> list[int]:
    return [int(part) for part in value.split(",")]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: SQLite file bench/data/bench_<size>.db")
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--duration", type=float, default=15.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    parser.add_argument("--connections", type=_ints, default=[16, 64])
    parser.add_argument("--workers", type=_ints, default=[1, 2])
    parser.add_argument(
        "--operations",
        type=lambda value: value.split(","),
        help="measure only these, comma-separated (home, article, category_p1, category_p50)",
    )
    return parser.parse_args()


async def _create_postgres_database(url: str) -> None:
    """Create the PostgreSQL database the run names unless it exists (on the same server)."""
    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        if not await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", target.database
        ):
            await connection.execute(f'CREATE DATABASE "{target.database}"')
    finally:
        await connection.close()


def main() -> None:
    args = _arguments()
    DATA.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite+aiosqlite:///{DATA / f'bench_{args.size}.db'}"
    backend = url.split(":", 1)[0]
    if backend.startswith("postgresql"):
        asyncio.run(_create_postgres_database(url))
    settings = production_settings(url)
    chosen = asyncio.run(prepare(settings, args.size))
    ops, statements = asyncio.run(
        inprocess.rehearse(
            settings, chosen.article_slug, chosen.article_locale, chosen.category_slug
        )
    )
    paths: dict[tuple[str, str], str] = {}
    results = [
        measurement
        for workers in args.workers
        for measurement in _bench_workers(workers, ops, settings, chosen, args, paths)
    ]
    report.save(DATA / f"results-{backend}-{args.size}.json", args.size, results)
    sizes = {
        size: saved
        for size in SIZES
        if (saved := report.load(DATA / f"results-{backend}-{size}.json")) is not None
    }
    print(f"\n`python -m bench.run {' '.join(sys.argv[1:])}`: dataset {args.size} on {backend}, ")
    print(
        f"Python {platform.python_version()}, {args.duration:g} s per run after {args.warmup:g} s"
    )
    print(f"warm-up, wrk -t1.\n\n{report.table(results, statements, paths)}\n")
    print(f"Ceilings in the same run:\n\n{report.ceiling_table(results)}\n")
    print(f"Targets:\n\n{report.targets(results, sizes)}")


if __name__ == "__main__":
    main()
