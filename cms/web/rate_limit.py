"""Per-client request budgets, answered with 429 and `Retry-After` when spent.

Four budgets (settings `CMS_RATE_LIMIT_*`, in the `limits` library's notation):
- `cached`: every anonymous GraphQL request of a client address, cache hits included; looser,
  as a hit costs next to nothing. Checked in front of the response cache.
- `anonymous`: anonymous GraphQL requests the cache did not answer, which run the query.
- `staff`: requests of a signed-in user, counted per account, so a newsroom behind one address
  shares nothing with its readers, and an invented token buys no budget (it signs in nobody).
- `views`: view beacons per client address.

The counts live in Redis when `CMS_REDIS_URL` is set, so every worker and machine spends the
same budget; in process memory otherwise (one worker). Fixed windows: one `INCR` per request.
If Redis fails, the request is let through and the failure logged: a rate limit must not take
the site down with it.
"""

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from redis.asyncio import Redis
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from cms import metrics
from cms.settings import Settings
from cms.web.client_address import ClientAddresses
from cms.web.http_cache import is_private

logger = logging.getLogger(__name__)


class RateLimiter:
    """The budgets of `settings`, counted in Redis or in memory."""

    def __init__(self, settings: Settings) -> None:
        self._redis: Redis | None = None
        storage: Storage
        if settings.redis_url:
            self._redis = Redis.from_url(settings.redis_url)
            storage = RedisStorage(
                f"async+{settings.redis_url}",
                implementation="redispy",
                key_prefix=f"{settings.redis_prefix}:rl",
                connection_pool=self._redis.connection_pool,  # type: ignore[arg-type]
            )
        else:
            storage = MemoryStorage()
        self._strategy = FixedWindowRateLimiter(storage)
        rates = {
            "cached": settings.rate_limit_cached,
            "anonymous": settings.rate_limit_anonymous,
            "staff": settings.rate_limit_staff,
            "views": settings.rate_limit_views,
        }
        self.budgets: dict[str, RateLimitItem] = {
            name: parse(rate) for name, rate in rates.items() if rate != "off"
        }

    async def refusal(self, budget: str, client: str) -> Response | None:
        """Count one request of `client` against `budget`; a 429 response once it is spent."""
        item = self.budgets.get(budget)
        if item is None:
            return None
        try:
            if await self._strategy.hit(item, budget, client):
                return None
            reset = (await self._strategy.get_window_stats(item, budget, client)).reset_time
        except Exception:
            logger.warning("rate limit storage failed; letting the request through", exc_info=True)
            return None
        metrics.RATE_LIMITED.labels(budget).inc()
        return too_many(max(1, math.ceil(reset - time.time())))

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


def too_many(retry_after: int) -> Response:
    """A 429 a GraphQL client reads as an error response, and a browser app can read at all
    (the CORS middleware sits outside it)."""
    message = f"Too many requests from this client. Try again in {retry_after} second(s)."
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "RATE_LIMITED"}}]},
        status_code=429,
        headers={"Retry-After": str(retry_after), "Cache-Control": "no-store"},
    )


class CachedBudgetMiddleware:
    """The `cached` budget, in front of the response cache: anonymous requests to `path`."""

    def __init__(
        self, app: ASGIApp, limiter: RateLimiter, clients: ClientAddresses, path: str
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.clients = clients
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path and not is_private(scope):
            refusal = await self.limiter.refusal("cached", self.clients(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)
