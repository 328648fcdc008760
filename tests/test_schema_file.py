"""`schema/schema.graphql` is the reviewed contract: it must match the code."""

from pathlib import Path

from cms.settings import Settings
from schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def test_exported_schema_is_up_to_date() -> None:
    current = build_schema(Settings(_env_file=None)).as_str() + "\n"

    assert SCHEMA_FILE.read_text(encoding="utf-8") == current, (
        "schema/schema.graphql is stale: run `cms export-schema` and commit the result."
    )


def test_every_field_and_argument_is_described() -> None:
    schema = build_schema(Settings(_env_file=None))
    missing = []
    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or not hasattr(graphql_type, "fields"):
            continue
        if not graphql_type.description:
            missing.append(name)
        for field_name, field in graphql_type.fields.items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
            missing += [
                f"{name}.{field_name}({arg})"
                for arg, argument in getattr(field, "args", {}).items()
                if not argument.description
            ]
    assert missing == []
