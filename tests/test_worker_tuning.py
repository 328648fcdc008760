"""A worker's database pool and garbage collector, sized for serving."""

import gc

import pytest
from sqlalchemy.pool import QueuePool
from starlette.applications import Starlette

from cms.db import create_engine
from cms.settings import Settings


@pytest.mark.parametrize(
    ("url", "default"),
    [("sqlite+aiosqlite:///./pool.db", 4), ("postgresql+asyncpg://db.invalid/cms", 20)],
)
async def test_the_pool_has_its_default_size_unless_a_setting_gives_one(
    url: str, default: int
) -> None:
    engines = [create_engine(Settings(database_url=url, db_pool_size=size)) for size in (None, 2)]
    try:
        pools = [engine.sync_engine.pool for engine in engines]
        assert all(isinstance(pool, QueuePool) for pool in pools)
        assert [pool.size() for pool in pools] == [default, 2]  # type: ignore[attr-defined]
        assert [pool._max_overflow for pool in pools] == [default, 2]  # type: ignore[attr-defined]
    finally:
        for engine in engines:
            await engine.dispose()


def test_a_pool_of_no_connections_is_refused() -> None:
    with pytest.raises(ValueError, match="db_pool_size"):
        Settings(db_pool_size=0)


async def test_after_start_up_the_collector_skips_what_start_up_built(app: Starlette) -> None:
    async with app.router.lifespan_context(app):
        assert gc.get_freeze_count() > 0
