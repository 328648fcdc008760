"""The request side of GraphQL over HTTP: what a request must be before any GraphQL work.

A request that is not well-formed GraphQL over HTTP is refused with an `HTTPException` naming
the fault (`cms.web.graphql_http` answers it as a GraphQL error response): a body that is not
JSON (or not UTF-8, or nested past 1024 levels), parameters of the wrong type, a NUL character,
an empty or oversized batch or multipart map that points nowhere (400); a body over the size
limit, also when it arrives chunked without a length (413); a query string over it (414); a
body that is not JSON in UTF-8 (415). GET answers queries (cacheable); a mutation over GET is
405 (`cms.web.graphql_view`).

File uploads follow the GraphQL multipart request specification. A multipart form is a "simple"
request a foreign page could send without a CORS preflight, so it must carry an
`Apollo-Require-Preflight` (or `X-Requested-With`) header, which such a page cannot set; and its
declared length must fit the upload limit before a byte of it is read.
"""

from typing import Any, cast
from urllib.parse import unquote_to_bytes

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.types import Message, Receive
from strawberry.asgi import GraphQL
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.http import GraphQLRequestData

from cms.settings import Settings
from cms.web.http_request import graphql_requests
from cms.web.media_types import content_type_parts
from schema.context import Context

MULTIPART_OVERHEAD = 64 * 1024
"""Room for the `operations` and `map` parts and the boundaries around an upload's bytes."""
PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-requested-with")


def refuses_json(content_type: str) -> HTTPException | None:
    """Why a POST body of this `Content-Type` is not read as JSON operations, or None when it
    is: the one rule the view applies and the response cache checks before it answers."""
    media_type, parameters = content_type_parts(content_type)
    if media_type != "application/json":
        return HTTPException(415, "Send the operation as application/json.")
    if parameters.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
        return HTTPException(415, "Send JSON in UTF-8.")
    return None


def capped(receive: Receive, limit: int) -> Receive:
    """A `receive` that refuses a body past `limit` bytes as it arrives, whether or not the
    client declared its length."""
    received = 0

    async def capped() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise HTTPException(
                413, f"The request body is over the limit of {limit} bytes (CMS_MAX_BODY_BYTES)."
            )
        return message

    return capped


class GraphQLRequestBody(GraphQL[Context, None]):
    """Strawberry's view, reading operations from a request only within the limits."""

    settings: Settings

    def _body_limit(self, request: Request) -> int:
        media_type, _ = content_type_parts(request.headers.get("content-type", ""))
        if media_type == "multipart/form-data":
            return self.settings.media_max_bytes + MULTIPART_OVERHEAD
        return self.settings.max_body_bytes

    def _check_query_string(self, request: Request) -> None:
        """A GET's parameters fit the body limit and are UTF-8 (Starlette would replace
        invalid bytes silently)."""
        if request.method != "GET":
            return
        raw: bytes = request.scope["query_string"]
        limit = self.settings.max_body_bytes
        if len(raw) > limit:
            raise HTTPException(
                414,
                f"The query string is {len(raw)} bytes; the limit is {limit} "
                "(CMS_MAX_BODY_BYTES). Send long operations with POST.",
            )
        try:
            unquote_to_bytes(raw.replace(b"+", b" ")).decode()
        except UnicodeDecodeError as error:
            raise HTTPException(400, "The query string is not valid UTF-8.") from error

    def parse_json(self, data: str | bytes) -> Any:
        """orjson, which refuses invalid UTF-8 and nesting past 1024 levels with an error,
        where the standard library raises something else or runs out of stack."""
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as error:
            raise HTTPException(400, f"Not valid JSON in UTF-8: {error}.") from error

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "GET":
            params = self.parse_query_params(request.query_params)
            data: Any = {name: value for name, value in params.items() if value != ""}
        else:
            content_type = request.content_type or ""
            if content_type_parts(content_type)[0] == "multipart/form-data":
                self._check_upload(request)
                data = await self.parse_multipart(request)
            elif (refused := refuses_json(content_type)) is not None:
                raise refused
            else:
                self._check_length(request)
                data = self.parse_json(await request.get_body())
        return graphql_requests(data, self.settings.max_batch_operations)

    def _check_length(self, request: AsyncHTTPRequestAdapter) -> None:
        """A declared length over the limit is refused before a byte is read."""
        length = request.headers.get("content-length")
        limit = self.settings.max_body_bytes
        if length is not None and length.isascii() and length.isdigit() and int(length) > limit:
            raise HTTPException(
                413,
                f"The request body is {length} bytes; the limit is {limit} (CMS_MAX_BODY_BYTES).",
            )

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> Any:
        """The operations with their files in place; a map that points nowhere is a 400."""
        try:
            form = await request.get_form_data()
        except StarletteHTTPException as error:
            raise HTTPException(400, f"Unreadable multipart body: {error.detail}") from error
        parts = [form.form.get("operations"), form.form.get("map", "{}")]
        if not all(isinstance(part, (str, bytes)) for part in parts):
            raise HTTPException(400, "A multipart request needs `operations` and `map` fields.")
        operations, files_map = (self.parse_json(cast("str | bytes", part)) for part in parts)
        if not isinstance(operations, (dict, list)) or not (
            isinstance(files_map, dict)
            and all(
                isinstance(paths, list) and all(isinstance(path, str) for path in paths)
                for paths in files_map.values()
            )
        ):
            raise HTTPException(
                400, "`operations` must be JSON; `map` must map file fields to lists of paths."
            )
        try:
            return replace_placeholders_with_files(operations, files_map, form.files)  # type: ignore[arg-type]
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise HTTPException(
                400, "The multipart `map` names a missing file part or a path not in `operations`."
            ) from error

    def _check_upload(self, request: AsyncHTTPRequestAdapter) -> None:
        headers = request.headers
        if not any(headers.get(name) for name in PREFLIGHT_HEADERS):
            raise HTTPException(
                400, "Multipart requests need the header `Apollo-Require-Preflight: true`."
            )
        length = headers.get("content-length")
        if length is None or not (length.isascii() and length.isdigit()):
            raise HTTPException(411, "Send uploads with a Content-Length.")
        limit = self.settings.media_max_bytes + MULTIPART_OVERHEAD
        if int(length) > limit:
            raise HTTPException(413, f"Uploads are limited to {limit:,} bytes.")
