"""An import reads its next batch while the database writes the current one: the reading runs
whenever the writer waits, stays at most two batches ahead, hands on a reading error after the
batches before it, and stops when the writer stops."""

import asyncio
from collections.abc import Iterator
from contextlib import aclosing

import pytest

from cms.transfer.read_ahead import read_ahead


class Source:
    """Items 0..count-1, counting how many were read; fails at `fail_at` if given."""

    def __init__(self, count: int, fail_at: int | None = None) -> None:
        self.count, self.fail_at, self.read = count, fail_at, 0

    def __iter__(self) -> Iterator[int]:
        for item in range(self.count):
            if item == self.fail_at:
                raise ValueError(f"item {item} is unreadable")
            self.read += 1
            yield item


async def _waits(times: int) -> None:
    """The writer waiting on the database: the loop runs other tasks meanwhile."""
    for _ in range(times):
        await asyncio.sleep(0)


async def test_batches_come_in_order_and_the_last_one_short() -> None:
    async with aclosing(read_ahead(Source(8), 3)) as batches:
        got = [batch async for batch in batches]

    assert got == [[0, 1, 2], [3, 4, 5], [6, 7]]


async def test_the_next_batches_are_read_while_the_writer_waits_and_no_further() -> None:
    source = Source(100)
    async with aclosing(read_ahead(source, 3)) as batches:
        first = await anext(batches)
        read_before = source.read
        await _waits(50)

        assert first == [0, 1, 2]
        assert read_before < 9
        assert source.read == 9  # the batch in hand, one waiting, one filled
        assert await anext(batches) == [3, 4, 5]


async def _collect(source: Source, into: list[list[int]]) -> None:
    async with aclosing(read_ahead(source, 3)) as batches:
        async for batch in batches:
            into.append(batch)


async def test_a_reading_error_reaches_the_writer_after_the_batches_before_it() -> None:
    got: list[list[int]] = []
    with pytest.raises(ValueError, match="item 7 is unreadable"):
        await _collect(Source(10, fail_at=7), got)

    assert got == [[0, 1, 2], [3, 4, 5]]


async def test_a_writer_that_stops_stops_the_reading() -> None:
    source = Source(1_000)
    async with aclosing(read_ahead(source, 3)) as batches:
        async for _ in batches:
            break
    await _waits(50)

    assert source.read <= 9
