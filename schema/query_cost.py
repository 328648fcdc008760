"""What a query costs, worked out from its document before it runs: a field costs 1; a field
with a `first` argument multiplies the cost of what it selects by the page size asked for (its
default when not given). So `articles(first: 100) { tags { name } }` costs about 300.
"""

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
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


def _page_size(node: FieldNode, field: Any, variables: Mapping[str, Any]) -> int:
    argument = field.args.get("first")
    if argument is None:
        return 1
    given = next((arg for arg in node.arguments or () if arg.name.value == "first"), None)
    value = value_from_ast(given.value, argument.type, dict(variables)) if given else None
    if value is None:
        value = argument.default_value
    return max(int(value), 1) if isinstance(value, int) else 1


class _Cost:
    """One cost computation; each fragment is costed once, however often it is spread."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.fragment_costs: dict[str, int] = {}

    def of(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> int:
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
                inner = self.of(selection.selection_set, get_named_type(field.type))
                total += 1 + _page_size(selection, field, self.variables) * inner
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.of(selection.selection_set, target or parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, parent)
        return total

    def fragment(self, name: str, parent: GraphQLNamedType) -> int:
        if name not in self.fragment_costs:
            fragment = self.fragments[name]
            target = self.schema.get_type(fragment.type_condition.name.value) or parent
            self.fragment_costs[name] = self.of(fragment.selection_set, target)
        return self.fragment_costs[name]


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any],
) -> int:
    definitions = document.definitions
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    chosen = next(
        (
            d
            for d in definitions
            if isinstance(d, OperationDefinitionNode)
            and (operation_name is None or (d.name is not None and d.name.value == operation_name))
        ),
        None,
    )
    root = schema.get_root_type(chosen.operation) if chosen is not None else None
    if chosen is None or root is None:
        return 0
    return _Cost(schema, fragments, variables).of(chosen.selection_set, root)
