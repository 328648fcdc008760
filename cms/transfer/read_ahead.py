"""Reading the next batch while the database writes this one.

An import alternates between Python work (parsing records, sanitising bodies) and waiting while
the database writes a batch; on one event loop, each wait leaves the process idle. Here the
reading runs as a task of its own that fills the next batch an item at a time, yielding to the
loop after each item, so it advances whenever the writer waits on the database. It stays at most
two batches ahead, so memory stays flat however long the file.
"""

import asyncio
from collections.abc import AsyncGenerator, Iterable
from contextlib import suppress
from typing import TypeVar

T = TypeVar("T")
_END = None


async def read_ahead(source: Iterable[T], size: int) -> AsyncGenerator[list[T], None]:
    """`source` in lists of `size` items, read while the caller works on the previous list. An
    error while reading reaches the caller after the lists read before it. Close the iterator
    (`contextlib.aclosing`) to stop the reading when the caller stops early."""
    queue: asyncio.Queue[list[T] | BaseException | None] = asyncio.Queue(maxsize=1)

    async def fill() -> None:
        try:
            batch: list[T] = []
            for item in source:
                batch.append(item)
                if len(batch) == size:
                    await queue.put(batch)
                    batch = []
                await asyncio.sleep(0)
            if batch:
                await queue.put(batch)
            await queue.put(_END)
        except Exception as error:  # handed to the caller, who decides
            await queue.put(error)

    reader = asyncio.create_task(fill())
    try:
        while (batch := await queue.get()) is not _END:
            if isinstance(batch, BaseException):
                raise batch
            yield batch
    finally:
        reader.cancel()
        with suppress(asyncio.CancelledError):
            await reader
