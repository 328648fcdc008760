"""A document compiled once into a plan: its operation's fields, collected and checked.

Compiling does what the normal path does before it executes, in the same order and with the
same limits: parse (token limit), the shape limits, validation with Strawberry's rules. Any
refusal, and any field the compiled path cannot answer (see `coverage`), makes the document
`Unsupported`, so the normal path answers it and gives its exact errors.

Fields are collected as graphql-core does: fragments (named or inline, on the type or on an
interface it implements) are merged into one list per response key, in document order.
`@skip` and `@include` are applied when their condition is a literal; one that depends on a
variable leaves the document to the normal path.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    parse,
    specified_rules,
)
from graphql.execution.values import VariableValues
from strawberry.schema.schema import validate_document

from cms.services.public_records import Columns
from schema.compiled.columns import article_columns
from schema.compiled.coverage import COMPILED, TYPENAME
from schema.limits import Limits
from schema.selection import VIEW_COUNT_FIELDS, document_selects
from schema.text_input import nul_location


class Unsupported(Exception):
    """The document goes to the normal path; the message says why (for logs and tests)."""


@dataclass(frozen=True, slots=True)
class Field:
    """One response key of a selection: the field it names and what is selected below it."""

    key: str
    name: str
    node: FieldNode
    definition: GraphQLField | None
    children: tuple["Field", ...]
    columns: Columns | None
    """For a field of articles or of a connection of them: the columns its articles show."""


@dataclass(frozen=True, slots=True)
class Plan:
    document: DocumentNode
    operation: OperationDefinitionNode
    fields: tuple[Field, ...]
    shows_views: bool
    """The answer shows view counts, so the response cache keeps it for a bounded age only."""
    inputs: dict[bytes, "Inputs"] = field(default_factory=dict, compare=False)
    """What the plan's variables came to, by their JSON (see `Inputs`)."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """A plan's variables as coerced and checked once: a frontend sends the same few variable
    sets again and again (a page's slug, a feed's `first`), and coercing them, costing the
    query and coercing each field's arguments took a sixth of a compiled answer."""

    variables: VariableValues | None
    """None: the variables do not coerce, or the cost is over the limit (the normal path
    answers)."""
    arguments: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    """Each field's coerced arguments, by the field's identity in the plan, filled as the
    plan's runs first need them."""


def _shown_articles(type_name: str, children: tuple[Field, ...]) -> list[Field]:
    """The selections showing the articles of a field of this type."""
    if type_name == "Article":
        return list(children)
    if type_name != "ArticleConnection":
        return []
    nodes = [c for c in children if c.name == "nodes"]
    nodes += [n for e in children if e.name == "edges" for n in e.children if n.name == "node"]
    return [field for node in nodes for field in node.children]


def _columns(type_name: str, children: tuple[Field, ...]) -> Columns | None:
    if type_name not in ("Article", "ArticleConnection"):
        return None
    shown = _shown_articles(type_name, children)
    return article_columns((f.name, [c.name for c in f.children]) for f in shown)


def _chosen_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        if len(operations) != 1:
            raise Unsupported("no single operation")
        return operations[0]
    for operation in operations:
        if operation.name is not None and operation.name.value == name:
            return operation
    raise Unsupported(f"no operation named {name!r}")


def _included(node: FieldNode | FragmentSpreadNode | InlineFragmentNode) -> bool:
    for directive in node.directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            raise Unsupported(f"directive @{name}")
        argument = next((a for a in directive.arguments or () if a.name.value == "if"), None)
        if argument is None or not isinstance(argument.value, BooleanValueNode):
            raise Unsupported(f"@{name} with a variable condition")
        if argument.value.value == (name == "skip"):
            return False
    return True


class _Collector:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def fields(
        self, parent: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode]
    ) -> tuple[Field, ...]:
        grouped: dict[str, list[FieldNode]] = {}
        for selection_set in selection_sets:
            self._collect(parent, selection_set, grouped, set())
        return tuple(self._field(parent, key, nodes) for key, nodes in grouped.items())

    def _collect(
        self,
        parent: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        spread: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not _included(selection):  # type: ignore[arg-type]
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(parent, condition.name.value):
                    self._collect(parent, selection.selection_set, grouped, spread)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments[name]
                if name not in spread and self._applies(parent, fragment.type_condition.name.value):
                    spread.add(name)
                    self._collect(parent, fragment.selection_set, grouped, spread)

    @staticmethod
    def _applies(parent: GraphQLObjectType, condition: str) -> bool:
        return condition == parent.name or any(i.name == condition for i in parent.interfaces)

    def _field(self, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> Field:
        name = nodes[0].name.value
        if name == TYPENAME:
            return Field(key, name, nodes[0], None, (), None)
        if name not in COMPILED.get(parent.name, ()):
            raise Unsupported(f"{parent.name}.{name}")
        definition = parent.fields[name]
        named = get_named_type(definition.type)
        children: tuple[Field, ...] = ()
        if isinstance(named, GraphQLObjectType):
            children = self.fields(named, (n.selection_set for n in nodes if n.selection_set))
        elif not all(n.selection_set is None for n in nodes):
            raise Unsupported(f"{parent.name}.{name} selects below a leaf")
        return Field(key, name, nodes[0], definition, children, _columns(named.name, children))


def compile_plan(
    schema: GraphQLSchema, limits: Limits, query: str, operation_name: str | None
) -> Plan:
    """The plan of a query document, or `Unsupported` for anything the normal path must run."""
    try:
        document = parse(query, max_tokens=limits.tokens)
    except GraphQLError as error:
        raise Unsupported("does not parse") from error
    if limits.shape_refusal(document) is not None:
        raise Unsupported("over a shape limit")
    if validate_document(schema, document, tuple(specified_rules)):
        raise Unsupported("does not validate")
    if nul_location(document, None, query) is not None:
        raise Unsupported("a literal holds NUL")
    operation = _chosen_operation(document, operation_name)
    if operation.operation is not OperationType.QUERY:
        raise Unsupported("not a query")
    root = schema.query_type
    assert root is not None
    fields = _Collector(schema, document).fields(root, [operation.selection_set])
    return Plan(document, operation, fields, document_selects(document, VIEW_COUNT_FIELDS))
