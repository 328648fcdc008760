"""No N+1: a request's SQL statement count does not grow with the page size."""

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tests.builders import make_article, make_category, make_media, make_tag
from tests.conftest import Gql

HOME = """
query Home($first: Int!) {
  articles(first: $first, locale: "en") {
    totalCount
    edges { node {
      id title slug lead publishedAt views
      category { name slug }
      cover { url width height alt }
    } }
  }
}
"""

ARTICLE_PAGE = """
query Article($publicId: String!, $related: Int!) {
  article(publicId: $publicId) {
    title body publishedAt views sourceName
    category { name slug }
    tags { name }
    cover { url alt }
    related(first: $related) { title slug }
  }
}
"""


async def _newsroom(session: AsyncSession, articles: int) -> list[str]:
    categories = [await make_category(session) for _ in range(5)]
    tags = [await make_tag(session) for _ in range(12)]
    public_ids = []
    for n in range(articles):
        cover = await make_media(session)
        article = await make_article(
            session,
            category_id=categories[n % 5].id,
            cover_id=cover.id,
            tags=tags[n % 10 : n % 10 + 1 + n % 3],
        )
        public_ids.append(article.public_id)
    await session.commit()
    return public_ids


async def _statements(gql: Gql, counter: Callable[[], Any], query: str, **variables: Any) -> int:
    with counter() as counted:
        result = await gql(query, variables)
    assert result.errors is None, result.errors
    return int(counted.count)


async def test_home_query_costs_the_same_for_5_and_100_articles(
    session: AsyncSession, gql: Gql, count_statements: Callable[[], Any]
) -> None:
    await _newsroom(session, 110)

    small = await _statements(gql, count_statements, HOME, first=5)
    large = await _statements(gql, count_statements, HOME, first=100)

    assert small == large
    assert large == 2  # the page, its categories and covers joined; totalCount


async def test_article_page_costs_the_same_however_many_tags_and_related(
    session: AsyncSession, gql: Gql, count_statements: Callable[[], Any]
) -> None:
    public_ids = await _newsroom(session, 40)

    few = await _statements(gql, count_statements, ARTICLE_PAGE, publicId=public_ids[0], related=1)
    many = await _statements(
        gql, count_statements, ARTICLE_PAGE, publicId=public_ids[2], related=20
    )

    assert few == many
    assert many == 3  # the article, its category and cover joined; tags; related
