"""An anonymous request for a compiled document, answered before Strawberry's view runs.

Strawberry's view wraps each request in adapters, a sub-response, hooks and result processing
that together cost as much as running a compiled plan. A reader's query over GET, or a JSON
POST, without credentials, whose document has a plan, needs none of it: the request is parsed
and checked by the same methods the view uses (`GraphQLRequestBody.parse_http_body`,
`PersistedQueries._resolve_document`), answered by the plan, marked by `CacheMarks._mark`, and
encoded as the view would. Anything else, or a plan that steps aside, goes on to the view
(which parses the request again, a few microseconds), and the view does not try the plan a
second time.
"""

from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from cms.settings import Settings
from cms.web.auth_context import presented_token
from cms.web.compiled_view import HEADER as EXECUTION_HEADER
from cms.web.compiled_view import CompiledPath
from cms.web.graphql_body import GraphQLRequestBody
from cms.web.graphql_cache_marks import CacheMarks
from cms.web.graphql_http import GraphQLResponses, content_type
from cms.web.graphql_persisted import PersistedQueries
from cms.web.media_types import content_type_parts, negotiated

TRIED = "cms.compiled_tried"
"""Scope key: the compiled path already stepped aside for this request."""


class CompiledRequests(GraphQLRequestBody, GraphQLResponses, PersistedQueries, CacheMarks):
    """Strawberry's view, with compiled documents answered ahead of it."""

    settings: Settings
    compiled: CompiledPath

    def _compiled_tried(self, request: Request) -> bool:
        return bool(request.scope.get(TRIED))

    def _wants_compiled(self, request: Request) -> bool:
        if not self.compiled.enabled or negotiated(request.scope) is None:
            return False
        if request.method == "POST":
            media_type, _ = content_type_parts(request.headers.get("content-type", ""))
            if media_type != "application/json":
                return False
        elif request.method != "GET":
            return False
        return presented_token(request, self.settings) is None

    async def _answer_compiled(self, request: Request) -> Response | None:
        """The response for an anonymous request whose document has a plan, or None."""
        if not self._wants_compiled(request):
            return None
        data = await self.parse_http_body(self.request_adapter_class(request))
        if not isinstance(data, GraphQLRequestData) or (data.query is None and not data.extensions):
            return None
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, sub_response)
        resolved = self._resolve_document(data, context)
        if isinstance(resolved, ExecutionResult):
            return None
        request.scope[TRIED] = True
        result = await self.compiled.answer(resolved, context)
        if result is None:
            return None
        sub_response.headers[EXECUTION_HEADER] = "compiled"
        await self._mark(sub_response, result, context)
        response = Response(
            self.encode_json({"data": result.data}),
            media_type=content_type(sub_response.media_type or "application/json"),
        )
        response.headers.raw.extend(sub_response.headers.raw)
        return response
