"""Run the Alembic migrations from code: `cms migrate`, `cms serve` and the tests share this."""

from pathlib import Path
from typing import Any

from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from alembic import command
from cms.models.search import is_search_object

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Compare everything but the hand-written full-text search objects."""
    return not (reflected and is_search_object(name, type_, getattr(obj, "table", None)))


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config(ALEMBIC_INI)
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)
