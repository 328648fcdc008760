"""The results as Markdown tables: our server against the three ceilings, the ceilings, and the
issue's targets, each judged from the figures of this run."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.wrk import Load

BYTES, RAW, SQL, OURS = "bytes ceiling", "raw ceiling", "engine ceiling", "ours"
CACHED = "ours, cached"
OUR_SERVERS = (OURS, CACHED)
CEILINGS = (BYTES, RAW, SQL)
UNCACHED_TARGETS = {"home": 0.5, "article": 0.5, "category_p1": 0.3, "category_p50": 0.3}
CACHED_TARGET, CACHED_P99_TARGET, SIZE_TARGET, RSS_TARGET_MB = 0.9, 1.5, 1.2, 200.0


@dataclass(frozen=True, slots=True)
class Measurement:
    """One target under one load: wrk's numbers plus what /proc says about the server."""

    operation: str
    workers: int
    connections: int
    target: str
    load: Load
    cpu_ms_per_request: float
    rss_mib_per_worker: float


Key = tuple[str, int, int, str]


def _index(results: list[Measurement]) -> dict[Key, Measurement]:
    return {(m.operation, m.workers, m.connections, m.target): m for m in results}


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _header(names: list[str]) -> list[str]:
    return [_row(names), _row(["---"] * len(names))]


def _rate(ours: Measurement, ceiling: Measurement | None) -> float | None:
    if ceiling is None or not ceiling.load.requests_per_second:
        return None
    return ours.load.requests_per_second / ceiling.load.requests_per_second


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def table(
    results: list[Measurement], statements: dict[str, int], paths: dict[tuple[str, str], str]
) -> str:
    """One line per operation, workers and connections for our server, ratios against ceilings;
    `paths` says which execution path served each (operation, server)."""
    index = _index(results)
    lines = _header(
        [
            *("operation", "workers", "conns", "server", "req/s", "p50 ms", "p99 ms"),
            *("÷ raw", "÷ bytes", "÷ engine", "p99 ÷ bytes p99", "SQL/req", "CPU ms/req"),
            *("RSS MiB/worker", "path", "errors"),
        ]
    )
    for m in (m for m in results if m.target in OUR_SERVERS):
        key = (m.operation, m.workers, m.connections)
        raw, byte, sql = (index.get((*key, ceiling)) for ceiling in (RAW, BYTES, SQL))
        p99 = m.load.p99_ms / byte.load.p99_ms if byte and byte.load.p99_ms else None
        lines.append(
            _row(
                [
                    *(m.operation, str(m.workers), str(m.connections), m.target),
                    f"{m.load.requests_per_second:.0f}",
                    *(f"{m.load.p50_ms:.1f}", f"{m.load.p99_ms:.1f}"),
                    *(_fmt(_rate(m, raw)), _fmt(_rate(m, byte)), _fmt(_rate(m, sql))),
                    _fmt(p99),
                    str(statements.get(m.operation, "?")),
                    f"{m.cpu_ms_per_request:.2f}",
                    f"{m.rss_mib_per_worker:.0f}",
                    paths.get((m.operation, m.target), "interpreted"),
                    str(m.load.errors),
                ]
            )
        )
    return "\n".join(lines)


def ceiling_table(results: list[Measurement]) -> str:
    lines = _header(
        [
            *("operation", "workers", "conns", "target", "req/s", "p50 ms", "p99 ms"),
            *("CPU ms/req", "RSS MiB/worker", "errors"),
        ]
    )
    for m in (m for m in results if m.target in CEILINGS):
        lines.append(
            _row(
                [
                    *(m.operation, str(m.workers), str(m.connections), m.target),
                    f"{m.load.requests_per_second:.0f}",
                    *(f"{m.load.p50_ms:.2f}", f"{m.load.p99_ms:.2f}"),
                    f"{m.cpu_ms_per_request:.3f}",
                    f"{m.rss_mib_per_worker:.0f}",
                    str(m.load.errors),
                ]
            )
        )
    return "\n".join(lines)


def _verdict(values: list[float], good: bool) -> str:
    return "-" if not values else ("yes" if good else "no")


