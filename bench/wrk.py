"""Run wrk on a GET URL; read requests/s, latency percentiles and errors from its output."""

import re
import subprocess
from dataclasses import dataclass

WRK = "/usr/bin/wrk"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_DURATION = r"([\d.]+)(us|ms|s|m)\b"


@dataclass(frozen=True, slots=True)
class Load:
    """One measured wrk run."""

    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


def parse(output: str) -> Load:
    """Read wrk's `--latency` report; socket errors and non-2xx answers count as errors."""
    percentiles = {
        int(match[1]): _ms(match[2], match[3])
        for match in re.finditer(rf"^\s+(50|99)%\s+{_DURATION}", output, re.MULTILINE)
    }
    total = re.search(r"(\d+) requests in " + _DURATION, output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if total is None or rate is None or len(percentiles) != 2:
        raise ValueError(f"Unreadable wrk output:\n{output}")
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    errors += int(non_2xx[1]) if non_2xx else 0
    return Load(
        requests=int(total[1]),
        seconds=_ms(total[2], total[3]) / 1000,
        requests_per_second=float(rate[1]),
        p50_ms=percentiles[50],
        p99_ms=percentiles[99],
        errors=errors,
    )


def run(url: str, connections: int, seconds: float, threads: int = 1) -> Load:
    """One wrk run; a timeout of 10 s keeps a stalled server visible as errors, not a hang."""
    command = [
        *(WRK, "--latency", "-t", str(threads), "-c", str(connections)),
        *("-d", f"{seconds:g}s", "--timeout", "10s", "-H", "Accept: application/json", url),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse(done.stdout)
