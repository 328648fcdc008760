"""GraphQL over HTTP and WebSocket at one path, with the protocol details clients rely on.

- The response's media type follows `Accept` (see `cms.web.media_types`): with
  `application/graphql-response+json`, a request error (the document does not parse or
  validate, a limit refuses it, its variables do not fit) is a 400 without `data`, as the
  GraphQL-over-HTTP specification says; with `application/json` it stays the legacy 200. A
  client that accepts neither gets 406. Every response says `Vary: Accept`.
- Whatever the media type, a request that is not well-formed GraphQL over HTTP is refused
  before any GraphQL work, with a GraphQL error response naming the fault: a body that is not
  JSON (or not UTF-8, or nested past 1024 levels), parameters of the wrong type, a NUL character,
  an empty or oversized batch or multipart map that points nowhere (400); a body over the size
  limit, also when it arrives chunked without a length (413); a query string over it (414);
  a body that is not JSON in UTF-8 (415). GET answers queries (cacheable); a mutation over GET
  is 405.
- Apollo's automatic persisted queries: `extensions.persistedQuery.sha256Hash` stands in for the
  text; an unknown hash answers `PersistedQueryNotFound` so the client retries with the text.
- With `CMS_PERSISTED_QUERIES_ONLY`, anonymous callers may only run registered documents.
- Responses are encoded with orjson: UTF-8 as is (Georgian stays 3 bytes a letter, not 6).
- File uploads follow the GraphQL multipart request specification. A multipart form is a
  "simple" request a foreign page could send without a CORS preflight, so it must carry an
  `Apollo-Require-Preflight` (or `X-Requested-With`) header, which such a page cannot set; and
  its declared length must fit the upload limit before a byte of it is read.
- Subscriptions speak graphql-transport-ws only (`cms.web.socket` holds the protocol). The view
  caps the operations a socket may run, accepts sockets from the site's own origin and the
  allowed ones, and signs a socket in at `connection_init` with `connectionParams: {token}`
  or GraphiQL's session cookie. A token that signs no one in is refused with 4403 rather than
  served as anonymous, so a client with an expired token learns it at once.
"""

import dataclasses
from datetime import timedelta
from typing import Any, cast
from urllib.parse import unquote_to_bytes

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult, SubscriptionExecutionResult
from strawberry.types.unset import UnsetType

from cms.events import EventBus
from cms.services.mail import Outbox
from cms.services.media.library import MediaLibrary
from cms.services.persisted_queries import PersistedQueryStore, document_hash
from cms.services.views import ViewCounter
from cms.settings import Settings
from cms.web.auth_context import bearer_token, presented_token, viewer_for
from cms.web.compiled_view import HEADER as EXECUTION_HEADER
from cms.web.compiled_view import CompiledPath, execution_label
from cms.web.http_request import graphql_requests
from cms.web.media_types import GRAPHQL_RESPONSE_JSON, JSON, negotiate
from cms.web.response_cache import ResponseStore
from cms.web.socket import QueuedWebSocket, SocketHandler
from schema import build_schema
from schema.context import Context

MULTIPART_OVERHEAD = 64 * 1024
"""Room for the `operations` and `map` parts and the boundaries around an upload's bytes."""
PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-requested-with")
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


