"""The GraphQL API: types, queries and the per-request context, built on the services in `cms/`."""

import logging
from collections.abc import AsyncIterator, Callable, Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, MaskErrors, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from cms.errors import CmsError
from cms.settings import Settings
from schema.context import Context
from schema.limits import Limits, limit_extensions
from schema.mutation import Mutation
from schema.query import Query
from schema.scalars import SCALARS
from schema.selection import VIEW_COUNT_FIELDS, document_selects
from schema.staff_schema import StaffOnlySchema
from schema.subscription import Subscription
from schema.text_input import RefuseNulCharacters

DOCUMENT_CACHE_SIZE = 1024
"""Parsed and validated documents kept per process: frontends send a few fixed documents."""
UNEXPECTED = "Unexpected error."

logger = logging.getLogger("cms.graphql")


def _unexpected(error: GraphQLError) -> bool:
    """Mask what the caller cannot act on; keep validation and domain errors readable."""
    original = error.original_error
    return original is not None and not isinstance(
        original, (GraphQLError, CmsError, CannotGetOperationTypeError)
    )


def _request_id(execution_context: ExecutionContext | None) -> str | None:
    context = execution_context.context if execution_context else None
    return context.request_id if isinstance(context, Context) else None


class NewsroomSchema(strawberry.Schema):
    """Logs only unexpected errors, with their trace and request id; a caller's mistake is not
    an incident."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        request_id = _request_id(execution_context)
        for error in errors:
            if _unexpected(error):
                logger.error(
                    "Unexpected error in request %s at %s: %s",
                    request_id,
                    ".".join(map(str, error.path or [])) or "(document)",
                    error.message,
                    exc_info=error.original_error,
                    extra={"request_id": request_id},
                )


class MaskUnexpectedErrors(MaskErrors):
    """Answers an unexpected error with the request id the log names it by, and nothing of
    its text, which may hold SQL, values or paths."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_unexpected, error_message=UNEXPECTED)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {
            "code": "INTERNAL_SERVER_ERROR",
            "requestId": _request_id(self.execution_context),
        }
        return masked


class SharesQueriesOnly(SchemaExtension):
    """Only a query's response may be shared; a mutation's is its caller's alone. One that
    shows view counts is marked, as views change it without a write to invalidate it."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if isinstance(context, Context):
            if execution.operation_type is not OperationType.QUERY:
                context.shareable = False
            document = execution.graphql_document
            if document is not None and document_selects(document, VIEW_COUNT_FIELDS):
                context.shows_views = True
        yield


class ReadsFromReplica(SchemaExtension):
    """An anonymous query over HTTP reads from a fresh replica (`cms.replicas`); a mutation,
    a subscription, a WebSocket and a signed-in caller keep the primary."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            isinstance(context, Context)
            and context.reads is not None
            and context.response is not None
            and context.viewer.user is None
            and context.token is None
            and execution.operation_type is OperationType.QUERY
        ):
            context.sessions = await context.reads.sessions_for_reads()
            context.fresh_loaders()
        yield


def build_schema(settings: Settings) -> strawberry.Schema:
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        *limit_extensions(Limits.from_settings(settings), DOCUMENT_CACHE_SIZE),
        RefuseNulCharacters,
        SharesQueriesOnly,
    ]
    if settings.database_replica_urls:
        extensions.append(ReadsFromReplica)
    if settings.staff_only_schema:
        extensions.append(StaffOnlySchema)
    elif not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    if settings.env == "production":
        extensions.append(MaskUnexpectedErrors)
    return NewsroomSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(
            disable_field_suggestions=not (
                settings.field_suggestions_enabled or settings.staff_only_schema
            ),
            batching_config={"max_operations": settings.max_batch_operations},
            scalar_map=SCALARS,
        ),
    )


__all__ = ["UNEXPECTED", "build_schema"]
