"""The schema shown to signed-in staff only (`CMS_STAFF_CONSOLE` in production).

Editors need the Docs pane and "Did you mean …?" in the console; anonymous callers must not
map the schema. So introspection is refused per request, by the same validation rule
`DisableIntrospection` adds for everyone, and suggestions (which spell out field names) are cut
from an anonymous caller's validation errors. Validation results are cached by document and
rule set, so the two audiences never share one.
"""

import re
from collections.abc import Iterator

from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from schema.context import Context

SUGGESTION = re.compile(r" Did you mean .*\?$", re.DOTALL)


def _signed_in(context: object) -> bool:
    return isinstance(context, Context) and context.viewer.user is not None


def _without_suggestion(error: GraphQLError) -> GraphQLError:
    message = SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


class StaffOnlySchema(SchemaExtension):
    """Introspection and field suggestions for signed-in callers; refused to the others."""

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        if not _signed_in(execution.context):
            execution.validation_rules = (
                *execution.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield

    def on_validate(self) -> Iterator[None]:
        """Runs after the validation cache (listed before this extension) has validated, and
        before Strawberry reads the errors; the cached list itself is left as it is."""
        execution = self.execution_context
        if execution.pre_execution_errors and not _signed_in(execution.context):
            execution.pre_execution_errors = [
                _without_suggestion(error) for error in execution.pre_execution_errors
            ]
        yield
