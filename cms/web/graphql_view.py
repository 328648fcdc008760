"""GraphQL over HTTP and WebSocket at one path: the view that runs an operation, composed of
one class per protocol concern.

- `cms.web.graphql_body`: what a request must be before any GraphQL work (limits, parsing,
  uploads).
- `cms.web.graphql_http`: the response's media type, status and refusals.
- `cms.web.graphql_persisted`: which document a request runs (automatic persisted queries).
- `cms.web.graphql_cache_marks`: whether a response may be shared.
- `cms.web.graphql_compiled`: anonymous requests for compiled documents, answered ahead of
  the rest.
- `cms.web.socket_sign_in`: accepting a WebSocket and who it is signed in as.

What is left here is the order of a request: negotiate, read, resolve the document, execute,
mark; and the per-request context.
"""

from datetime import timedelta
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult, SubscriptionExecutionResult

from cms import metrics
from cms.events import EventBus
from cms.replicas import ReadRouter
from cms.services.mail import Outbox
from cms.services.media.library import MediaLibrary
from cms.services.persisted_queries import PersistedQueryStore
from cms.services.viewer import Viewer
from cms.services.views import ViewCounter
from cms.settings import Settings
from cms.web.auth_context import presented_token, viewer_for
from cms.web.client_address import ClientAddresses
from cms.web.compiled_view import HEADER as EXECUTION_HEADER
from cms.web.compiled_view import CompiledPath, execution_label
from cms.web.console_page import ConsolePage
from cms.web.graphql_body import capped
from cms.web.graphql_compiled import CompiledRequests
from cms.web.graphql_http import media_type_of, refusal, request_error_status
from cms.web.media_types import GRAPHQL_RESPONSE_JSON, JSON, negotiated
from cms.web.observe import record_operation, record_role
from cms.web.rate_limit import RateLimiter
from cms.web.response_cache import ResponseStore
from cms.web.socket_sign_in import SocketSignIn
from schema import build_schema
from schema.context import Context


class GraphQLApp(CompiledRequests, SocketSignIn):
    """The `/graphql` endpoint, HTTP and WebSocket."""

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        media: MediaLibrary,
        views: ViewCounter,
        cache: ResponseStore,
        events: EventBus,
        outbox: Outbox | None = None,
        console: ConsolePage | None = None,
        limiter: RateLimiter | None = None,
        clients: ClientAddresses | None = None,
        reads: ReadRouter | None = None,
    ) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if console is not None else None,
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
        self.limiter = limiter or RateLimiter(settings)
        self.clients = clients or ClientAddresses(settings.trusted_proxies)
        self.reads = reads
        self.persisted = PersistedQueryStore(settings.automatic_persisted_queries)
        self.compiled = CompiledPath(self.schema, settings, sessions.kw["bind"])
        self.console = console

    async def render_graphql_ide(self, request: Request) -> Response:
        """The editors' console (`cms.web.console_page`), in place of Strawberry's page."""
        assert self.console is not None
        return self.console.response(request)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As Strawberry's, with content negotiation, a body limit that holds for chunked
        bodies, refusals as GraphQL responses, and the request closed at the end, which
        removes uploads' temporary files."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        refusal = await self._spend_budget(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        request = Request(scope=scope, receive=capped(receive, self._body_limit(request)))
        try:
            if negotiated(scope) is None and not self.should_render_graphql_ide(
                self.request_adapter_class(request)
            ):
                response: Response = PlainTextResponse(
                    f"Ask for {GRAPHQL_RESPONSE_JSON} or {JSON}.", status_code=406
                )
            else:
                self._check_query_string(request)
                response = await self._answer_compiled(request) or await self.run(request)
        except HTTPException as error:
            response = self._error_response(error, media_type_of(request))
        finally:
            await request.close()
        await response(scope, receive, send)

    async def _spend_budget(self, request: Request) -> Response | None:
        """Sign the caller in (once: `get_context` reuses it) and count the request against
        their budget: a signed-in user's own, or the client address's anonymous one."""
        token = presented_token(request, self.settings)
        viewer = await viewer_for(token, self.sessions)
        request.state.viewer = viewer
        if viewer.user is not None:
            record_role(request.scope, viewer.user.role.value.lower())
            return await self.limiter.refusal("staff", f"user:{viewer.user.id}")
        record_role(request.scope, "anonymous")
        return await self.limiter.refusal("anonymous", self.clients(request.scope))

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
        if isinstance(result, ExecutionResult) and media_type_of(request) == GRAPHQL_RESPONSE_JSON:
            sub_response.status_code = request_error_status(result) or 200
        label = execution_label(result)
        sub_response.headers[EXECUTION_HEADER] = label
        metrics.EXECUTIONS.labels(label).inc()
        await self._mark(sub_response, result, context)
        return result

    async def execute_single(  # type: ignore[override]
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        *,
        request_data: GraphQLRequestData,
        context: Context,
        **kwargs: Any,
    ) -> ExecutionResult:
        """One operation of a request. After `_resolve_document` the document's text, its
        variables and the viewer are known and Strawberry has not parsed anything yet: the
        place for another way of executing a document."""
        record_operation(request.scope, request_data.operation_name, request_data.query)
        resolved = self._resolve_document(request_data, context)
        if isinstance(resolved, ExecutionResult):
            return resolved
        if not self._compiled_tried(request):
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
                return refusal(error.reason, "OPERATION_NOT_FOUND")
            raise

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        token = presented_token(request, self.settings)
        viewer: Viewer | None = getattr(request.state, "viewer", None)
        return Context(
            settings=self.settings,
            sessions=self.sessions,
            viewer=viewer if viewer is not None else await viewer_for(token, self.sessions),
            token=token,
            connection=request,
            response=response if isinstance(response, Response) else None,
            media=self.media,
            views=self.views,
            events=self.events,
            outbox=self.outbox,
            forwarded_for=self.clients(request.scope),
            reads=self.reads,
        )
