"""The demo newsroom: what a frontend developer meets first must be realistic and safe."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cms.models import Article, ArticleStatus, Category, Media
from cms.seed import seed_demo
from cms.seed.articles import story_from
from cms.seed.reader import CONTENT, parse
from cms.settings import Settings
from tests.conftest import Gql

HOME = """
{
  articles(first: 20) {
    totalCount
    edges { node {
      title lead body sourceName publishedAt
      category { name slug }
      cover { url width height alt }
    } }
  }
}
"""


async def test_home_shows_twenty_published_articles_with_category_and_cover(
    session: AsyncSession, settings: Settings, gql: Gql
) -> None:
    await seed_demo(session, settings)

    result = await gql(HOME)

    assert result.errors is None, result.errors
    edges = result.data["articles"]["edges"]
    assert len(edges) == 20
    assert result.data["articles"]["totalCount"] >= 40
    for edge in edges:
        node = edge["node"]
        assert node["category"]["slug"]
        assert node["cover"]["url"].startswith("https://news.example/media/")
        assert (node["cover"]["width"], node["cover"]["height"]) == (1200, 675)
        assert node["body"].count("<h2>") >= 2
        assert "<blockquote>" in node["body"]
        assert node["sourceName"]


async def test_hidden_demo_articles_stay_hidden(
    session: AsyncSession, settings: Settings, gql: Gql
) -> None:
    await seed_demo(session, settings)
    hidden = (
        await session.scalars(
            select(col(Article.title)).where(col(Article.status) != ArticleStatus.PUBLISHED)
        )
    ).all()

    titles = {
        edge["node"]["title"]
        for edge in (await gql("{ articles(first: 100) { edges { node { title } } } }")).data[
            "articles"
        ]["edges"]
    }

    assert len(hidden) >= 5
    assert titles.isdisjoint(hidden)


async def test_both_languages_and_every_menu_category_have_stories(
    session: AsyncSession, settings: Settings, gql: Gql
) -> None:
    await seed_demo(session, settings)

    menu = await gql('{ categories(locale: "ka", menuOnly: true) { slug name } }')
    for locale in ("ka", "en"):
        count = await gql(
            "query F($l: String) { articles(locale: $l) { totalCount } }", {"l": locale}
        )
        assert count.data["articles"]["totalCount"] >= 15

    slugs = {c["slug"] for c in menu.data["categories"]}
    assert {
        "economy",
        "finance",
        "business",
        "politics",
        "world",
        "technology",
        "energy",
        "tourism",
    } <= slugs


async def test_covers_are_real_image_files_on_disk(
    session: AsyncSession, settings: Settings
) -> None:
    await seed_demo(session, settings)

    for media in (await session.scalars(select(Media))).all():
        data = (settings.media_root / media.storage_key).read_bytes()
        assert data[:3] == b"\xff\xd8\xff"
        assert len(data) == media.size_bytes


async def test_tv_live_is_on_air_with_todays_programme(
    session: AsyncSession, settings: Settings, gql: Gql
) -> None:
    await seed_demo(session, settings, now=datetime.now(UTC))

    live = (
        await gql("{ liveNow { slug isOnAir playbackUrl nowPlaying { title } upNext { title } } }")
    ).data["liveNow"]

    assert live["isOnAir"]
    assert live["playbackUrl"].startswith("https://")
    assert live["nowPlaying"]["title"]


async def test_seeding_twice_changes_nothing(session: AsyncSession, settings: Settings) -> None:
    await seed_demo(session, settings)
    before = await session.scalar(select(func.count()).select_from(Article))

    second = await seed_demo(session, settings)

    assert second == {}
    assert await session.scalar(select(func.count()).select_from(Article)) == before
    assert (await session.scalar(select(func.count()).select_from(Category)) or 0) >= 8


async def test_demo_times_are_fresh(session: AsyncSession, settings: Settings) -> None:
    now = datetime.now(UTC)
    await seed_demo(session, settings, now=now)

    newest = await session.scalar(
        select(func.max(Article.published_at)).where(col(Article.status) == ArticleStatus.PUBLISHED)
    )

    assert newest is not None
    assert now - timedelta(days=1) < newest.replace(tzinfo=UTC) <= now


def test_a_story_file_with_a_misspelt_field_is_refused_by_name() -> None:
    text = (CONTENT / "articles" / "001-ka-lari-rate.md").read_text(encoding="utf-8")
    misspelt = parse("articles/001-ka-lari-rate.md", text.replace("desk =", "dsk ="))

    with pytest.raises(ValueError, match=r"'ka-lari-rate'.*'dsk'"):
        story_from(misspelt)


def test_a_story_file_without_its_front_matter_fence_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"articles/007-draft\.md: the front matter"):
        parse("articles/007-draft.md", 'title = "A draft"\n\nText.\n')
