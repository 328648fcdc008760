"""Production settings: no introspection for strangers, no field suggestions."""

from cms.settings import Settings
from schema import build_schema


async def test_production_schema_refuses_introspection_and_suggestions() -> None:
    schema = build_schema(Settings(_env_file=None, env="production", secret_key="s" * 40))

    introspection = await schema.execute("{ __schema { types { name } } }")
    typo = await schema.execute("{ articels { totalCount } }")

    assert introspection.errors is not None
    assert "introspection" in introspection.errors[0].message.lower()
    assert typo.errors is not None
    assert "Did you mean" not in typo.errors[0].message
