"""The garbage collector tuned for a long-running server process.

A request allocates thousands of short-lived objects, and the collector's default (a young
collection every 700 allocations) scans them again and again; under load, the objects of the
requests still in flight survive into the older generations, whose scans also walk everything
start-up built (the schema, the models, the settings), for milliseconds at a time.
"""

import gc
from functools import cache

YOUNG_THRESHOLD = 10_000
"""Allocations between young collections: a few requests' worth, rather than a fraction of one."""


@cache
def settle_after_startup() -> None:
    """Once per process, after start-up: move what exists now out of the collector's scans for
    good, and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
