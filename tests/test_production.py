"""Production settings: no introspection for strangers, no field suggestions."""

from pathlib import Path

import pytest

from cms.db import create_engine, create_sessionmaker
from cms.settings import Settings
from schema import build_schema
from schema.context import Context


async def test_production_schema_refuses_introspection_and_suggestions() -> None:
    schema = build_schema(Settings(_env_file=None, env="production", secret_key="s" * 40))

    introspection = await schema.execute("{ __schema { types { name } } }")
    typo = await schema.execute("{ articels { totalCount } }")

    assert introspection.errors is not None
    assert "introspection" in introspection.errors[0].message.lower()
    assert typo.errors is not None
    assert "Did you mean" not in typo.errors[0].message


async def test_unexpected_errors_are_masked_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        _env_file=None,
        env="production",
        secret_key="s" * 40,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/missing/dir/cms.db",
    )
    engine = create_engine(settings)
    context = Context(settings=settings, sessions=create_sessionmaker(engine))

    result = await build_schema(settings).execute(
        "{ articles { totalCount } }", context_value=context
    )
    await engine.dispose()

    assert result.errors is not None
    assert result.errors[0].message == "Unexpected error."
    assert "unable to open database file" in caplog.text


async def test_errors_a_caller_can_fix_stay_readable_in_production(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        env="production",
        secret_key="s" * 40,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/cms.db",
    )
    engine = create_engine(settings)
    context = Context(settings=settings, sessions=create_sessionmaker(engine))

    result = await build_schema(settings).execute(
        '{ articles(locale: "fr") { totalCount } }', context_value=context
    )
    await engine.dispose()

    assert result.errors is not None
    assert result.errors[0].message == "Unknown locale 'fr': use one of ka, en."
