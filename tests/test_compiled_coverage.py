"""Every `Query` field is a decision for the compiled path: compiled, or referred to the normal
path with a reason. A new field in neither table fails here."""

from graphql import GraphQLObjectType

from cms.settings import Settings
from schema import build_schema
from schema.compiled.coverage import COMPILED, INTERPRETED


def _schema_types() -> dict[str, GraphQLObjectType]:
    schema = build_schema(Settings(_env_file=None))._schema
    return {
        name: graphql_type
        for name, graphql_type in schema.type_map.items()
        if isinstance(graphql_type, GraphQLObjectType)
    }


def test_every_query_field_is_compiled_or_referred_to_the_normal_path() -> None:
    query = _schema_types()["Query"]
    undecided = set(query.fields) - COMPILED["Query"] - set(INTERPRETED)
    assert not undecided, f"Add these Query fields to schema/compiled/coverage.py: {undecided}"


def test_no_query_field_is_both_compiled_and_referred() -> None:
    assert not COMPILED["Query"] & set(INTERPRETED)


def test_the_compiled_table_names_only_fields_that_exist() -> None:
    types = _schema_types()
    for type_name, fields in COMPILED.items():
        assert fields <= set(types[type_name].fields), type_name
    assert set(INTERPRETED) <= set(types["Query"].fields)
