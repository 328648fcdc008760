"""The application's Prometheus metrics, declared once, so that every part of the system (the
HTTP edge, the scheduler, the digest, the event bus) records into the same series, and a part
added later registers its own here.

Several `cms serve --workers N` processes each count their own share: `prometheus-client`'s
multi-process mode (the `PROMETHEUS_MULTIPROC_DIR` that `cms serve` sets up) sums them when
`/metrics` is scraped. A gauge says how its workers' values combine (`livesum`: the sum over
the live workers; `mostrecent`: the last value set by any of them).

A value that is only known by asking something (a queue's depth in the database) is set by a
scrape hook, awaited by `/metrics` before it answers: `register_scrape_hook`. Webhook delivery
sets its queue depth that way, and counts its attempts as they happen.
"""

from collections.abc import Awaitable, Callable

from prometheus_client import Counter, Gauge, Histogram

ScrapeHook = Callable[[], Awaitable[None]]

_scrape_hooks: list[ScrapeHook] = []

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""From a cache hit (about a millisecond) to the query deadline (`CMS_MAX_QUERY_SECONDS`)."""

REQUESTS = Counter(
    "cms_http_requests",
    "HTTP requests answered, by path, GraphQL operation name, status and cache outcome.",
    ["path", "operation", "status", "cache"],
)
LATENCY = Histogram(
    "cms_http_request_duration_seconds",
    "Time from a request's arrival to its last byte, by path and cache outcome.",
    ["path", "cache"],
    buckets=LATENCY_BUCKETS,
)
CACHE_LOOKUPS = Counter(
    "cms_response_cache_lookups",
    "Response cache lookups: `hit`, `stale` (served while one request refreshes it), `miss`, "
    "and `shared` (a miss answered by an identical request already running).",
    ["outcome"],
)
CACHE_BYTES = Counter(
    "cms_response_cache_served_bytes", "Response bytes served from the response cache."
)
EXECUTIONS = Counter(
    "cms_graphql_executions",
    "GraphQL operations run, by how: `compiled` plans or the `interpreted` path.",
    ["execution"],
)
DB_CONNECTIONS_IN_USE = Gauge(
    "cms_db_connections_in_use",
    "Database connections checked out of the workers' pools.",
    multiprocess_mode="livesum",
)
SUBSCRIPTIONS_OPEN = Gauge(
    "cms_subscriptions_open",
    "GraphQL subscriptions being served, over all workers.",
    multiprocess_mode="livesum",
)
SCHEDULER_LAG = Histogram(
    "cms_scheduler_lag_seconds",
    "How late the scheduler published an article after its scheduled time.",
    buckets=(0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0),
)
DIGEST_MAILS = Counter(
    "cms_digest_mails", "Digest mails handed to the mail server, by `sent` or `failed`.", ["result"]
)
WEBHOOK_QUEUE = Gauge(
    "cms_webhook_queue_depth",
    "Webhook work waiting, read from the database at each scrape: `events` not yet handed to "
    "endpoints, `deliveries` still to be sent (retries included), `dead` deliveries left after "
    "their last try.",
    ["kind"],
    multiprocess_mode="mostrecent",
)
WEBHOOK_ATTEMPTS = Counter(
    "cms_webhook_attempts",
    "Webhook delivery attempts, by outcome: `delivered`, `failed` (tried again later) or `dead`.",
    ["outcome"],
)
RATE_LIMITED = Counter("cms_rate_limited", "Requests refused with 429, by budget.", ["budget"])


def register_scrape_hook(hook: ScrapeHook) -> None:
    """Run `hook` before each scrape, to set gauges from the state they report."""
    if hook not in _scrape_hooks:
        _scrape_hooks.append(hook)


def unregister_scrape_hook(hook: ScrapeHook) -> None:
    if hook in _scrape_hooks:
        _scrape_hooks.remove(hook)


async def run_scrape_hooks() -> None:
    for hook in list(_scrape_hooks):
        await hook()