def targets(results: list[Measurement], sizes: dict[str, list[Measurement]]) -> str:
    """The issue's targets against this run: each line lists the worst figures and whether they
    hold. `sizes` holds the latest saved run of each dataset size on the same database."""
    index = _index(results)
    lines = _header(["target", "measured (worst first)", "met?"])
    for op, bar in UNCACHED_TARGETS.items():
        ratios = sorted(
            r
            for m in results
            if m.operation == op and m.target == OURS
            if (r := _rate(m, index.get((op, m.workers, m.connections, RAW)))) is not None
        )
        figures = ", ".join(f"{r:.3g}x" for r in ratios)
        good = bool(ratios) and ratios[0] >= bar
        lines.append(_row([f"uncached {op} ≥ {bar}x raw", figures, _verdict(ratios, good)]))
    hits = sorted(
        r
        for m in results
        if m.target == CACHED
        if (r := _rate(m, index.get((m.operation, m.workers, m.connections, BYTES)))) is not None
    )
    lines.append(
        _row(
            [
                f"cache hits ≥ {CACHED_TARGET}x bytes",
                ", ".join(f"{r:.3g}x" for r in hits[:4]) + (" …" if len(hits) > 4 else ""),
                _verdict(hits, bool(hits) and hits[0] >= CACHED_TARGET),
            ]
        )
    )
    p99s = sorted(
        (
            (m.load.p99_ms / byte.load.p99_ms, m, byte)
            for m in results
            if m.target == CACHED and m.connections == 64
            if (byte := index.get((m.operation, m.workers, 64, BYTES))) and byte.load.p99_ms
        ),
        key=lambda item: -item[0],
    )
    lines.append(
        _row(
            [
                f"cache hit p99 at 64 conns ≤ {CACHED_P99_TARGET}x bytes p99",
                ", ".join(
                    f"{m.operation} w{m.workers} {m.load.p99_ms:.1f}/{b.load.p99_ms:.1f} ms "
                    f"({r:.2g}x)"
                    for r, m, b in p99s[:3]
                ),
                _verdict([r for r, _, _ in p99s], bool(p99s) and p99s[0][0] <= CACHED_P99_TARGET),
            ]
        )
    )
    lines.append(_size_line(sizes))
    rss = max((m.rss_mib_per_worker for m in results if m.target in OUR_SERVERS), default=0.0)
    lines.append(
        _row(
            [
                f"RSS per worker < {RSS_TARGET_MB:.0f} MB",
                f"at most {rss:.0f} MiB",
                "yes" if rss < RSS_TARGET_MB else "no",
            ]
        )
    )
    return "\n".join(lines)


def _size_line(sizes: dict[str, list[Measurement]]) -> str:
    """p50 of our uncached server on 100k articles (M) over 10k (S), per operation and load."""
    name = f"100k articles: p50 ≤ {SIZE_TARGET}x of 10k, per operation"
    if "S" not in sizes or "M" not in sizes:
        return _row([name, "needs a saved run of each size (S and M) on this database", "-"])
    small = _index(sizes["S"])
    ratios = sorted(
        (
            (m.load.p50_ms / s.load.p50_ms, m)
            for m in sizes["M"]
            if m.target == OURS
            if (s := small.get((m.operation, m.workers, m.connections, OURS))) and s.load.p50_ms
        ),
        key=lambda item: -item[0],
    )
    figures = ", ".join(f"{m.operation} w{m.workers} c{m.connections} {r:.2f}x" for r, m in ratios)
    good = bool(ratios) and ratios[0][0] <= SIZE_TARGET
    return _row([name, figures, _verdict([r for r, _ in ratios], good)])


def save(path: Path, size: str, results: list[Measurement]) -> None:
    """Keep a run, so that a run of the other dataset size can be compared with it."""
    payload = {"size": size, "results": [asdict(m) for m in results]}
    path.write_text(json.dumps(payload))


def load(path: Path) -> list[Measurement] | None:
    """A run saved by `save`, or None when there is none."""
    if not path.exists():
        return None
    payload: dict[str, Any] = json.loads(path.read_text())
    return [Measurement(**(m | {"load": Load(**m["load"])})) for m in payload["results"]]
