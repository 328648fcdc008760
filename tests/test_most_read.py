"""Most read over a day, a week and a month, from the daily buckets."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import Article, ArticleStatus, ArticleViewBucket
from tests.builders import make_article, make_category
from tests.conftest import Gql

MOST_READ = """
query MostRead($period: ReadingPeriod!, $locale: String, $category: String, $first: Int!) {
  mostRead(period: $period, locale: $locale, category: $category, first: $first) {
    views article { title }
  }
}
"""


async def _read(session: AsyncSession, article: Article, **views_days_ago: int) -> None:
    today = datetime.now(UTC).date()
    for days_ago, views in views_days_ago.items():
        assert article.id is not None
        day = today - timedelta(days=int(days_ago.removeprefix("d")))
        session.add(ArticleViewBucket(article_id=article.id, day=day, views=views))


async def _titles(gql: Gql, period: str, first: int = 10, **filters: str) -> list[tuple[str, int]]:
    result = await gql(MOST_READ, {"period": period, "first": first, **filters})
    assert result.errors is None, result.errors
    return [(row["article"]["title"], row["views"]) for row in result.data["mostRead"]]


async def test_each_window_sums_its_days_most_views_first(session: AsyncSession, gql: Gql) -> None:
    today_hit = await make_article(session, title="Today")
    week_hit = await make_article(session, title="This week")
    month_hit = await make_article(session, title="This month")
    await _read(session, today_hit, d0=30)
    await _read(session, week_hit, d0=5, d3=20, d6=20)
    await _read(session, month_hit, d7=100, d29=1, d30=1000)
    await session.commit()

    assert await _titles(gql, "DAY") == [("Today", 30), ("This week", 5)]
    assert await _titles(gql, "WEEK") == [("This week", 45), ("Today", 30)]
    assert await _titles(gql, "MONTH") == [("This month", 101), ("This week", 45), ("Today", 30)]
    assert await _titles(gql, "MONTH", first=1) == [("This month", 101)]


async def test_most_read_lists_only_published_articles_of_the_locale_and_category(
    session: AsyncSession, gql: Gql
) -> None:
    economy = await make_category(session, slug="economy")
    listed = await make_article(session, title="Listed", category_id=economy.id)
    georgian = await make_article(session, title="ქართული", locale="ka", category_id=economy.id)
    elsewhere = await make_article(session, title="Elsewhere")
    unpublished = await make_article(
        session, title="Unpublished", status=ArticleStatus.DRAFT, category_id=economy.id
    )
    for article in (listed, georgian, elsewhere, unpublished):
        await _read(session, article, d0=7)
    await session.commit()

    assert await _titles(gql, "DAY", locale="en", category="economy") == [("Listed", 7)]
    assert [title for title, _ in await _titles(gql, "DAY")] == [
        "Elsewhere",
        "ქართული",
        "Listed",
    ]


async def test_asking_for_too_many_is_an_error(gql: Gql) -> None:
    result = await gql(MOST_READ, {"period": "DAY", "first": 1000})

    assert result.errors is not None
    assert "`first` must be between 0 and 50" in result.errors[0].message
