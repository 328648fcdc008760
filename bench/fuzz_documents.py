"""The documents the fuzzer sends: hypothesis-graphql operations from `schema/schema.graphql`,
with real values mixed in and some arguments sent as variables.

Random strings rarely name a real article, so half of the arguments that take an id, a slug, a
cursor, a locale or a page size get a value this run has seen in an answer (`Pool`): updates,
deletes and pages then reach the code behind "not found". Root arguments are sometimes sent as
variables, since a scalar parses a variable and a literal in two different functions.

Ids are mostly well-formed global ids of our node types around odd row numbers (past any key,
negative, other scripts' digits), and the cursor pool starts with cursors in our own format at
the edges of what they encode, so the parsing behind both is reached, not only base64 errors.

`importMedia` downloads its `url`: every generated URL is replaced by one the server must refuse
(loopback, a reserved port, another scheme), so a run never makes the server fetch from outside.
"""

import base64
import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import graphql
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from bench.processes import ROOT

SCHEMA_FILE = ROOT / "schema" / "schema.graphql"
SUBSTITUTE_SHARE = 0.5
VARIABLES_SHARE = 0.3
POOL_SIZE = 300

REFUSED_URLS = (
    "http://127.0.0.1:1/photo.jpg",
    "http://localhost/photo.jpg",
    "http://[::1]/photo.jpg",
    "http://169.254.169.254/latest/meta-data/",
    "ftp://127.0.0.1/photo.jpg",
    "file:///etc/passwd",
    "not a url",
    "",
)

HARVESTED = {
    "id": "ids",
    "publicId": "ids",
    "slug": "slugs",
    "endCursor": "cursors",
    "version": "versions",
    "token": "tokens",
}
"""Answer keys whose values are worth sending back, and the pool each feeds."""

ARGUMENT_POOLS = {
    "id": "ids",
    "publicId": "ids",
    "article": "ids",
    "translationOf": "ids",
    "cover": "ids",
    "posterId": "ids",
    "slug": "slugs",
    "category": "slugs",
    "tag": "slugs",
    "channel": "slugs",
    "parent": "slugs",
    "reassignTo": "slugs",
    "newSlug": "slugs",
    "after": "cursors",
    "version": "versions",
    "previewToken": "tokens",
    "locale": "locales",
    "first": "sizes",
    "width": "sizes",
}
"""Argument and input field names, and the pool a real value for them comes from."""


def _encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


EDGE_CURSORS = [
    _encoded(position)
    for position in (
        "feed:2026-12-01T09:00:00+00:00|99999999999999999999",
        "feed:0001-01-01T00:00:00+14:00|1",
        "feed:9999-12-31T23:59:59-14:00|1",
        "feed:2026-12-01T09:00:00|1",
        "search:1e999|1",
        "search:nan|-1",
        "search:0.5|²",
    )
]
"""Cursors in our own formats holding what no page gives: the cursor parsers' edges."""


@dataclass
class Pool:
    """Values seen in answers during the run, by kind, newest kept."""

    values: dict[str, dict[Any, None]] = field(
        default_factory=lambda: {
            "locales": dict.fromkeys(["ka", "en"]),
            "sizes": dict.fromkeys([0, 1, 2, 5, 20, 100, 101]),
            "cursors": dict.fromkeys(EDGE_CURSORS),
        }
    )

    def harvest(self, answer: object) -> None:
        """Keep the ids, slugs, cursors and versions found anywhere in an answer."""
        for key, value in _leaves(answer):
            kind = HARVESTED.get(key)
            if kind is None or not isinstance(value, (str, int)) or isinstance(value, bool):
                continue
            kept = self.values.setdefault(kind, {})
            kept.pop(value, None)
            kept[value] = None
            if len(kept) > POOL_SIZE:
                del kept[next(iter(kept))]

    def pick(self, kind: str, rng: random.Random) -> Any | None:
        kept = self.values.get(kind)
        return rng.choice(list(kept)) if kept else None


def _leaves(answer: object) -> Iterator[tuple[str, object]]:
    if isinstance(answer, dict):
        for key, value in answer.items():
            if isinstance(value, (dict, list)):
                yield from _leaves(value)
            else:
                yield key, value
    elif isinstance(answer, list):
        for item in answer:
            yield from _leaves(item)


def _datetime_text(moment: datetime) -> str:
    return moment.isoformat()


def _ids(schema: graphql.GraphQLSchema) -> st.SearchStrategy[graphql.ValueNode]:
    """Global ids of our node types around odd row numbers, and some plain text and numbers."""
    node = schema.get_type("Node")
    assert isinstance(node, graphql.GraphQLInterfaceType)
    types = sorted(t.name for t in schema.get_implementations(node).objects)
    rows = st.one_of(
        st.integers(-1, 2**70).map(str),
        st.from_regex("[0-9\u00b2\u0661\u0662]{1,12}", fullmatch=True),
        st.text(max_size=12),
    )
    global_ids = st.builds(
        lambda name, row: base64.b64encode(f"{name}:{row}".encode()).decode(),
        st.sampled_from(types),
        rows,
    )
    return st.one_of(
        global_ids.map(nodes.String),
        st.text(max_size=20).map(nodes.String),
        st.integers(-(2**40), 2**70).map(nodes.Int),
    )


