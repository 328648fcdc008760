"""The menu as a tree, category pages with their sub-categories, and tag pages."""

from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import ArticleStatus
from tests.builders import make_article, make_category, make_tag
from tests.conftest import Gql

TREE = """
query Tree($locale: String, $menuOnly: Boolean!) {
  categories(locale: $locale, menuOnly: $menuOnly) { slug name children { slug name } }
}
"""

CATEGORY_PAGE = """
query Category($slug: String!, $locale: String) {
  category(slug: $slug, locale: $locale) {
    name
    parent { slug }
    articles(first: 10) { totalCount edges { node { title } } }
  }
}
"""

TAG_PAGE = """
query Tag($slug: String!) {
  tag(slug: $slug) { name articles { totalCount edges { node { title } } } }
}
"""


async def test_categories_form_a_tree_in_menu_order(session: AsyncSession, gql: Gql) -> None:
    finance = await make_category(
        session, slug="finance", position=2, names={"ka": "ფინანსები", "en": "Finance"}
    )
    await make_category(session, slug="economy", position=1, names={"en": "Economy"})
    await make_category(
        session, slug="banking", parent_id=finance.id, names={"ka": "ბანკები", "en": "Banking"}
    )
    await make_category(session, slug="archive", position=3, show_in_menu=False)
    await session.commit()

    result = await gql(TREE, {"locale": "ka", "menuOnly": True})

    assert result.errors is None, result.errors
    assert result.data["categories"] == [
        {"slug": "economy", "name": "Economy", "children": []},
        {
            "slug": "finance",
            "name": "ფინანსები",
            "children": [{"slug": "banking", "name": "ბანკები"}],
        },
    ]
    everything = await gql(TREE, {"menuOnly": False})
    assert [c["slug"] for c in everything.data["categories"]] == ["economy", "finance", "archive"]


async def test_a_category_page_includes_its_sub_categories(session: AsyncSession, gql: Gql) -> None:
    finance = await make_category(session, slug="finance")
    banking = await make_category(session, slug="banking", parent_id=finance.id)
    await make_article(session, title="Markets", category_id=finance.id)
    await make_article(session, title="Banks", category_id=banking.id)
    await make_article(session, title="Draft", category_id=banking.id, status=ArticleStatus.DRAFT)
    await session.commit()

    finance_page = (await gql(CATEGORY_PAGE, {"slug": "finance"})).data["category"]
    banking_page = (await gql(CATEGORY_PAGE, {"slug": "banking"})).data["category"]

    assert [e["node"]["title"] for e in finance_page["articles"]["edges"]] == ["Banks", "Markets"]
    assert finance_page["articles"]["totalCount"] == 2
    assert banking_page["parent"] == {"slug": "finance"}
    assert banking_page["articles"]["totalCount"] == 1


async def test_a_category_in_a_locale_lists_that_locales_articles(
    session: AsyncSession, gql: Gql
) -> None:
    economy = await make_category(session, slug="economy", names={"ka": "ეკონომიკა"})
    await make_article(session, title="Prices", category_id=economy.id)
    await make_article(session, title="ფასები", locale="ka", category_id=economy.id)
    await session.commit()

    page = (await gql(CATEGORY_PAGE, {"slug": "economy", "locale": "ka"})).data["category"]

    assert page["name"] == "ეკონომიკა"
    assert [e["node"]["title"] for e in page["articles"]["edges"]] == ["ფასები"]


async def test_a_tag_page_lists_its_published_articles(session: AsyncSession, gql: Gql) -> None:
    wine = await make_tag(session, slug="wine", names={"ka": "ღვინო", "en": "Wine"})
    await make_article(session, title="Harvest", tags=[wine])
    await make_article(session, title="Untagged")
    await make_article(session, title="Draft", tags=[wine], status=ArticleStatus.DRAFT)
    await session.commit()

    page = (await gql(TAG_PAGE, {"slug": "wine"})).data["tag"]

    assert page["name"] == "ღვინო"
    assert page["articles"] == {"totalCount": 1, "edges": [{"node": {"title": "Harvest"}}]}


async def test_unknown_category_or_tag_is_null(gql: Gql) -> None:
    assert (await gql(CATEGORY_PAGE, {"slug": "nope"})).data == {"category": None}
    assert (await gql(TAG_PAGE, {"slug": "nope"})).data == {"tag": None}
