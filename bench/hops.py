"""What aiosqlite's thread hand-offs cost a request: count them, or take them away for a run.

aiosqlite runs each call on a connection (cursor, execute, fetchall, close, rollback) in the
connection's own thread and wakes the event loop with the result: a hop there and back each. For
a measurement, `on_the_loop()` makes every call run at once on the event loop instead, as the raw
ceiling's `sqlite3` does, so that the same requests timed with and without it tell the hops'
share. It is an experiment for `bench.profile`, never a way to serve: a statement waiting on the
write lock would stall the whole loop.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import aiosqlite.core


@dataclass
class Hops:
    count: int = 0


@contextmanager
def counting() -> Iterator[Hops]:
    """Count the calls aiosqlite hands to its threads while the block runs."""
    hops = Hops()
    original = aiosqlite.core.Connection._execute

    async def execute(
        self: aiosqlite.Connection, fn: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        hops.count += 1
        return await original(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    aiosqlite.core.Connection._execute = execute  # type: ignore[method-assign]
    try:
        yield hops
    finally:
        aiosqlite.core.Connection._execute = original  # type: ignore[method-assign]


@contextmanager
def on_the_loop() -> Iterator[None]:
    """Run every aiosqlite call of connections opened in the block on the event loop itself."""
    connection = aiosqlite.core.Connection
    original_execute, original_connect = connection._execute, connection._connect

    async def execute(
        self: aiosqlite.Connection, fn: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        return fn(*args, **kwargs)

    async def connect(self: aiosqlite.Connection) -> aiosqlite.Connection:
        if self._connection is None:
            opened: sqlite3.Connection = self._connector()
            self._connection = opened
        return self

    connection._execute = execute  # type: ignore[method-assign]
    connection._connect = connect  # type: ignore[method-assign]
    try:
        yield
    finally:
        connection._execute = original_execute  # type: ignore[method-assign]
        connection._connect = original_connect  # type: ignore[method-assign]
