"""The benchmark's targets table judges a run by issue 13's bars, from the run's own figures."""

from bench.report import BYTES, CACHED, OURS, RAW, Measurement, targets
from bench.wrk import Load


def _measure(
    operation: str, target: str, rate: float, p99: float = 5.0, rss: float = 120.0
) -> Measurement:
    load = Load(int(rate * 5), 5.0, rate, p99 / 2, p99, 0)
    return Measurement(operation, 1, 64, target, load, 1.0, rss)


def _line(table: str, start: str) -> str:
    return next(line for line in table.splitlines() if line.startswith(f"| {start}"))


def test_an_uncached_read_at_half_the_raw_ceiling_meets_its_bar() -> None:
    run = [_measure("home", RAW, 1000), _measure("home", OURS, 500)]

    assert _line(targets(run, {}), "uncached home").endswith("| 0.5x | yes |")


def test_an_uncached_read_below_its_bar_fails_it() -> None:
    run = [_measure("category_p1", RAW, 1000), _measure("category_p1", OURS, 250)]

    assert _line(targets(run, {}), "uncached category_p1").endswith("| 0.25x | no |")


def test_a_slow_cache_hit_tail_fails_the_latency_bar() -> None:
    run = [_measure("home", BYTES, 1000, p99=4.0), _measure("home", CACHED, 950, p99=8.0)]

    table = targets(run, {})

    assert _line(table, "cache hits").endswith("| 0.95x | yes |")
    assert _line(table, "cache hit p99").endswith("(2x) | no |")


def test_sizes_are_compared_per_operation_when_both_runs_are_saved() -> None:
    small = [_measure("home", OURS, 100, p99=10.0)]
    large = [_measure("home", OURS, 90, p99=11.0)]

    line = _line(targets(large, {"S": small, "M": large}), "100k articles")

    assert line.endswith("| home w1 c64 1.10x | yes |")


def test_memory_over_the_bar_fails_it() -> None:
    run = [_measure("home", OURS, 100, rss=230.0)]

    assert _line(targets(run, {}), "RSS per worker").endswith("| at most 230 MiB | no |")
