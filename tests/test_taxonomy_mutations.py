"""Editors building the menu: categories (a tree) and tags, through the mutations."""

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import Article, ArticleTag, Category, Role, Tag
from cms.services.viewer import ANONYMOUS, Viewer
from tests.builders import make_article, make_category, make_tag, make_user
from tests.conftest import Gql

CREATE_CATEGORY = """
mutation CreateCategory($input: CreateCategoryInput!) {
  createCategory(input: $input) {
    category { slug name(locale: "en") position showInMenu parent { slug } }
    errors { field message code }
  }
}
"""
UPDATE_CATEGORY = """
mutation UpdateCategory($input: UpdateCategoryInput!) {
  updateCategory(input: $input) {
    category { slug name(locale: "en") position showInMenu parent { slug } }
    errors { field message code }
  }
}
"""
DELETE_CATEGORY = """
mutation DeleteCategory($input: DeleteCategoryInput!) {
  deleteCategory(input: $input) { deleted errors { field message code } }
}
"""
CREATE_TAG = """
mutation CreateTag($input: CreateTagInput!) {
  createTag(input: $input) { tag { slug name(locale: "en") } errors { field message code } }
}
"""
RENAME_TAG = """
mutation RenameTag($input: RenameTagInput!) {
  renameTag(input: $input) { tag { slug name(locale: "en") } errors { field message code } }
}
"""
DELETE_TAG = """
mutation DeleteTag($input: DeleteTagInput!) {
  deleteTag(input: $input) { deleted errors { field message code } }
}
"""
MENU = """
query Menu($locale: String, $menuOnly: Boolean!) {
  categories(locale: $locale, menuOnly: $menuOnly) {
    slug name position children { slug name position }
  }
}
"""
CATEGORY_PAGE = """
query CategoryPage($slug: String!, $locale: String) {
  category(slug: $slug, locale: $locale) {
    name parent { slug } articles { totalCount edges { node { title } } }
  }
}
"""
TAG_PAGE = """
query TagPage($slug: String!, $locale: String) {
  tag(slug: $slug, locale: $locale) { name articles { totalCount } }
}
"""
ARTICLE_TAGS = """
query ArticleTags($publicId: String!) { article(publicId: $publicId) { tags { slug } } }
"""


def names(**texts: str) -> list[dict[str, str]]:
    return [{"locale": locale, "text": text} for locale, text in texts.items()]


async def _editor(session: AsyncSession, role: Role = Role.EDITOR) -> Viewer:
    user = await make_user(session, role=role, display_name="Nino Beridze")
    await session.commit()
    return Viewer(user)


async def _create_category(gql: Gql, viewer: Viewer, **fields: Any) -> dict[str, Any]:
    result = await gql(CREATE_CATEGORY, {"input": fields}, viewer=viewer)
    assert result.errors is None, result.errors
    payload: dict[str, Any] = result.data["createCategory"]
    return payload


async def _update_category(gql: Gql, viewer: Viewer, **fields: Any) -> dict[str, Any]:
    result = await gql(UPDATE_CATEGORY, {"input": fields}, viewer=viewer)
    assert result.errors is None, result.errors
    payload: dict[str, Any] = result.data["updateCategory"]
    return payload


async def _delete_category(gql: Gql, viewer: Viewer, **fields: Any) -> dict[str, Any]:
    result = await gql(DELETE_CATEGORY, {"input": fields}, viewer=viewer)
    assert result.errors is None, result.errors
    payload: dict[str, Any] = result.data["deleteCategory"]
    return payload


async def _menu(gql: Gql, *, menu_only: bool = False, locale: str = "en") -> list[Any]:
    result = await gql(MENU, {"locale": locale, "menuOnly": menu_only})
    assert result.errors is None, result.errors
    menu: list[Any] = result.data["categories"]
    return menu


async def _count(session: AsyncSession, entity: type[Any]) -> int:
    return (await session.scalar(select(func.count()).select_from(entity))) or 0


