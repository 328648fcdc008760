"""The GraphQL API: types, queries and the per-request context, built on the services in `cms/`."""

from collections.abc import Callable, Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType
from strawberry.utils.logging import StrawberryLogger

from cms.errors import CmsError
from cms.settings import Settings
from schema.context import Context
from schema.limits import QueryCostLimiter
from schema.mutation import Mutation
from schema.query import Query
from schema.subscription import Subscription

DOCUMENT_CACHE_SIZE = 1024
"""Parsed and validated documents kept per process: frontends send a few fixed documents."""


def _unexpected(error: GraphQLError) -> bool:
    """Mask what the caller cannot act on; keep validation and domain errors readable."""
    original = error.original_error
    return original is not None and not isinstance(
        original, (GraphQLError, CmsError, CannotGetOperationTypeError)
    )


class NewsroomSchema(strawberry.Schema):
    """Logs only unexpected errors, with their trace; a caller's mistake is not an incident."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if _unexpected(error):
                StrawberryLogger.error(error, execution_context)


class SharesQueriesOnly(SchemaExtension):
    """Only a query's response may be shared; a mutation's is its caller's alone."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context) and self.execution_context.operation_type is not (
            OperationType.QUERY
        ):
            context.shareable = False
        yield


def build_schema(settings: Settings) -> strawberry.Schema:
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_query_aliases),
        lambda: QueryCostLimiter(max_cost=settings.max_query_cost),
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
        SharesQueriesOnly,
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    if settings.env == "production":
        extensions.append(
            lambda: MaskErrors(should_mask_error=_unexpected, error_message="Unexpected error.")
        )
    return NewsroomSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(
            disable_field_suggestions=settings.env == "production",
            batching_config={"max_operations": settings.max_batch_operations},
        ),
    )


__all__ = ["build_schema"]