def _refusal(message: str, code: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


def request_error_status(result: ExecutionResult) -> int | None:
    """The status of a result that is a request error (no data, and no error has a path, so
    execution never produced a field), or None for a result the operation produced."""
    errors = result.errors
    if result.data is not None or not errors or any(error.path for error in errors):
        return None
    codes = {(error.extensions or {}).get("code") for error in errors}
    return max((REQUEST_ERROR_STATUS.get(str(code), 400) for code in codes), default=400)


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type == GRAPHQL_RESPONSE_JSON else media_type


def _media_type(request: Request) -> str:
    return cast("str", request.state.graphql_media_type)


def _capped(receive: Receive, limit: int) -> Receive:
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


class GraphQLApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = SocketHandler
    websocket_adapter_class = QueuedWebSocket

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        media: MediaLibrary,
        views: ViewCounter,
        cache: ResponseStore,
        events: EventBus,
        outbox: Outbox | None = None,
    ) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=settings.ws_max_subscriptions,
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds),
            allowed_origins=[settings.site_url, *settings.ws_allowed_origins],
        )
        self.settings = settings
        self.sessions = sessions
        self.media = media
        self.views = views
        self.cache = cache
        self.events = events
        self.outbox = outbox or Outbox(settings)
        self.persisted = PersistedQueryStore(settings.automatic_persisted_queries)
        self.compiled = CompiledPath(self.schema, settings, sessions.kw["bind"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As Strawberry's, with content negotiation, a body limit that holds for chunked
        bodies, refusals as GraphQL responses, and the request closed at the end, which
        removes uploads' temporary files."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        negotiated = negotiate(request.headers.get("accept"))
        request.state.graphql_media_type = negotiated or JSON
        request = Request(scope=scope, receive=_capped(receive, self._body_limit(request)))
        try:
            if negotiated is None and not self.should_render_graphql_ide(
                self.request_adapter_class(request)
            ):
                response: Response = PlainTextResponse(
                    f"Ask for {GRAPHQL_RESPONSE_JSON} or {JSON}.", status_code=406
                )
            else:
                self._check_query_string(request)
                response = await self.run(request)
        except HTTPException as error:
            response = self._error_response(error, _media_type(request))
        finally:
            await request.close()
        await response(scope, receive, send)

    def _body_limit(self, request: Request) -> int:
        media_type, _ = parse_content_type(request.headers.get("content-type", ""))
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
            media_type=_content_type(media_type),
        )

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        """Carries the negotiated media type to `create_response`, which has no request."""
        sub_response = await super().get_sub_response(request)
        sub_response.headers["Vary"] = "Accept"
        sub_response.media_type = _media_type(cast("Request", request))
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
            media_type=_content_type(sub_response.media_type or JSON),
        )
        response.headers.raw.extend(sub_response.headers.raw)
        response.background = sub_response.background
        return response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """A request error has no `data` in `application/graphql-response+json`."""
        response = await super().process_result(request, result)
        if _media_type(request) == GRAPHQL_RESPONSE_JSON and request_error_status(result):
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
            media_type, parameters = parse_content_type(request.content_type or "")
            if media_type == "multipart/form-data":
                self._check_upload(request)
                data = await self.parse_multipart(request)
            elif media_type == "application/json":
                if parameters.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
                    raise HTTPException(415, "Send JSON in UTF-8.")
                self._check_length(request)
                data = self.parse_json(await request.get_body())
            else:
                raise HTTPException(415, "Send the operation as application/json.")
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

    async def execute_operation(  # type: ignore[override]
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        **kwargs: Any,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        result = await super().execute_operation(
            request, request_adapter, sub_response=sub_response, context=context, **kwargs
        )
        if isinstance(result, SubscriptionExecutionResult):
            return result
        if isinstance(result, ExecutionResult) and _media_type(request) == GRAPHQL_RESPONSE_JSON:
            sub_response.status_code = request_error_status(result) or 200
        await self.cache.settle()
        sub_response.headers[EXECUTION_HEADER] = execution_label(result)
        sub_response.headers["Cache-Control"] = self._cache_control(result, context)
        if sub_response.headers["Cache-Control"].startswith("public"):
            sub_response.headers["Surrogate-Key"] = " ".join(sorted(context.cache_tags))
        return result

    def _cache_control(
        self, result: ExecutionResult | list[ExecutionResult], context: Context
    ) -> str:
        """Public for an anonymous query that went well; never for anyone signed in."""
        results = result if isinstance(result, list) else [result]
        if context.viewer.user is not None or context.token is not None:
            return "private, no-store"
        if not context.shareable or any(r.errors for r in results) or not context.cache_tags:
            return "no-store"
        s = self.settings
        return (
            f"public, max-age={s.cache_max_age}, s-maxage={s.cache_s_maxage}, "
            f"stale-while-revalidate={s.cache_stale_while_revalidate}"
        )

    async def execute_single(  # type: ignore[override]
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        *,
        request_data: GraphQLRequestData,
        context: Context,
        **kwargs: Any,
    ) -> ExecutionResult:
        resolved = self._resolve_document(request_data, context)
        if isinstance(resolved, ExecutionResult):
            return resolved
        compiled = await self.compiled.answer(resolved, context)
        if compiled is not None:
            return compiled
        try:
            return await super().execute_single(
                request, request_adapter, request_data=resolved, context=context, **kwargs
            )
        except HTTPException as error:
            cause = error.__cause__
            if isinstance(cause, InvalidOperationTypeError) and request.method == "GET":
                raise HTTPException(405, "Send mutations with POST, not GET.") from error
            if isinstance(cause, CannotGetOperationTypeError):
                return _refusal(error.reason, "OPERATION_NOT_FOUND")
            raise

    def _resolve_document(
        self, data: GraphQLRequestData, context: Context
    ) -> GraphQLRequestData | ExecutionResult:
        """The request with its document text, or the refusal the APQ protocol prescribes."""
        persisted = (data.extensions or {}).get("persistedQuery")
        locked = self.settings.persisted_queries_only and context.viewer.user is None
        if not isinstance(persisted, dict):
            if locked and (
                data.query is None or document_hash(data.query) not in self.persisted.registered
            ):
                return _refusal(
                    "This endpoint runs registered queries only; send a registered "
                    "document's sha256Hash.",
                    "PERSISTED_QUERY_NOT_ALLOWED",
                )
            return data
        sha256 = persisted.get("sha256Hash")
        if persisted.get("version") != 1 or not isinstance(sha256, str):
            raise HTTPException(400, "persistedQuery needs version 1 and a sha256Hash string.")
        if data.query is None:
            document = self.persisted.lookup(sha256)
            if document is None:
                return _refusal("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
            return dataclasses.replace(data, query=document)
        if document_hash(data.query) != sha256:
            raise HTTPException(400, "provided sha does not match query")
        if locked and sha256 not in self.persisted.registered:
            return _refusal(
                "This endpoint runs registered queries only.", "PERSISTED_QUERY_NOT_ALLOWED"
            )
        self.persisted.remember(sha256, data.query)
        return data

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        token = presented_token(request, self.settings)
        return Context(
            settings=self.settings,
            sessions=self.sessions,
            viewer=await viewer_for(token, self.sessions),
            token=token,
            connection=request,
            response=response if isinstance(response, Response) else None,
            media=self.media,
            views=self.views,
            events=self.events,
            outbox=self.outbox,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Programs sign a socket in with `connectionParams: {token}` (browsers need nothing
        when GraphiQL's session cookie came with the handshake). The viewer is fixed here for
        the socket's life: a second `connection_init` closes it with 4429."""
        params = context.connection_params or {}
        offered = params.get("token", params.get("Authorization"))
        if offered is not None:
            token = offered.removeprefix("Bearer ") if isinstance(offered, str) else ""
            context.token = token
            context.viewer = await viewer_for(token, self.sessions)
            context.fresh_loaders()
        bearer = context.connection is not None and bearer_token(context.connection) is not None
        if (offered is not None or bearer) and context.viewer.user is None:
            raise ConnectionRejectionError({"message": "The token is invalid or expired."})
        return await super().on_ws_connect(context)
