"""Text a request sends may not hold the NUL character (U+0000).

PostgreSQL cannot store it in text (SQLite can), so a title, a slug lookup or a search with one
would fail inside the database driver as an unexpected error, on one database and not the other.
No editor types it and no reader searches for it: the operation is refused before it runs, the
same way on both databases, naming the argument that holds it.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    GraphQLError,
    Node,
    ObjectFieldNode,
    StringValueNode,
    Visitor,
    visit,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

NUL = "\x00"


class _NulInLiterals(Visitor):
    """Finds the first string literal holding NUL, as the path of argument and field names."""

    found: str | None = None

    def enter_string_value(
        self, node: StringValueNode, key: object, parent: object, path: object, ancestors: Any
    ) -> None:
        if self.found is None and NUL in node.value:
            names = [
                step.name.value
                for step in [*ancestors, parent]
                if isinstance(step, (ArgumentNode, ObjectFieldNode))
            ]
            self.found = ".".join(names) or "a string"


def _nul_in_value(value: object, path: str) -> str | None:
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, Mapping):
        items: Iterator[tuple[str, object]] = ((f"{path}.{k}", v) for k, v in value.items())
    elif isinstance(value, list):
        items = ((path, item) for item in value)
    else:
        return None
    return next((found for p, v in items if (found := _nul_in_value(v, p)) is not None), None)


def _may_hold_nul(text: str | None) -> bool:
    """Whether a document's text can hold a NUL literal at all: the character itself, or an
    escape (`\\u0000`, `\\u{0}`). Most documents have neither, and are spared a walk."""
    return text is None or NUL in text or "\\u" in text


def nul_location(
    document: Node | None, variables: Mapping[str, object] | None, text: str | None = None
) -> str | None:
    """Where a document's literals or its variables hold NUL (`input.title`, `$q`), if anywhere."""
    if document is not None and _may_hold_nul(text):
        literals = _NulInLiterals()
        visit(document, literals)
        if literals.found is not None:
            return literals.found
    for name, value in (variables or {}).items():
        found = _nul_in_value(value, f"${name}")
        if found is not None:
            return found
    return None


class RefuseNulCharacters(SchemaExtension):
    """Refuses an operation whose text arguments or variables hold U+0000."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.result is None:
            where = nul_location(context.graphql_document, context.variables, context.query)
            if where is not None:
                error = GraphQLError(
                    f"Text may not contain the NUL character (U+0000); remove it from `{where}`.",
                    extensions={"code": "BAD_USER_INPUT"},
                )
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield
