"""Limits that protect the public endpoint: a query's cost, computed before it runs.

A field costs 1; a field with a `first` argument multiplies the cost of what it selects by the
page size asked for (its default when not given). So `articles(first: 100) { tags { name } }`
costs about 300, and a query that asks for pages of pages is refused before it touches the
database. Depth, aliases and tokens are limited by Strawberry's own extensions.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    value_from_ast,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

MAX_SAFE_INTEGER = 2**53 - 1
"""The largest cost reported as is: JSON readers (JavaScript) hold integers exactly up to it, and
our encoder refuses integers past 64 bits, which nested pages multiply to quickly."""


def _page_size(node: FieldNode, field: Any, variables: Mapping[str, Any]) -> int:
    argument = field.args.get("first")
    if argument is None:
        return 1
    given = next((arg for arg in node.arguments or () if arg.name.value == "first"), None)
    value = value_from_ast(given.value, argument.type, dict(variables)) if given else None
    if value is None:
        value = argument.default_value
    return max(int(value), 1) if isinstance(value, int) else 1


def query_cost(
    schema: GraphQLSchema,
    selection_set: SelectionSetNode,
    parent: GraphQLNamedType,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> int:
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            fields = (
                parent.fields
                if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType))
                else {}
            )
            field = fields.get(selection.name.value)
            if field is None or selection.selection_set is None:
                total += 1
                continue
            inner = query_cost(
                schema, selection.selection_set, get_named_type(field.type), fragments, variables
            )
            total += 1 + _page_size(selection, field, variables) * inner
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = schema.get_type(condition.name.value) if condition else parent
            total += query_cost(
                schema, selection.selection_set, target or parent, fragments, variables
            )
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            target = schema.get_type(fragment.type_condition.name.value) or parent
            total += query_cost(schema, fragment.selection_set, target, fragments, variables)
    return total


class QueryCostLimiter(SchemaExtension):
    """Refuses an operation whose cost exceeds `max_cost`, naming both numbers."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            cost = self._cost(context.schema._schema, document.definitions, context)
            if cost > self.max_cost:
                shown = cost if cost <= MAX_SAFE_INTEGER else f"over {MAX_SAFE_INTEGER}"
                error = GraphQLError(
                    f"This query costs {shown}; the limit is {self.max_cost}. Ask for smaller "
                    "pages (`first`) or fewer nested lists.",
                    extensions={
                        "code": "QUERY_TOO_COSTLY",
                        "cost": min(cost, MAX_SAFE_INTEGER),
                        "limit": self.max_cost,
                    },
                )
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield

    @staticmethod
    def _cost(schema: GraphQLSchema, definitions: Any, context: Any) -> int:
        fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
        operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
        chosen = next(
            (
                op
                for op in operations
                if context.operation_name is None
                or (op.name is not None and op.name.value == context.operation_name)
            ),
            None,
        )
        if chosen is None:
            return 0
        root = schema.get_root_type(chosen.operation)
        if root is None:
            return 0
        return query_cost(schema, chosen.selection_set, root, fragments, context.variables or {})
