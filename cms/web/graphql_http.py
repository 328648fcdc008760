"""The response side of GraphQL over HTTP: media type, status codes and refusals.

- The response's media type follows `Accept` (see `cms.web.media_types`): with
  `application/graphql-response+json`, a request error (the document does not parse or
  validate, a limit refuses it, its variables do not fit) is a 400 without `data`, as the
  GraphQL-over-HTTP specification says; with `application/json` it stays the legacy 200. A
  client that accepts neither gets 406. Every response says `Vary: Accept`.
- A request refused before any GraphQL work (see `cms.web.graphql_body`) is still answered as a
  GraphQL error response naming the fault, in the negotiated media type.
- Responses are encoded with orjson: UTF-8 as is (Georgian stays 3 bytes a letter, not 6).
"""

from typing import cast

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult

from cms.settings import Settings
from cms.web.media_types import GRAPHQL_RESPONSE_JSON, JSON, negotiated
from schema.context import Context

HTTP_ERROR_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    411: "LENGTH_REQUIRED",
    413: "PAYLOAD_TOO_LARGE",
    414: "URI_TOO_LONG",
    415: "UNSUPPORTED_MEDIA_TYPE",
}
REQUEST_ERROR_STATUS = {"PERSISTED_QUERY_NOT_ALLOWED": 403, "QUERY_TIMEOUT": 504}
"""Request errors that are not the client's malformed document; every other one is a 400."""


def refusal(message: str, code: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


def request_error_status(result: ExecutionResult) -> int | None:
    """The status of a result that is a request error (no data, and no error has a path, so
    execution never produced a field), or None for a result the operation produced."""
    errors = result.errors
    if result.data is not None or not errors or any(error.path for error in errors):
        return None
    codes = {(error.extensions or {}).get("code") for error in errors}
    return max((REQUEST_ERROR_STATUS.get(str(code), 400) for code in codes), default=400)


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type == GRAPHQL_RESPONSE_JSON else media_type


def media_type_of(request: Request) -> str:
    """The negotiated type, JSON when none fits (the 406 itself, or GraphiQL's page)."""
    return negotiated(request.scope) or JSON


class GraphQLResponses(GraphQL[Context, None]):
    """Strawberry's view, answering in the negotiated media type and status."""

    settings: Settings

    def _error_response(self, error: HTTPException, media_type: str) -> Response:
        """A refused HTTP request, answered as a GraphQL response in the negotiated type."""
        code = HTTP_ERROR_CODES.get(error.status_code, "BAD_REQUEST")
        body = {"errors": [{"message": error.reason, "extensions": {"code": code}}]}
        headers = {"Cache-Control": "no-store", "Vary": "Accept"}
        if error.status_code == 405:
            headers["Allow"] = "POST"
        return Response(
            self.encode_json(body),
            status_code=error.status_code,
            headers=headers,
            media_type=content_type(media_type),
        )

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        """Carries the negotiated media type to `create_response`, which has no request."""
        sub_response = await super().get_sub_response(request)
        # A page on a listed origin gets CORS headers another origin's copy lacks.
        sub_response.headers["Vary"] = "Accept, Origin" if self.settings.cors_origins else "Accept"
        sub_response.media_type = media_type_of(cast("Request", request))
        return sub_response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """As Strawberry's, in the negotiated media type (`execute_operation` set the status)."""
        response = Response(
            self.encode_json(response_data),
            status_code=sub_response.status_code or 200,
            media_type=content_type(sub_response.media_type or JSON),
        )
        response.headers.raw.extend(sub_response.headers.raw)
        response.background = sub_response.background
        return response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """A request error has no `data` in `application/graphql-response+json`."""
        response = await super().process_result(request, result)
        if media_type_of(request) == GRAPHQL_RESPONSE_JSON and request_error_status(result):
            response.pop("data", None)
        return response

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """A persisted query over GET carries no `query`; it still wants JSON, not GraphiQL."""
        return super().should_render_graphql_ide(request) and (
            request.query_params.get("extensions") is None
        )

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        """orjson refuses nesting past 1024 levels with a decode error; the standard library's
        decoder overflowed the stack on deep arrays and dropped the socket."""
        return orjson.loads(data)
