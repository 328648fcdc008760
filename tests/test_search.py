"""Full-text search: ranked, highlighted, Georgian-aware, published only, never a 500."""

import base64
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import ArticleStatus, Role
from cms.services.viewer import Viewer
from tests.builders import make_article, make_category, make_user
from tests.conftest import Gql

SEARCH = """
query Search($q: String!, $locale: String, $category: String, $first: Int, $after: String) {
  search(query: $q, locale: $locale, category: $category, first: $first, after: $after) {
    edges { cursor snippet node { title } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
CREATE = """
mutation C($input: CreateArticleInput!) {
  createArticle(input: $input) { article { publicId version } errors { message } }
}
"""
UPDATE = """
mutation U($input: UpdateArticleInput!) {
  updateArticle(input: $input) { article { version } errors { message } }
}
"""
PUBLISH = "mutation P($id: String!) { publishArticle(input: {id: $id}) { errors { message } } }"
UNPUBLISH = "mutation N($id: String!) { unpublishArticle(input: {id: $id}) { errors { message } } }"


async def _search(gql: Gql, q: str, viewer: Viewer | None = None, **more: Any) -> Any:
    result = await gql(SEARCH, {"q": q, **more}, **({"viewer": viewer} if viewer else {}))
    assert result.errors is None, result.errors
    return result.data["search"]


async def _titles(gql: Gql, q: str, **more: Any) -> list[str]:
    return [edge["node"]["title"] for edge in (await _search(gql, q, **more))["edges"]]


async def test_a_title_match_ranks_above_a_body_match(session: AsyncSession, gql: Gql) -> None:
    await make_article(session, title="Markets close", body_text="The wine fair opened.")
    await make_article(session, title="Wine exports rise", body_text="Shipments grew.")
    await make_article(session, title="Weather", body_text="Rain all week.")
    await session.commit()

    assert await _titles(gql, "wine") == ["Wine exports rise", "Markets close"]


async def test_every_word_must_match_and_words_match_by_their_start(
    session: AsyncSession, gql: Gql
) -> None:
    await make_article(session, title="Wine exports rise", body_text="")
    await make_article(session, title="Wine imports fall", body_text="")
    await session.commit()

    assert await _titles(gql, "wine export") == ["Wine exports rise"]
    assert set(await _titles(gql, "WINE")) == {"Wine imports fall", "Wine exports rise"}


async def test_georgian_words_are_found_and_highlighted(session: AsyncSession, gql: Gql) -> None:
    await make_article(
        session,
        locale="ka",
        title="ღვინის ექსპორტი გაიზარდა",
        body_text="ქართული ღვინის ექსპორტი წელს რეკორდულ ნიშნულს მიუახლოვდა.",
    )
    await make_article(session, locale="ka", title="ამინდი", body_text="წვიმა.")
    await session.commit()

    found = await _search(gql, "ექსპორტი", locale="ka")

    assert [edge["node"]["title"] for edge in found["edges"]] == ["ღვინის ექსპორტი გაიზარდა"]
    assert "<mark>ექსპორტი</mark>" in found["edges"][0]["snippet"]


async def test_snippets_escape_the_text_around_the_highlight(
    session: AsyncSession, gql: Gql
) -> None:
    await make_article(
        session, title="Prices", body_text="Tariffs <script>alert(1)</script> hit wine & cheese."
    )
    await session.commit()

    snippet = (await _search(gql, "wine"))["edges"][0]["snippet"]

    assert "<mark>wine</mark>" in snippet
    assert "<script>" not in snippet
    assert "&amp;" in snippet


async def test_readers_never_find_unpublished_articles(session: AsyncSession, gql: Gql) -> None:
    await make_article(session, title="Wine draft", status=ArticleStatus.DRAFT)
    await make_article(session, title="Wine in review", status=ArticleStatus.IN_REVIEW)
    await make_article(session, title="Wine published")
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    await session.commit()

    assert await _titles(gql, "wine") == ["Wine published"]
    found_by_editor = await _search(gql, "wine", viewer=editor)
    assert [e["node"]["title"] for e in found_by_editor["edges"]] == ["Wine published"]


async def test_search_follows_publish_edit_and_unpublish(session: AsyncSession, gql: Gql) -> None:
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    await session.commit()
    created = await gql(
        CREATE,
        {"input": {"title": "Saperavi harvest", "body": "<p>Grapes are in.</p>", "locale": "en"}},
        viewer=editor,
    )
    article = created.data["createArticle"]["article"]

    assert await _titles(gql, "saperavi") == []
    await gql(PUBLISH, {"id": article["publicId"]}, viewer=editor)
    assert await _titles(gql, "saperavi") == ["Saperavi harvest"]
    edit = {"id": article["publicId"], "version": article["version"] + 1}
    edit |= {"title": "Rkatsiteli harvest", "body": "<p>Amber wine.</p>"}
    updated = await gql(UPDATE, {"input": edit}, viewer=editor)
    assert updated.data["updateArticle"]["errors"] == []
    assert await _titles(gql, "saperavi") == []
    assert await _titles(gql, "amber") == ["Rkatsiteli harvest"]
    await gql(UNPUBLISH, {"id": article["publicId"]}, viewer=editor)
    assert await _titles(gql, "rkatsiteli") == []


async def test_locale_and_category_narrow_the_search(session: AsyncSession, gql: Gql) -> None:
    economy = await make_category(session, slug="economy")
    await make_article(session, title="Wine economy", category_id=economy.id)
    await make_article(session, title="Wine culture")
    await make_article(session, title="Wine ka", locale="ka")
    await session.commit()

    assert await _titles(gql, "wine", category="economy") == ["Wine economy"]
    assert await _titles(gql, "wine", locale="ka") == ["Wine ka"]


async def test_pages_follow_the_ranking_without_repeats(session: AsyncSession, gql: Gql) -> None:
    for n in range(7):
        await make_article(session, title=f"Wine story {n}", body_text="wine " * n)
    await session.commit()
    everything = await _titles(gql, "wine", first=50)

    seen, after = [], None
    while True:
        page = await _search(gql, "wine", first=3, after=after)
        seen += [edge["node"]["title"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == everything
    assert len(seen) == 7


async def test_query_syntax_from_readers_is_harmless(session: AsyncSession, gql: Gql) -> None:
    await make_article(session, title="Wine exports rise")
    await session.commit()

    for q in ('"wine', "wine AND (", "NEAR(wine", "wine*", "-wine", "' OR 1=1 --", "", "!!!", "^"):
        result = await gql(SEARCH, {"q": q})
        assert result.errors is None, (q, result.errors)
    assert await _titles(gql, '"wine') == ["Wine exports rise"]


async def test_an_overlong_query_is_refused_with_a_clear_message(gql: Gql) -> None:
    result = await gql(SEARCH, {"q": "wine " * 2000})

    assert result.data is None
    assert result.errors is not None
    assert result.errors[0].message == ("The search is 10000 characters long; use at most 200.")
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}


async def test_a_forged_cursor_is_an_error_not_a_crash(gql: Gql) -> None:
    result = await gql(SEARCH, {"q": "wine", "after": "bm90IGEgY3Vyc29y"})

    assert result.errors is not None
    assert result.errors[0].message.startswith("Invalid cursor")


@pytest.mark.parametrize("position", ["1e999|1", "nan|1", "0.5|99999999999999999999"])
async def test_a_cursor_no_page_could_have_given_is_an_error_that_says_so(
    gql: Gql, position: str
) -> None:
    cursor = base64.urlsafe_b64encode(f"search:{position}".encode()).decode()

    result = await gql(SEARCH, {"q": "wine", "after": cursor})

    assert result.errors is not None
    assert "Invalid cursor" in result.errors[0].message
