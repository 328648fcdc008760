"""The publish storm driver (`python -m bench.storm`) works end to end, and its checker tells a
stale page from a fresh one; the real storm runs on the benchmark dataset, outside the tests."""

import secrets

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench import storm
from bench.storm_clients import shows
from cms.models import Article, User
from cms.settings import Settings
from tests.builders import make_article, make_category

DRAFTS = ["a", "b", "c"]


def test_a_page_is_fresh_when_the_article_just_published_is_on_top() -> None:
    assert shows(["b", "old"], DRAFTS, 1)
    assert shows(["c", "b", "old"], DRAFTS, 1)


def test_a_page_without_the_article_just_published_is_stale() -> None:
    assert not shows(["a", "old"], DRAFTS, 1)
    assert not shows(["old", "b"], DRAFTS, 1)
    assert not shows([], DRAFTS, 1)


def test_a_page_filled_by_later_publishes_is_fresh() -> None:
    assert shows(["c"], DRAFTS, 1)
    assert not shows(["c", "a"], DRAFTS, 1)


async def test_a_short_storm_on_one_worker_finds_no_stale_page(
    settings: Settings, session: AsyncSession
) -> None:
    parent = await make_category(session)
    child = await make_category(session, parent_id=parent.id)
    for _ in range(3):
        await make_article(session, locale=settings.default_locale, category_id=child.id)
    await session.commit()
    production = settings.model_copy(
        update={"env": "production", "secret_key": secrets.token_hex()}
    )
    options = storm.Options(rate=4, seconds=3, workers=1, readers=2, redis_url="")

    result = await storm.run(production, options)

    assert result.tally.stale == []
    assert result.tally.errors == []
    assert len(result.tally.publishes) == 12
    assert len(result.tally.checks) == 24
    assert result.tally.hits > 0
    assert await session.scalar(select(func.count()).select_from(Article)) == 3
    assert await session.scalar(select(func.count()).select_from(User)) == 0
