"""GraphQL over HTTP and WebSocket at one path, with the protocol details clients rely on.

- GET answers queries (cacheable), a mutation over GET is 405, a body that is not JSON is 415,
  a body over the size limit is 413.
- Apollo's automatic persisted queries: `extensions.persistedQuery.sha256Hash` stands in for the
  text; an unknown hash answers `PersistedQueryNotFound` so the client retries with the text.
- With `CMS_PERSISTED_QUERIES_ONLY`, anonymous callers may only run registered documents.
- Responses are encoded with orjson: UTF-8 as is (Georgian stays 3 bytes a letter, not 6).
- File uploads follow the GraphQL multipart request specification. A multipart form is a
  "simple" request a foreign page could send without a CORS preflight, so it must carry an
  `Apollo-Require-Preflight` (or `X-Requested-With`) header, which such a page cannot set; and
  its declared length must fit the upload limit before a byte of it is read.
- Subscriptions speak graphql-transport-ws only (`schema.socket` holds the protocol). The view
  caps the operations a socket may run, accepts sockets from the site's own origin and the
  allowed ones, and signs a socket in at `connection_init` with `connectionParams: {token}`
  or GraphiQL's session cookie. A token that signs no one in is refused with 4403 rather than
  served as anonymous, so a client with an expired token learns it at once.
"""

import dataclasses
from datetime import timedelta
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData, GraphQLRequestProtocol
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult, SubscriptionExecutionResult
from strawberry.types.unset import UnsetType

from cms.events import EventBus
from cms.response_cache import ResponseStore
from cms.services.mail import Outbox
from cms.services.media.library import MediaLibrary
from cms.services.persisted_queries import PersistedQueryStore, document_hash
from cms.services.views import ViewCounter
from cms.settings import Settings
from schema import build_schema
from schema.auth_context import bearer_token, presented_token, viewer_for
from schema.context import Context
from schema.socket import QueuedWebSocket, SocketHandler

MULTIPART_OVERHEAD = 64 * 1024
"""Room for the `operations` and `map` parts and the boundaries around an upload's bytes."""
PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-requested-with")


def _refusal(message: str, code: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As Strawberry's, and closes the request, which removes uploads' temporary files."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = PlainTextResponse(error.reason, status_code=error.status_code)
        finally:
            await request.close()
        await response(scope, receive, send)

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

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            media_type, _ = parse_content_type(request.content_type or "")
            if media_type not in ("application/json", "multipart/form-data"):
                raise HTTPException(415, "Send the operation as application/json.")
            if media_type == "multipart/form-data":
                self._check_upload(request)
                return await super().parse_http_body(request)
            length = request.headers.get("content-length")
            if (
                length is not None
                and length.isdigit()
                and int(length) > self.settings.max_body_bytes
            ):
                raise HTTPException(
                    413,
                    f"The request body is {length} bytes; the limit is "
                    f"{self.settings.max_body_bytes}.",
                )
        return await super().parse_http_body(request)

    def _check_upload(self, request: AsyncHTTPRequestAdapter) -> None:
        headers = request.headers
        if not any(headers.get(name) for name in PREFLIGHT_HEADERS):
            raise HTTPException(
                400, "Multipart requests need the header `Apollo-Require-Preflight: true`."
            )
        length = headers.get("content-length")
        if length is None or not length.isdigit():
            raise HTTPException(411, "Send uploads with a Content-Length.")
        limit = self.settings.media_max_bytes + MULTIPART_OVERHEAD
        if int(length) > limit:
            raise HTTPException(413, f"Uploads are limited to {limit:,} bytes.")

    def _validate_batch_request(
        self, request_data: list[GraphQLRequestData], protocol: GraphQLRequestProtocol
    ) -> None:
        limit = self.settings.max_batch_operations
        if len(request_data) > limit:
            raise HTTPException(
                400,
                f"A batch may hold at most {limit} operations; this one has {len(request_data)}.",
            )
        super()._validate_batch_request(request_data, protocol)

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
        await self.cache.settle()
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
        try:
            return await super().execute_single(
                request, request_adapter, request_data=resolved, context=context, **kwargs
            )
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, "Send mutations with POST, not GET.") from error
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
