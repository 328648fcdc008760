"""Every mutation, for every role and for anonymous callers, against the table in
docs/editorial-workflow.md."""

import re
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import Schema

from cms.models import Role
from cms.services.viewer import ANONYMOUS, Viewer
from tests.builders import make_user
from tests.conftest import Gql

PERMISSION_TABLE = Path(__file__).resolve().parent.parent / "docs" / "editorial-workflow.md"
CALLERS = ["anonymous", *(role.value for role in Role)]
SCALARS = {
    "String": "x",
    "Int": 1,
    "Float": 0.5,
    "Boolean": True,
    "DateTime": "2030-01-01T00:00:00+00:00",
    "ID": "TWVkaWE6MQ==",
    "Upload": "not a file",
}


def permission_table() -> dict[str, dict[str, bool]]:
    """`{mutation: {caller: allowed}}` from the "Who may do what" table."""
    rows = {}
    header: list[str] = []
    for line in PERMISSION_TABLE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[:2] == ["mutation", "anonymous"]:
            header = cells[1:]
        elif header and len(cells) == len(header) + 1 and re.fullmatch(r"[a-z][A-Za-z]+", cells[0]):
            rows[cells[0]] = {
                caller: cell != "no" for caller, cell in zip(header, cells[1:], strict=True)
            }
    return rows


def sample(type_: GraphQLInputType) -> Any:
    """Any value of a GraphQL input type; enough to get past the permission check."""
    if isinstance(type_, GraphQLNonNull):
        return sample(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [sample(type_.of_type)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: sample(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull)
        }
    assert isinstance(type_, GraphQLScalarType)
    return SCALARS[type_.name]


def operation(schema: Schema, name: str) -> tuple[str, dict[str, Any]]:
    field = schema._schema.mutation_type.fields[name]  # type: ignore[union-attr]
    if "input" not in field.args:
        return f"mutation {{ {name} {{ __typename }} }}", {}
    input_type = field.args["input"].type
    document = f"mutation M($input: {input_type}) {{ {name}(input: $input) {{ __typename }} }}"
    return document, {"input": sample(input_type)}


def test_every_mutation_has_a_row_in_the_table(graphql_schema: Schema) -> None:
    mutations = set(graphql_schema._schema.mutation_type.fields)  # type: ignore[union-attr]

    assert mutations == set(permission_table())


@pytest.mark.parametrize("caller", CALLERS)
async def test_each_caller_gets_what_the_table_says(
    caller: str, graphql_schema: Schema, session: AsyncSession, gql: Gql
) -> None:
    viewer = ANONYMOUS
    if caller != "anonymous":
        viewer = Viewer(await make_user(session, role=Role(caller)))
        await session.commit()
    mismatches = []

    for name, allowed in sorted(permission_table().items()):
        document, variables = operation(graphql_schema, name)
        result = await gql(document, variables, viewer=viewer)
        codes = {(error.extensions or {}).get("code") for error in result.errors or []}
        refused = bool(codes & {"UNAUTHENTICATED", "FORBIDDEN"})
        expected_code = "UNAUTHENTICATED" if caller == "anonymous" else "FORBIDDEN"
        if allowed[caller] == refused or (refused and expected_code not in codes):
            mismatches.append((name, "allowed" if allowed[caller] else "refused", codes))

    assert mismatches == []
