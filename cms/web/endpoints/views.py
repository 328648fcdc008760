"""`POST /views/{publicId}`: the page-view beacon (`navigator.sendBeacon`), never cached.

A client past the `views` budget gets 429 and is not counted."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cms.services.views import ViewCounter
from cms.web.client_address import ClientAddresses
from cms.web.rate_limit import RateLimiter

NO_STORE = {"Cache-Control": "no-store"}


def routes(counter: ViewCounter, limiter: RateLimiter, clients: ClientAddresses) -> list[Route]:
    async def beacon(request: Request) -> Response:
        """Always 204: a beacon's answer is never read, and must not say what was counted."""
        address = clients(request.scope)
        refusal = await limiter.refusal("views", address)
        if refusal is not None:
            return refusal
        counter.record(
            request.path_params["public_id"], address, request.headers.get("user-agent", "")
        )
        return Response(status_code=204, headers=NO_STORE)

    return [Route("/views/{public_id}", beacon, methods=["POST"])]
