"""`POST /views/{publicId}`: the page-view beacon (`navigator.sendBeacon`), never cached."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cms.services.views import ViewCounter

NO_STORE = {"Cache-Control": "no-store"}


def routes(counter: ViewCounter) -> list[Route]:
    async def beacon(request: Request) -> Response:
        """Always 204: a beacon's answer is never read, and must not say what was counted."""
        address = request.client.host if request.client else ""
        counter.record(
            request.path_params["public_id"], address, request.headers.get("user-agent", "")
        )
        return Response(status_code=204, headers=NO_STORE)

    return [Route("/views/{public_id}", beacon, methods=["POST"])]
