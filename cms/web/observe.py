"""One place that sees every HTTP request end: it writes the request's log event and counts it
in the metrics.

The event names the request id, method, path (never the query string, which may carry a
newsletter or preview token), status, duration, the GraphQL operation names, the viewer's role
and the response cache's outcome. The view records operation and role in the request's scope
(`record_operation`, `record_role`); a cache hit runs no view: the cache keeps the operation
names with the entry and restores them, and its role is anonymous, as only anonymous requests
are cached.

It is the outermost middleware, so cache hits and refusals (429) are seen too. Its cost on a
cache hit is two clock reads, a look at the response headers, a counter increment and a
histogram observation: a few microseconds (4 µs for the counting at best on the shared
development machine, most of it the histogram's; more when it is busy). The app installs
it only when someone reads its output: `CMS_METRICS_TOKEN` is set, or `cms.request` logs at
INFO (which `cms serve --no-access-log` turns off); the log event is built only in the latter
case.
"""

import logging
import re
import time

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cms import metrics

logger = logging.getLogger("cms.request")

MAX_OPERATION_NAMES = 200
"""Distinct operation names a worker labels metrics with; a client can invent names, and each
would be a new series, so later ones count as `other`."""
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")
_FIRST_OPERATION = re.compile(r"\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")
_OPERATIONS = "cms.operations"
_ROLE = "cms.role"


def record_operation(scope: Scope, name: str | None, document: str | None) -> None:
    """The operation's name, or when the request names none, that of the document's first
    operation (which a one-operation document runs)."""
    if not name and document:
        found = _FIRST_OPERATION.match(document)
        name = found.group(1) if found else None
    scope.setdefault("state", {}).setdefault(_OPERATIONS, []).append(name or "")


def recorded_operations(scope: Scope) -> tuple[str, ...]:
    return tuple(scope.get("state", {}).get(_OPERATIONS, ()))


def record_hit(scope: Scope, names: tuple[str, ...]) -> None:
    """Names a cache hit's operations, which only the request that stored it ran; whoever
    asks, a hit is anonymous."""
    state = scope.setdefault("state", {})
    state[_OPERATIONS], state[_ROLE] = list(names), "anonymous"


def record_role(scope: Scope, role: str) -> None:
    scope.setdefault("state", {})[_ROLE] = role


class RequestObserver:
    def __init__(self, app: ASGIApp, paths: set[str], counted: bool) -> None:
        self.app = app
        self.counted = counted
        """Whether requests are counted in the metrics (only when someone scrapes them)."""
        self.paths = paths
        """The first segments of the app's routes (`/graphql`, `/views`): metrics' path label."""
        self._names: set[str] = set()
        self._series: dict[tuple[str, str, int, str], tuple[Counter, Histogram]] = {}
        """Each label combination's counter and histogram, looked up once: `labels()` costs
        more than the increment itself."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, cache, request_id = 500, "", ""

        async def observed(message: Message) -> None:
            nonlocal status, cache, request_id
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", ()):
                    if name == b"x-cache":
                        cache = value.decode("latin-1")
                    elif name == b"x-request-id":
                        request_id = value.decode("latin-1")
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            self._record(scope, status, cache, request_id, time.perf_counter() - started)

    def _record(
        self, scope: Scope, status: int, cache: str, request_id: str, seconds: float
    ) -> None:
        state = scope.get("state", {})
        operations: list[str] = state.get(_OPERATIONS, [])
        if self.counted:
            self._count(scope["path"], operations, status, cache, seconds)
        if logger.isEnabledFor(logging.INFO):
            path = scope["path"]
            if not path.isprintable():
                # A decoded `%0A` must not start a forged line in a text log.
                path = path.encode("unicode_escape").decode("ascii")
            role = state.get(_ROLE, "")
            names = ",".join(name for name in operations if _NAME.fullmatch(name))
            logger.info(
                "%s %s %d %.1f ms%s%s%s",
                scope["method"],
                path,
                status,
                seconds * 1000,
                f" operation={names}" if names else "",
                f" role={role}" if role else "",
                f" cache={cache}" if cache else "",
                extra={
                    "request_id": request_id or None,
                    "method": scope["method"],
                    "path": path,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "operation": names or None,
                    "role": role or None,
                    "cache": cache or None,
                },
            )

    def _count(
        self, path: str, operations: list[str], status: int, cache: str, seconds: float
    ) -> None:
        segment = "/" + path.split("/", 2)[1]
        label = segment if segment in self.paths else "other"
        key = (label, self._operation_label(operations), status, cache)
        series = self._series.get(key)
        if series is None:
            outcome = cache.lower() or "none"
            series = self._series[key] = (
                metrics.REQUESTS.labels(*key[:3], outcome),
                metrics.LATENCY.labels(label, outcome),
            )
        series[0].inc()
        series[1].observe(seconds)

    def _operation_label(self, operations: list[str]) -> str:
        if len(operations) != 1:
            return "(batch)" if operations else ""
        name = operations[0]
        if name in self._names:
            return name
        if not _NAME.fullmatch(name):
            return "(invalid)" if name else ""
        if len(self._names) >= MAX_OPERATION_NAMES:
            return "other"
        self._names.add(name)
        return name
