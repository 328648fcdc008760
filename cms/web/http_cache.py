"""HTTP caching in front of GraphQL: serve cached bytes before any GraphQL work, ETags and 304s.

Only anonymous requests take part (no `Authorization` header, no session cookie). A response is
stored when the GraphQL view marked it `Cache-Control: public` (an anonymous query with no
errors and no preview); its `Surrogate-Key` header lists its tags, for the store and for a CDN.
A request the GraphQL view would refuse before any GraphQL work is never answered from the
cache: a POST whose body is not JSON in UTF-8 (a `text/plain` or form POST is a "simple"
request a foreign page can send without a CORS preflight; multipart forms, which need a
preflight header, are not cached at all), or an `Accept` no offered type meets. It goes on to
the view, which refuses it with its 415 or 406.

The key includes the media type negotiated from `Accept`, as the same body is answered with a
different `Content-Type` (and the view says `Vary: Accept` for a CDN).

Identical misses share one execution: when news breaks, a write empties the home page's entry
and every reader asks for it at once. The first runs the query; those that arrive while it runs
wait for its answer, but only if no write happened in between (they share the cache's
generation), so nobody gets an answer older than a write that had returned before they asked.

An answer that shows view counts is fresh for a bounded age only (the view's `x-cms-max-age`
header, taken off here), as views invalidate nothing. Past that age, and for `stale_seconds`
more (the `stale-while-revalidate` a CDN is told), a reader is answered at once from the stale
entry; then the one request that claimed the entry recomputes it, after its own answer has left,
as a Starlette background task would. Later than that, the entry counts as a miss. A hit on
such an entry says its `Age`, so a CDN keeps it no longer than the age left.
"""

import asyncio
import hashlib
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cms import metrics
from cms.services.auth import SESSION_COOKIE
from cms.web.graphql_body import refuses_json
from cms.web.media_types import negotiated
from cms.web.observe import record_hit, recorded_operations
from cms.web.response_cache import MAX_AGE_HEADER, CachedResponse, ResponseStore

logger = logging.getLogger(__name__)

_SESSION_COOKIE = f"{SESSION_COOKIE}=".encode()
_MAX_AGE_HEADER = MAX_AGE_HEADER.encode()
_HITS = metrics.CACHE_LOOKUPS.labels("hit")
_SKIPPED_HEADERS = {
    b"content-length",
    b"etag",
    b"date",
    b"server",
    b"x-request-id",
    _MAX_AGE_HEADER,
}


def is_private(scope: Scope) -> bool:
    """Whether the request carries credentials (and so never takes part in caching)."""
    for name, value in scope["headers"]:
        if name == b"authorization" or (name == b"cookie" and _SESSION_COOKIE in value):
            return True
    return False


def _header(scope: Scope, wanted: bytes) -> bytes | None:
    return next((value for name, value in scope["headers"] if name == wanted), None)


def _acceptable(scope: Scope) -> bool:
    """Whether the view would take this request as it is, so a cached answer may stand in."""
    if negotiated(scope) is None:
        return False
    if scope["method"] == "GET":
        return True
    content_type = _header(scope, b"content-type") or b""
    return refuses_json(content_type.decode("latin-1")) is None


class ResponseCacheMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        cache: ResponseStore,
        path: str,
        max_body: int,
        stale_seconds: int = 0,
        counted: bool = False,
    ) -> None:
        self.app = app
        self.cache = cache
        self.path = path
        self.max_body = max_body
        self.stale_seconds = stale_seconds
        self.counted = counted
        """Whether lookups are counted in the metrics (only when someone scrapes them)."""
        self._flights: dict[tuple[str, int], asyncio.Future[CachedResponse | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != self.path
            or scope["method"] not in ("GET", "POST")
            or is_private(scope)
            or not _acceptable(scope)
        ):
            await self.app(scope, receive, send)
            return
        body, more = await self._read_body(receive)
        if more:
            await self.app(scope, _replay(body, receive, more=True), send)
            return
        media_type = negotiated(scope)
        digest = hashlib.sha256(scope["method"].encode() + b"?" + scope["query_string"] + b"\n")
        digest.update(f"{media_type}\n".encode())
        digest.update(body)
        key = digest.hexdigest()
        entry = await self.cache.get(key)
        if entry is not None:
            age = self.cache.clock() - entry.stored_at
            if entry.max_age is None or age < entry.max_age:
                if self.counted:
                    _HITS.inc()
                await self._respond(scope, entry, send, hit=True)
                return
            if age < entry.max_age + self.stale_seconds:
                if self.counted:
                    metrics.CACHE_LOOKUPS.labels("stale").inc()
                await self._respond(scope, entry, send, hit=True, stale=True)
                if await self.cache.claim(key, entry):
                    await self._refresh(scope, body, receive, key, entry)
                return
        generation = await self.cache.generation()
        flight = self._flights.get((key, generation))
        if flight is not None:
            shared = await asyncio.shield(flight)
            if shared is not None:
                if self.counted:
                    metrics.CACHE_LOOKUPS.labels("shared").inc()
                await self._respond(scope, shared, send, hit=True)
                return
        if self.counted:
            metrics.CACHE_LOOKUPS.labels("miss").inc()
        await self._lead(scope, body, receive, send, key, generation)

    async def _lead(
        self, scope: Scope, body: bytes, receive: Receive, send: Send, key: str, generation: int
    ) -> None:
        """Run the request, and hand its answer (if shareable) to identical ones meanwhile."""
        flight = asyncio.get_running_loop().create_future()
        self._flights.setdefault((key, generation), flight)
        entry: CachedResponse | None = None
        try:
            entry = await self._forward(scope, body, receive, send, key, generation)
        finally:
            if self._flights.get((key, generation)) is flight:
                del self._flights[(key, generation)]
            flight.set_result(entry)

    async def _refresh(
        self, scope: Scope, body: bytes, receive: Receive, key: str, stale: CachedResponse
    ) -> None:
        """Recompute a stale entry once its reader has been answered. Unless a new version
        took its place (the answer may not be shared, the run failed, or a write in between
        dropped the put), the claim is given up, so the next reader past the age tries again."""
        generation = await self.cache.generation()
        try:
            await self._forward(scope, body, receive, _discard, key, generation)
        except Exception:
            logger.exception("refreshing a stale cached response failed")
        finally:
            current = await self.cache.get(key)
            if current is None or current.stored_at == stale.stored_at:
                await self.cache.release(key, stale)

    async def _read_body(self, receive: Receive) -> tuple[bytes, bool]:
        """The request body, or what was read of it when it runs past the size limit."""
        chunks, size = [], 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_body:
                return b"".join(chunks), message.get("more_body", False)
            if not message.get("more_body", False):
                return b"".join(chunks), False

    async def _forward(
        self, scope: Scope, body: bytes, receive: Receive, send: Send, key: str, generation: int
    ) -> CachedResponse | None:
        """Run the request; its entry when the response may be shared, else None."""
        start: Message = {}
        parts: list[bytes] = []
        entry: CachedResponse | None = None

        async def capture(message: Message) -> None:
            nonlocal start, entry
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if not message.get("more_body", False):
                    entry = await self._finish(scope, start, b"".join(parts), send, key, generation)

        await self.app(scope, _replay(body, receive), capture)
        return entry

    async def _finish(
        self, scope: Scope, start: Message, body: bytes, send: Send, key: str, generation: int
    ) -> CachedResponse | None:
        headers = [(n, v) for n, v in start["headers"] if n.lower() not in _SKIPPED_HEADERS]
        cache_control = next((v for n, v in headers if n.lower() == b"cache-control"), b"")
        if start["status"] != 200 or not cache_control.startswith(b"public"):
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return None
        tags = next((v for n, v in headers if n.lower() == b"surrogate-key"), b"").decode()
        max_age = next((v for n, v in start["headers"] if n.lower() == _MAX_AGE_HEADER), None)
        entry = CachedResponse(
            body=body,
            headers=tuple(headers),
            etag=b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"',
            tags=frozenset(tags.split()),
            stored_at=self.cache.clock(),
            max_age=None if max_age is None else int(max_age),
            operations=recorded_operations(scope),
        )
        await self.cache.put(key, entry, generation)
        # The request id is this request's alone: a hit, which runs nothing, carries none.
        own = [(n, v) for n, v in start["headers"] if n.lower() == b"x-request-id"]
        await self._respond(scope, entry, send, hit=False, own=own)
        return entry

    async def _respond(
        self,
        scope: Scope,
        entry: CachedResponse,
        send: Send,
        *,
        hit: bool,
        stale: bool = False,
        own: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        extra = own or []
        if hit:
            record_hit(scope, entry.operations)
        if hit and entry.max_age is not None:
            age = max(0, int(self.cache.clock() - entry.stored_at))
            extra = [*extra, (b"age", str(age).encode())]
        if _header(scope, b"if-none-match") == entry.etag:
            headers = [(n, v) for n, v in entry.headers if n.lower() != b"content-type"]
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [*headers, *extra, (b"etag", entry.etag)],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [
            *entry.headers,
            *extra,
            (b"x-cache", b"STALE" if stale else b"HIT" if hit else b"MISS"),
            (b"etag", entry.etag),
            (b"content-length", str(len(entry.body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body})
        if hit and self.counted:
            metrics.CACHE_BYTES.inc(len(entry.body))


async def _discard(message: Message) -> None:
    """The `send` of a refresh: its answer goes to the cache only."""


def _replay(body: bytes, receive: Receive, *, more: bool = False) -> Receive:
    """A `receive` that hands the already-read body over once, then defers to the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay
