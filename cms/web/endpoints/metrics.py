"""`GET /metrics`: the Prometheus text exposition of `cms.metrics`, for a scraper holding the
bearer token in `CMS_METRICS_TOKEN`.

No token set, no endpoint (404): metrics name operations and traffic an outsider should not see.
A scrape without `Authorization: Bearer` gets 401, one with the wrong token 403; the token is
compared in constant time. Under `cms serve --workers N` each worker writes its counts to
`PROMETHEUS_MULTIPROC_DIR` and whichever worker answers the scrape sums them all.
"""

import hmac
import os

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from cms import metrics
from cms.web.auth_context import bearer_token

NO_STORE = {"Cache-Control": "no-store"}


def _registry() -> CollectorRegistry:
    """Every worker's counts in multi-process mode; this process's otherwise."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def routes(token: str | None) -> list[Route]:
    if not token:
        return []
    expected = token.encode()

    async def scrape(request: Request) -> Response:
        presented = bearer_token(request)
        if presented is None:
            return PlainTextResponse(
                "Send the metrics token as `Authorization: Bearer <token>`.",
                status_code=401,
                headers={**NO_STORE, "WWW-Authenticate": "Bearer"},
            )
        if not hmac.compare_digest(presented.encode(), expected):
            return PlainTextResponse("Wrong metrics token.", status_code=403, headers=NO_STORE)
        await metrics.run_scrape_hooks()
        return Response(
            generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST, headers=NO_STORE
        )

    return [Route("/metrics", scrape, methods=["GET"])]