EXTREME_ZONES = [
    UTC,
    ZoneInfo("Asia/Tbilisi"),
    timezone(timedelta(hours=14)),
    timezone(-timedelta(hours=14)),
]
TODAY = datetime.now(UTC).date()
SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "Date": st.one_of(
        st.integers(-3, 3).map(lambda days: (TODAY + timedelta(days=days)).isoformat()),
        st.dates().map(date.isoformat),
        st.text(max_size=12),
    ).map(nodes.String),
    "DateTime": st.one_of(
        st.integers(-7200, 7200).map(
            lambda minutes: _datetime_text(datetime.now(UTC) + timedelta(minutes=minutes))
        ),
        st.datetimes(timezones=st.sampled_from(EXTREME_ZONES)).map(_datetime_text),
        st.datetimes().map(_datetime_text),
        st.text(max_size=30),
    ).map(nodes.String),
    "Upload": st.one_of(st.just(nodes.Null), st.text(max_size=10).map(nodes.String)),
}
"""Values for our custom input scalars: mostly well-formed (near today, with and without an
offset), some not. An `Upload` cannot travel in JSON: what reaches the server is null or text."""


@dataclass(frozen=True, slots=True)
class Document:
    """One operation to send."""

    text: str
    variables: dict[str, Any]
    root_fields: tuple[str, ...]


class Documents:
    """Strategies for queries and mutations, and the run's pool of real values."""

    def __init__(self) -> None:
        self.schema = graphql.build_schema(SCHEMA_FILE.read_text())
        self.pool = Pool()
        scalars = {**SCALARS, "ID": _ids(self.schema)}
        self.queries = queries(self.schema, custom_scalars=scalars, print_ast=_as_ast)
        self.mutations = mutations(self.schema, custom_scalars=scalars, print_ast=_as_ast)

    def finish(self, ast: graphql.DocumentNode, rng: random.Random) -> Document:
        """Mix pool values into a generated document and maybe move its arguments to variables."""
        operation = graphql.visit(ast.definitions[0], _Substitute(self.pool, rng))
        assert isinstance(operation, graphql.OperationDefinitionNode)
        root = (
            self.schema.mutation_type
            if operation.operation is graphql.OperationType.MUTATION
            else self.schema.query_type
        )
        assert root is not None
        variables: dict[str, Any] = {}
        if rng.random() < VARIABLES_SHARE:
            operation, variables = _hoist(operation, root)
        fields = tuple(
            node.name.value
            for node in operation.selection_set.selections
            if isinstance(node, graphql.FieldNode)
        )
        text = graphql.print_ast(graphql.DocumentNode(definitions=(operation,)))
        return Document(text, variables, fields)


def _as_ast(document: graphql.DocumentNode) -> graphql.DocumentNode:
    return document


class _Substitute(graphql.Visitor):
    """Replace a scalar argument by a real value of its kind, half of the time (AST nodes are
    immutable: the visit returns an edited copy)."""

    def __init__(self, pool: Pool, rng: random.Random) -> None:
        super().__init__()
        self.pool, self.rng = pool, rng

    def enter_argument(self, node: graphql.ArgumentNode, *_: object) -> graphql.ArgumentNode:
        return replace(node, value=self._value(node.name.value, node.value))

    def enter_object_field(
        self, node: graphql.ObjectFieldNode, *_: object
    ) -> graphql.ObjectFieldNode:
        return replace(node, value=self._value(node.name.value, node.value))

    def _value(self, name: str, value: graphql.ValueNode) -> graphql.ValueNode:
        if name == "url":
            return nodes.String(self.rng.choice(REFUSED_URLS))
        kind = ARGUMENT_POOLS.get(name)
        if kind is None or not isinstance(value, (graphql.StringValueNode, graphql.IntValueNode)):
            return value
        if self.rng.random() >= SUBSTITUTE_SHARE:
            return value
        picked = self.pool.pick(kind, self.rng)
        if isinstance(picked, bool) or picked is None:
            return value
        return nodes.Int(picked) if isinstance(picked, int) else nodes.String(picked)


def _hoist(
    operation: graphql.OperationDefinitionNode, root: graphql.GraphQLObjectType
) -> tuple[graphql.OperationDefinitionNode, dict[str, Any]]:
    """Turn the root fields' arguments into `$variables` of their declared types."""
    variables: dict[str, Any] = {}
    definitions: list[graphql.VariableDefinitionNode] = []
    selections: list[graphql.SelectionNode] = []
    for index, selection in enumerate(operation.selection_set.selections):
        if not isinstance(selection, graphql.FieldNode) or selection.name.value not in root.fields:
            selections.append(selection)
            continue
        declared = root.fields[selection.name.value].args
        arguments = []
        for argument in selection.arguments or ():
            variable = graphql.VariableNode(
                name=graphql.NameNode(value=f"{argument.name.value}{index}")
            )
            variables[variable.name.value] = graphql.value_from_ast_untyped(argument.value)
            definitions.append(
                graphql.VariableDefinitionNode(
                    variable=variable,
                    type=graphql.parse_type(str(declared[argument.name.value].type)),
                    directives=(),
                )
            )
            arguments.append(replace(argument, value=variable))
        selections.append(replace(selection, arguments=tuple(arguments)))
    hoisted = replace(
        operation,
        variable_definitions=tuple(definitions),
        selection_set=replace(operation.selection_set, selections=tuple(selections)),
    )
    return hoisted, variables
