"""The results as Markdown tables: our server against both ceilings, then the ceilings."""

from dataclasses import dataclass

from bench.wrk import Load

BYTES, SQL, OURS = "bytes ceiling", "SQL ceiling", "ours"
CACHED = "ours, cached"
OUR_SERVERS = (OURS, CACHED)


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


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _ratio(ours: Measurement, ceiling: Measurement | None) -> str:
    if ceiling is None or not ceiling.load.requests_per_second:
        return "-"
    return f"{ours.load.requests_per_second / ceiling.load.requests_per_second:.3g}"


def table(results: list[Measurement], statements: dict[str, int]) -> str:
    """One line per operation, workers and connections for our server, ratios against ceilings."""
    index = {(m.operation, m.workers, m.connections, m.target): m for m in results}
    lines = [
        _row(
            [
                *("operation", "workers", "conns", "server", "req/s", "p50 ms", "p99 ms"),
                *("÷ bytes", "÷ SQL", "SQL/req", "CPU ms/req", "RSS MiB/worker", "errors"),
            ]
        ),
        _row(["---"] * 13),
    ]
    for m in (m for m in results if m.target in OUR_SERVERS):
        key = (m.operation, m.workers, m.connections)
        lines.append(
            _row(
                [
                    *(m.operation, str(m.workers), str(m.connections), m.target),
                    f"{m.load.requests_per_second:.0f}",
                    *(f"{m.load.p50_ms:.1f}", f"{m.load.p99_ms:.1f}"),
                    _ratio(m, index.get((*key, BYTES))),
                    _ratio(m, index.get((*key, SQL))),
                    str(statements.get(m.operation, "?")),
                    f"{m.cpu_ms_per_request:.2f}",
                    f"{m.rss_mib_per_worker:.0f}",
                    str(m.load.errors),
                ]
            )
        )
    return "\n".join(lines)


def ceiling_table(results: list[Measurement]) -> str:
    lines = [
        _row(
            ["operation", "workers", "conns", "target", "req/s", "p50 ms", "p99 ms", "CPU ms/req"]
        ),
        _row(["---"] * 8),
    ]
    for m in (m for m in results if m.target not in OUR_SERVERS):
        lines.append(
            _row(
                [
                    *(m.operation, str(m.workers), str(m.connections), m.target),
                    f"{m.load.requests_per_second:.0f}",
                    *(f"{m.load.p50_ms:.2f}", f"{m.load.p99_ms:.2f}"),
                    f"{m.cpu_ms_per_request:.3f}",
                ]
            )
        )
    return "\n".join(lines)
