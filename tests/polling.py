"""Polling for effects that arrive asynchronously (events, other processes).

It returns as soon as the effect is seen; the deadline only ends a test whose effect never comes,
so it is generous: a busy machine must not fail a test that would pass.
"""

import asyncio
import inspect
from collections.abc import Awaitable, Callable


async def until(
    check: Callable[[], bool | Awaitable[bool]], seconds: float = 30.0, what: str = "condition"
) -> None:
    """Return as soon as `check()` holds; fail the test if it still does not after `seconds`."""
    step = 0.01
    for _ in range(int(seconds / step)):
        held = check()
        if await held if inspect.isawaitable(held) else held:
            return
        await asyncio.sleep(step)
    raise AssertionError(f"{what} did not happen within {seconds} s")
