"""A document the server has seen is neither parsed nor validated again: that work is most of
an uncached query's cost, and frontends send a handful of fixed documents. These are the normal
path's caches, so the app runs with the compiled path off (it keeps plans of its own)."""

from collections.abc import AsyncIterator
from functools import _lru_cache_wrapper
from typing import Any, cast

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from cms.settings import Settings
from schema import DOCUMENT_CACHE_SIZE
from tests.conftest import app_client

HOME = "query Home($n: Int!) { articles(first: $n) { edges { node { title category { name } } } } }"


@pytest.fixture
async def client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """The normal path's caches are the subject, so the compiled path is off; `engine` has
    migrated the database."""
    async with app_client(settings.model_copy(update={"compiled_queries": False})) as client:
        yield client


async def test_a_repeated_document_is_validated_once(client: httpx.AsyncClient) -> None:
    validate = cast("_lru_cache_wrapper[Any]", _get_validate_cache(DOCUMENT_CACHE_SIZE))
    await client.post("/graphql", json={"query": HOME, "variables": {"n": 10}})
    before = validate.cache_info()

    for n in range(1, 6):
        response = await client.post("/graphql", json={"query": HOME, "variables": {"n": n}})
        assert "errors" not in response.json()

    after = validate.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (0, 5)


async def test_a_repeated_document_is_parsed_once(client: httpx.AsyncClient) -> None:
    parse = cast("_lru_cache_wrapper[Any]", _get_parse_cache(DOCUMENT_CACHE_SIZE))
    await client.post("/graphql", json={"query": HOME, "variables": {"n": 10}})
    before = parse.cache_info()

    for n in range(1, 6):
        await client.post("/graphql", json={"query": HOME, "variables": {"n": n}})

    after = parse.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (0, 5)
