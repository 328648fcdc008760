"""Instructions per uncached request, ours against the raw ceiling, counted by callgrind.

Timings on a shared two-core machine move with whatever else runs; instruction counts do not.
This runs our app (response cache off, the bench's documents registered as persisted queries)
or the raw ceiling's app (`bench.ceiling.raw_app`) under `valgrind --tool=callgrind`, sends each
operation as the bench does (a GET of a persisted query) straight to the ASGI app, no sockets,
and asks callgrind to dump its counters before and after `--requests` requests of each. What it
counts is the application's own work: HTTP parsing and the event loop's socket work, which both
share, are left out. Needs `valgrind` (Debian package) and the dataset `bench.run` builds:

    .venv/bin/python -m bench.instructions --requests 100

takes about five minutes on a quiet machine (callgrind runs code some fifty times slower).
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from bench import checks, operations
from bench.operations import Operation
from bench.run import DATA, prepare, production_settings

Asgi = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[MutableMapping[str, Any]]],
        Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ],
    Awaitable[None],
]


def _operations(chosen: checks.Samples) -> list[Operation]:
    return [
        operations.home(),
        operations.article(chosen.article_slug, chosen.article_locale),
        operations.category(chosen.category_slug),
    ]


def _dump(label: str) -> None:
    """Asks callgrind to write its counters under `label` and zero them. Callgrind reads the
    request while this process runs instructions, so it spins rather than waits."""
    control = subprocess.Popen(
        ["callgrind_control", "--dump=" + label, str(os.getpid())], stdout=subprocess.DEVNULL
    )
    while control.poll() is None:
        sum(range(1000))


async def _get(app: Asgi, path: str, query: str) -> None:
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"accept", b"application/graphql-response+json")],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
        "state": {},
    }
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> MutableMapping[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    if sent[0]["status"] != 200:
        raise RuntimeError(f"{path}?{query}: status {sent[0]['status']}")


async def _measured(target: str, requests: int) -> None:
    """The process callgrind runs: warm up, then dump around each operation's requests."""
    url = f"sqlite+aiosqlite:///{DATA / 'bench_S.db'}"
    settings = production_settings(url)
    ops = _operations(await prepare(settings, "S"))
    if target == "raw":
        os.environ["CMS_DATABASE_URL"] = url
        from bench.ceiling import raw_app

        app: Any = raw_app()
        targets = [(f"/{op.kind}", op.persisted_query_string()) for op in ops]
    else:
        from cms.web.app import create_app

        queries = Path(tempfile.mkdtemp(prefix="bench-queries-"))
        for op in ops:
            (queries / f"{op.name}.graphql").write_text(op.document)
        app = create_app(
            settings.model_copy(
                update={"response_cache_bytes": 0, "persisted_queries_dir": queries}
            )
        )
        targets = [("/graphql", op.persisted_query_string()) for op in ops]
    async with app.router.lifespan_context(app):
        for path, query in targets:
            for _ in range(20):
                await _get(app, path, query)
        for op, (path, query) in zip(ops, targets, strict=True):
            _dump(f"before-{op.name}")
            for _ in range(requests):
                await _get(app, path, query)
            _dump(f"op-{op.name}")


def _counts(folder: Path, requests: int) -> dict[str, float]:
    """Millions of instructions per request, by operation, from callgrind's dumps."""
    counts: dict[str, float] = {}
    for dump in folder.glob("callgrind.*"):
        label = total = None
        for line in dump.read_text(errors="replace").splitlines():
            if line.startswith("desc: Trigger: Client Request: op-") or line.startswith(
                "desc: Trigger: dump op-"
            ):
                label = line.rsplit("op-", 1)[1].strip()
            elif line.startswith(("summary:", "totals:")) and total is None:
                total = int(line.split()[1])
        if label is not None and total is not None:
            counts[label] = total / requests / 1e6
    return counts


def _run(target: str, requests: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as folder:
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={folder}/callgrind.%p",
                sys.executable,
                "-m",
                "bench.instructions",
                "--measured",
                target,
                "--requests",
                str(requests),
            ],
            check=True,
            capture_output=True,
        )
        return _counts(Path(folder), requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100, help="per operation")
    parser.add_argument("--measured", choices=["ours", "raw"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measured:
        asyncio.run(_measured(args.measured, args.requests))
        return
    ours, raw = _run("ours", args.requests), _run("raw", args.requests)
    print("| operation | ours M instr/req | raw ceiling M instr/req | raw ÷ ours |")
    print("| --- | --- | --- | --- |")
    for name, count in ours.items():
        print(f"| {name} | {count:.2f} | {raw[name]:.2f} | {raw[name] / count:.2f}x |")


if __name__ == "__main__":
    main()
