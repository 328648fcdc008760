"""How a long run shows it is alive: a progress bar with counts and rate on a terminal, plain log
lines otherwise (cron, CI, a pipe to a file), where a bar's redraws would be noise."""

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

LOG_EVERY_SECONDS = 5.0


class Reporter(Protocol):
    """Told what a run is working on and how far it got."""

    def stage(self, name: str, total: int | None) -> None: ...

    def advance(self, count: int = 1) -> None: ...


class Silent:
    """For tests and library use: no output at all."""

    def stage(self, name: str, total: int | None) -> None:
        return None

    def advance(self, count: int = 1) -> None:
        return None


def _log(line: str) -> None:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    print(f"{stamp} {line}", file=sys.stderr, flush=True)


class LogLines:
    """One line when a stage starts, then one every few seconds, with count and rate."""

    def __init__(self) -> None:
        self._name = ""
        self._done = 0
        self._started = self._logged = time.monotonic()

    def stage(self, name: str, total: int | None) -> None:
        self._finish()
        self._name, self._done = name, 0
        self._started = self._logged = time.monotonic()
        _log(f"{name}: {total:,} to do" if total is not None else f"{name}: started")

    def advance(self, count: int = 1) -> None:
        self._done += count
        now = time.monotonic()
        if now - self._logged >= LOG_EVERY_SECONDS:
            self._logged = now
            _log(f"{self._name}: {self._rate(now)}")

    def _rate(self, now: float) -> str:
        elapsed = max(now - self._started, 1e-9)
        return f"{self._done:,} done, {self._done / elapsed:,.0f}/s"

    def _finish(self) -> None:
        if self._name:
            _log(f"{self._name}: {self._rate(time.monotonic())}")

    def close(self) -> None:
        self._finish()
        self._name = ""


class Bar:
    """A rich progress bar per stage, on standard error so that output stays clean."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
        )
        self._task: TaskID | None = None
        self._started = time.monotonic()
        self._done = 0

    def stage(self, name: str, total: int | None) -> None:
        self._task = self._progress.add_task(name, total=total, rate="")
        self._started, self._done = time.monotonic(), 0

    def advance(self, count: int = 1) -> None:
        if self._task is None:
            return
        self._done += count
        rate = self._done / max(time.monotonic() - self._started, 1e-9)
        self._progress.update(self._task, advance=count, rate=f"{rate:,.0f}/s")

    def __enter__(self) -> "Bar":
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._progress.stop()


@contextmanager
def for_output() -> Iterator[Reporter]:
    """A bar when standard error is a terminal, log lines when it is not."""
    if sys.stderr.isatty():
        with Bar() as bar:
            yield bar
        return
    lines = LogLines()
    try:
        yield lines
    finally:
        lines.close()
