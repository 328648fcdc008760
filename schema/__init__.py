"""The GraphQL API: types, queries and the per-request context, built on the services in `cms/`."""

from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, MaskErrors, SchemaExtension
from strawberry.schema.config import StrawberryConfig

from cms.errors import CmsError
from cms.settings import Settings
from schema.query import Query


def _unexpected(error: GraphQLError) -> bool:
    """Mask what the caller cannot act on; keep validation and domain errors readable."""
    original = error.original_error
    return original is not None and not isinstance(original, (GraphQLError, CmsError))


def build_schema(settings: Settings) -> strawberry.Schema:
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = []
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    if settings.env == "production":
        extensions.append(
            lambda: MaskErrors(should_mask_error=_unexpected, error_message="Unexpected error.")
        )
    return strawberry.Schema(
        query=Query,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=settings.env == "production"),
    )


__all__ = ["build_schema"]
