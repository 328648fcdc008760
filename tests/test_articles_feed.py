"""The home feed: newest published first, keyset pages, filters, and no drafts."""

import base64
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import ArticleStatus
from tests.builders import make_article, make_category, make_tag
from tests.conftest import Gql

FEED = """
query Feed($first: Int, $after: String, $locale: String, $category: String, $tag: String,
           $featured: Boolean) {
  articles(first: $first, after: $after, locale: $locale, category: $category, tag: $tag,
           featured: $featured) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { title } }
  }
}
"""


def titles(result) -> list[str]:  # type: ignore[no-untyped-def]
    assert result.errors is None, result.errors
    return [edge["node"]["title"] for edge in result.data["articles"]["edges"]]


async def test_newest_published_first(session: AsyncSession, gql: Gql) -> None:
    for n in range(3):
        await make_article(session, title=f"Story {n}")
    await session.commit()

    result = await gql(FEED, {"first": 10})

    assert titles(result) == ["Story 2", "Story 1", "Story 0"]
    assert result.data["articles"]["totalCount"] == 3


async def test_readers_do_not_see_unpublished_articles(session: AsyncSession, gql: Gql) -> None:
    await make_article(session, title="Public")
    for status in (
        ArticleStatus.DRAFT,
        ArticleStatus.IN_REVIEW,
        ArticleStatus.SCHEDULED,
        ArticleStatus.ARCHIVED,
    ):
        await make_article(session, title=f"Hidden {status}", status=status)
    await session.commit()

    result = await gql(FEED, {"first": 100})

    assert titles(result) == ["Public"]
    assert result.data["articles"]["totalCount"] == 1


async def test_pages_walk_the_whole_feed_without_gaps(session: AsyncSession, gql: Gql) -> None:
    for n in range(7):
        await make_article(session, title=f"Story {n}")
    await session.commit()

    seen: list[str] = []
    after = None
    while True:
        result = await gql(FEED, {"first": 3, "after": after})
        seen += titles(result)
        page = result.data["articles"]["pageInfo"]
        if not page["hasNextPage"]:
            break
        after = page["endCursor"]

    assert seen == [f"Story {n}" for n in reversed(range(7))]


async def test_a_story_published_while_paging_does_not_shift_the_next_page(
    session: AsyncSession, gql: Gql
) -> None:
    for n in range(4):
        await make_article(session, title=f"Story {n}")
    await session.commit()
    first_page = await gql(FEED, {"first": 2})
    await make_article(session, title="Breaking")
    await session.commit()

    after = first_page.data["articles"]["pageInfo"]["endCursor"]
    second_page = await gql(FEED, {"first": 2, "after": after})

    assert titles(second_page) == ["Story 1", "Story 0"]


async def test_filters_by_locale_category_tag_and_featured(session: AsyncSession, gql: Gql) -> None:
    economy = await make_category(session, slug="economy")
    banking = await make_category(session, slug="banking", parent_id=economy.id)
    inflation = await make_tag(session, slug="inflation")
    await make_article(session, title="Prices", category_id=economy.id, tags=[inflation])
    await make_article(session, title="Banks", category_id=banking.id, is_featured=True)
    await make_article(session, title="ფასები", locale="ka", category_id=economy.id)
    await session.commit()

    assert titles(await gql(FEED, {"locale": "ka"})) == ["ფასები"]
    assert titles(await gql(FEED, {"category": "economy", "locale": "en"})) == ["Banks", "Prices"]
    assert titles(await gql(FEED, {"category": "banking"})) == ["Banks"]
    assert titles(await gql(FEED, {"tag": "inflation"})) == ["Prices"]
    assert titles(await gql(FEED, {"featured": True})) == ["Banks"]


async def test_first_above_the_cap_is_refused_not_truncated(gql: Gql) -> None:
    result = await gql(FEED, {"first": 101})

    assert result.errors is not None
    assert "between 0 and 100" in result.errors[0].message
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}


async def test_malformed_cursor_is_an_error_that_says_so(gql: Gql) -> None:
    result = await gql(FEED, {"after": "not-a-cursor"})

    assert result.errors is not None
    assert "Invalid cursor" in result.errors[0].message


@pytest.mark.parametrize(
    "position",
    [
        "2026-12-01T09:00:00+00:00|99999999999999999999",
        "0001-01-01T00:00:00+14:00|1",
        "9999-12-31T23:59:59-14:00|1",
    ],
)
async def test_a_cursor_no_page_could_have_given_is_an_error_that_says_so(
    gql: Gql, position: str
) -> None:
    cursor = base64.urlsafe_b64encode(f"feed:{position}".encode()).decode()

    result = await gql(FEED, {"after": cursor})

    assert result.errors is not None
    assert "Invalid cursor" in result.errors[0].message


async def test_unknown_locale_names_the_allowed_ones(gql: Gql) -> None:
    result = await gql(FEED, {"locale": "fr"})

    assert result.errors is not None
    assert result.errors[0].message == "Unknown locale 'fr': use one of ka, en."


async def test_unknown_category_filter_is_an_error(gql: Gql) -> None:
    result = await gql(FEED, {"category": "nope"})

    assert result.errors is not None
    assert "No category with slug 'nope'" in result.errors[0].message


BODIES = """
query Bodies($category: String!) {
  articles(first: 5) { edges { node { title text: body } } }
  byFragment: articles(first: 5) { edges { ...Node } }
  inline: articles(first: 5) { edges { node { ... on Article { plainText } } } }
  category(slug: $category) { articles(first: 5) { edges { node { body } } } }
}
fragment Node on ArticleEdge { node { body } }
"""


async def test_lists_give_bodies_however_the_query_asks_for_them(
    session: AsyncSession, gql: Gql
) -> None:
    """A list reads bodies only when its query names one somewhere below it: under an alias,
    in a fragment, in an inline fragment, in a nested list."""
    economy = await make_category(session)
    await make_article(session, category_id=economy.id, body="<p>Whole story.</p>")
    await session.commit()

    result = await gql(BODIES, {"category": economy.slug})

    assert result.errors is None, result.errors
    data = result.data
    assert data["articles"]["edges"][0]["node"]["text"] == "<p>Whole story.</p>"
    assert data["byFragment"]["edges"][0]["node"]["body"] == "<p>Whole story.</p>"
    assert data["inline"]["edges"][0]["node"]["plainText"].strip() != ""
    assert data["category"]["articles"]["edges"][0]["node"]["body"] == "<p>Whole story.</p>"


async def test_a_list_that_shows_no_body_does_not_read_one(
    session: AsyncSession, gql: Gql, count_statements: Callable[[], Any]
) -> None:
    """Bodies are most of an article's bytes, and home pages and sections show none."""
    await make_article(session, body="<p>Whole story.</p>")
    await session.commit()

    with count_statements() as counted:
        result = await gql("{ articles(first: 5) { edges { node { title lead } } } }")

    assert titles(result)
    (statement,) = counted.statements
    assert "article.body" not in statement
    assert "article.title" in statement
