"""The publish storm driver (`python -m bench.storm`) works end to end, and its checker tells a
stale page from a fresh one; the real storm runs on the benchmark dataset, outside the tests."""

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench import storm
from bench.storm_clients import PAGE_SIZE, Shown, shows
from cms.models import Article, User
from cms.settings import Settings
from tests.builders import make_article, make_category

NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _article(name: str, minutes: int) -> Shown:
    return Shown(name, NOON + timedelta(minutes=minutes))


JUST_PUBLISHED = _article("new", 0)
OLDER = [_article(f"old-{n}", -n - 1) for n in range(PAGE_SIZE)]
NEWER = [_article(f"later-{n}", n + 1) for n in range(PAGE_SIZE)]


def test_a_page_showing_the_article_just_published_is_fresh() -> None:
    assert shows([JUST_PUBLISHED, *OLDER[:19]], JUST_PUBLISHED)
    assert shows([*NEWER[:3], JUST_PUBLISHED, *OLDER[:16]], JUST_PUBLISHED)


def test_a_page_without_the_article_just_published_is_stale() -> None:
    assert not shows(OLDER, JUST_PUBLISHED)
    assert not shows([*NEWER[:19], OLDER[0]], JUST_PUBLISHED)
    assert not shows(NEWER[:5], JUST_PUBLISHED)
    assert not shows([], JUST_PUBLISHED)


def test_a_page_filled_by_newer_articles_is_fresh() -> None:
    assert shows(NEWER, JUST_PUBLISHED)


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