async def test_an_editor_creates_a_category_named_in_both_languages(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)

    payload = await _create_category(
        gql, editor, slug="economy", names=names(ka="ეკონომიკა", en="Economy")
    )

    assert payload["errors"] == []
    assert payload["category"]["slug"] == "economy"
    georgian = (await gql(CATEGORY_PAGE, {"slug": "economy", "locale": "ka"})).data["category"]
    english = (await gql(CATEGORY_PAGE, {"slug": "economy", "locale": "en"})).data["category"]
    assert (georgian["name"], english["name"]) == ("ეკონომიკა", "Economy")
    assert [c["slug"] for c in await _menu(gql, menu_only=True)] == ["economy"]


async def test_a_category_without_a_slug_gets_one_from_its_first_name(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)

    georgian_first = await _create_category(gql, editor, names=names(ka="ეკონომიკა", en="Economy"))
    english_first = await _create_category(gql, editor, names=names(en="World News", ka="მსოფლიო"))

    assert georgian_first["category"]["slug"] == "ekonomika"
    assert english_first["category"]["slug"] == "world-news"


async def test_a_category_nested_under_a_parent_is_listed_among_its_children(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    await _create_category(gql, editor, slug="finance", names=names(en="Finance"))

    payload = await _create_category(
        gql, editor, slug="banking", parent="finance", names=names(en="Banking")
    )

    assert payload["category"]["parent"] == {"slug": "finance"}
    menu = await _menu(gql)
    assert [(c["slug"], [child["slug"] for child in c["children"]]) for c in menu] == [
        ("finance", ["banking"])
    ]


async def test_a_parent_that_does_not_exist_is_refused(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)

    payload = await _create_category(gql, editor, parent="nowhere", names=names(en="Banking"))

    assert payload["category"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("parent", "NOT_FOUND")]
    assert await _count(session, Category) == 0


async def test_renaming_a_category_shows_the_new_name_to_readers(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    await make_category(session, slug="economy", names={"ka": "ეკონომიკა", "en": "Economy"})
    await session.commit()

    payload = await _update_category(
        gql, editor, slug="economy", names=names(en="Business & Economy")
    )

    assert payload["errors"] == []
    assert [c["name"] for c in await _menu(gql, locale="en")] == ["Business & Economy"]
    assert [c["name"] for c in await _menu(gql, locale="ka")] == ["ეკონომიკა"]


async def test_a_new_slug_renames_the_categorys_address(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    await make_category(session, slug="economy")
    await session.commit()

    payload = await _update_category(gql, editor, slug="economy", newSlug="business")

    assert payload["category"]["slug"] == "business"
    assert (await gql(CATEGORY_PAGE, {"slug": "economy"})).data == {"category": None}
    assert (await gql(CATEGORY_PAGE, {"slug": "business"})).data["category"] is not None


async def test_moving_a_category_puts_it_under_its_new_parent(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    finance = await make_category(session, slug="finance", position=1)
    await make_category(session, slug="business", position=2)
    await make_category(session, slug="banking", parent_id=finance.id)
    await session.commit()

    moved = await _update_category(gql, editor, slug="banking", parent="business")
    tree_after_move = await _menu(gql)
    to_top = await _update_category(gql, editor, slug="banking", parent=None)
    tree_after_top = await _menu(gql)

    assert moved["category"]["parent"] == {"slug": "business"}
    assert {c["slug"]: [ch["slug"] for ch in c["children"]] for c in tree_after_move} == {
        "finance": [],
        "business": ["banking"],
    }
    assert to_top["category"]["parent"] is None
    assert "banking" in [c["slug"] for c in tree_after_top]


async def test_position_orders_siblings_in_the_menu(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    world = await make_category(session, slug="world", position=1)
    for position, slug in enumerate(["europe", "asia", "africa"], start=1):
        await make_category(session, slug=slug, parent_id=world.id, position=position)
    await session.commit()

    payload = await _update_category(gql, editor, slug="africa", position=0)

    assert payload["category"]["position"] == 0
    (world_entry,) = await _menu(gql)
    assert [c["slug"] for c in world_entry["children"]] == ["africa", "europe", "asia"]


async def test_a_hidden_category_leaves_the_menu_but_keeps_its_page(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    await make_category(session, slug="economy", position=1)
    await make_category(session, slug="archive", position=2)
    await session.commit()

    payload = await _update_category(gql, editor, slug="archive", showInMenu=False)

    assert payload["category"]["showInMenu"] is False
    assert [c["slug"] for c in await _menu(gql, menu_only=True)] == ["economy"]
    assert [c["slug"] for c in await _menu(gql, menu_only=False)] == ["economy", "archive"]
    assert (await gql(CATEGORY_PAGE, {"slug": "archive"})).data["category"] is not None


async def test_a_hidden_sub_category_leaves_the_menu(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    finance = await make_category(session, slug="finance")
    await make_category(session, slug="banking", parent_id=finance.id, position=1)
    await make_category(session, slug="insurance", parent_id=finance.id, position=2)
    await session.commit()

    await _update_category(gql, editor, slug="insurance", showInMenu=False)

    (finance_entry,) = await _menu(gql, menu_only=True)
    assert [c["slug"] for c in finance_entry["children"]] == ["banking"]


async def test_a_category_cannot_move_under_its_own_sub_category(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    finance = await make_category(session, slug="finance")
    banking = await make_category(session, slug="banking", parent_id=finance.id)
    await make_category(session, slug="retail-banking", parent_id=banking.id)
    await session.commit()

    for parent in ("banking", "retail-banking", "finance"):
        payload = await _update_category(gql, editor, slug="finance", parent=parent)

        assert payload["category"] is None, parent
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [
            ("parent", "BAD_USER_INPUT")
        ]
    (finance_entry,) = await _menu(gql)
    assert finance_entry["slug"] == "finance"
    assert [c["slug"] for c in finance_entry["children"]] == ["banking"]


async def test_deleting_a_category_with_articles_is_refused_with_their_count(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    economy = await make_category(session, slug="economy")
    await make_article(session, title="Prices", category_id=economy.id)
    await make_article(session, title="Wages", category_id=economy.id)
    await session.commit()

    payload = await _delete_category(gql, editor, slug="economy")

    assert payload["deleted"] is False
    (error,) = payload["errors"]
    assert error["field"] == "reassignTo"
    assert "2 article(s)" in error["message"]
    page = (await gql(CATEGORY_PAGE, {"slug": "economy"})).data["category"]
    assert page["articles"]["totalCount"] == 2


async def test_deleting_with_reassign_to_moves_the_articles_and_removes_the_category(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    economy = await make_category(session, slug="economy")
    await make_category(session, slug="business")
    await make_article(session, title="Prices", category_id=economy.id)
    await make_article(session, title="Wages", category_id=economy.id)
    await session.commit()

    payload = await _delete_category(gql, editor, slug="economy", reassignTo="business")

    assert payload == {"deleted": True, "errors": []}
    assert (await gql(CATEGORY_PAGE, {"slug": "economy"})).data == {"category": None}
    business = (await gql(CATEGORY_PAGE, {"slug": "business"})).data["category"]
    assert [e["node"]["title"] for e in business["articles"]["edges"]] == ["Wages", "Prices"]
    assert await _count(session, Article) == 2


async def test_deleting_a_category_moves_its_sub_categories_up_a_level(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    world = await make_category(session, slug="world", position=1)
    europe = await make_category(session, slug="europe", parent_id=world.id, position=2)
    await make_category(session, slug="eu", parent_id=europe.id, position=3)
    await session.commit()

    payload = await _delete_category(gql, editor, slug="europe")

    assert payload == {"deleted": True, "errors": []}
    (world_entry,) = await _menu(gql)
    assert [c["slug"] for c in world_entry["children"]] == ["eu"]


async def test_a_duplicate_category_slug_is_refused(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    await make_category(session, slug="economy", names={"en": "Economy"})
    await session.commit()

    explicit = await _create_category(gql, editor, slug="economy", names=names(en="Other"))
    derived = await _create_category(gql, editor, names=names(en="Economy"))

    for payload in (explicit, derived):
        assert payload["category"] is None
        assert [e["field"] for e in payload["errors"]] == ["slug"]
        assert "economy" in payload["errors"][0]["message"]
    assert await _count(session, Category) == 1


async def test_a_new_slug_taken_by_another_category_is_refused(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    await make_category(session, slug="economy", names={"en": "Economy"}, position=1)
    await make_category(session, slug="business", names={"en": "Business"}, position=2)
    await session.commit()

    payload = await _update_category(
        gql, editor, slug="business", newSlug="economy", names=names(en="Renamed")
    )

    assert [e["field"] for e in payload["errors"]] == ["slug"]
    assert [(c["slug"], c["name"]) for c in await _menu(gql)] == [
        ("economy", "Economy"),
        ("business", "Business"),
    ]


async def test_a_name_in_an_unknown_locale_is_refused(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)

    payload = await _create_category(
        gql, editor, slug="economy", names=names(en="Economy", fr="Économie")
    )

    assert payload["category"] is None
    (error,) = payload["errors"]
    assert error["field"] == "names"
    assert "'fr'" in error["message"]
    assert await _count(session, Category) == 0


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.AUTHOR])
async def test_writers_may_not_create_categories(
    role: Role, session: AsyncSession, gql: Gql
) -> None:
    writer = await _editor(session, role)

    result = await gql(
        CREATE_CATEGORY, {"input": {"slug": "economy", "names": names(en="Economy")}}, viewer=writer
    )

    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "FORBIDDEN"}
    assert await _count(session, Category) == 0


async def test_anonymous_callers_must_sign_in_to_create_categories(
    session: AsyncSession, gql: Gql
) -> None:
    result = await gql(
        CREATE_CATEGORY,
        {"input": {"slug": "economy", "names": names(en="Economy")}},
        viewer=ANONYMOUS,
    )

    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}
    assert await _count(session, Category) == 0


async def test_an_editor_creates_a_tag(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)

    result = await gql(
        CREATE_TAG,
        {"input": {"names": names(en="Wine Exports", ka="ღვინის ექსპორტი")}},
        viewer=editor,
    )

    assert result.data["createTag"] == {
        "tag": {"slug": "wine-exports", "name": "Wine Exports"},
        "errors": [],
    }
    page = (await gql(TAG_PAGE, {"slug": "wine-exports", "locale": "ka"})).data["tag"]
    assert page["name"] == "ღვინის ექსპორტი"


async def test_a_duplicate_tag_slug_is_refused(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    await make_tag(session, slug="wine")
    await session.commit()

    result = await gql(CREATE_TAG, {"input": {"names": names(en="Wine")}}, viewer=editor)

    assert result.data["createTag"]["tag"] is None
    assert [e["field"] for e in result.data["createTag"]["errors"]] == ["slug"]
    assert await _count(session, Tag) == 1


async def test_renaming_a_tag_keeps_its_slug_and_other_names(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    await make_tag(session, slug="wine", names={"ka": "ღვინო", "en": "Wine"})
    await session.commit()

    result = await gql(
        RENAME_TAG, {"input": {"slug": "wine", "names": names(en="Winemaking")}}, viewer=editor
    )

    assert result.data["renameTag"] == {
        "tag": {"slug": "wine", "name": "Winemaking"},
        "errors": [],
    }
    english = (await gql(TAG_PAGE, {"slug": "wine", "locale": "en"})).data["tag"]
    georgian = (await gql(TAG_PAGE, {"slug": "wine", "locale": "ka"})).data["tag"]
    assert (english["name"], georgian["name"]) == ("Winemaking", "ღვინო")


async def test_deleting_a_tag_removes_it_from_its_articles(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    wine = await make_tag(session, slug="wine")
    harvest = await make_tag(session, slug="harvest")
    article = await make_article(session, tags=[wine, harvest])
    await session.commit()

    result = await gql(DELETE_TAG, {"input": {"slug": "wine"}}, viewer=editor)

    assert result.data["deleteTag"] == {"deleted": True, "errors": []}
    assert (await gql(TAG_PAGE, {"slug": "wine"})).data == {"tag": None}
    page = (await gql(ARTICLE_TAGS, {"publicId": article.public_id})).data["article"]
    assert page["tags"] == [{"slug": "harvest"}]
    assert await _count(session, ArticleTag) == 1


async def test_deleting_an_unknown_tag_is_not_found(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)

    result = await gql(DELETE_TAG, {"input": {"slug": "nope"}}, viewer=editor)

    assert result.data["deleteTag"]["deleted"] is False
    assert [e["code"] for e in result.data["deleteTag"]["errors"]] == ["NOT_FOUND"]
