"""Relay `node(id)`: any public object by global id, and nothing that is not public."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import GlobalID

from cms.models import ArticleStatus
from tests.builders import make_article, make_category, make_stream, make_user
from tests.conftest import Gql

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Article { title }
    ... on Category { slug }
    ... on Author { name }
    ... on LiveStream { slug }
  }
}
"""
ID_OF_ARTICLE = (
    "query A($p: String) { article(publicId: $p) { id category { id } authors { id } } }"
)


async def test_global_ids_round_trip_through_node(session: AsyncSession, gql: Gql) -> None:
    category = await make_category(session, slug="economy")
    author = await make_user(session, display_name="Nino")
    article = await make_article(session, title="Prices", category_id=category.id, authors=[author])
    await session.commit()
    ids = (await gql(ID_OF_ARTICLE, {"p": article.public_id})).data["article"]

    found = [
        (await gql(NODE, {"id": global_id})).data["node"]
        for global_id in (ids["id"], ids["category"]["id"], ids["authors"][0]["id"])
    ]

    assert [(n["__typename"], n.get("title") or n.get("slug") or n.get("name")) for n in found] == [
        ("Article", "Prices"),
        ("Category", "economy"),
        ("Author", "Nino"),
    ]


async def test_node_does_not_reveal_a_draft(session: AsyncSession, gql: Gql) -> None:
    draft = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()
    draft_id = str(GlobalID("Article", draft.public_id))

    result = await gql(NODE, {"id": draft_id})

    assert result.errors is None
    assert result.data == {"node": None}


async def test_live_stream_is_a_node(session: AsyncSession, gql: Gql) -> None:
    stream = await make_stream(session, slug="tv-live")
    await session.commit()

    result = await gql(NODE, {"id": str(GlobalID("LiveStream", str(stream.id)))})

    assert result.data["node"]["slug"] == "tv-live"


async def test_invalid_global_ids_are_errors_that_say_so(gql: Gql) -> None:
    not_base64 = await gql(NODE, {"id": "xyz"})
    unknown_type = await gql(NODE, {"id": "Rm9vOjE="})  # "Foo:1"

    assert not_base64.errors is not None
    assert "GlobalID" in not_base64.errors[0].message
    assert unknown_type.errors is not None
    assert "names no type" in unknown_type.errors[0].message


@pytest.mark.parametrize("row", ["99999999999999999999", "²"])
async def test_a_node_id_that_cannot_name_a_row_finds_nothing(gql: Gql, row: str) -> None:
    types = ("Category", "Tag", "Author", "Media", "LiveStream", "ProgrammeSlot")

    results = [await gql(NODE, {"id": str(GlobalID(name, row))}) for name in types]

    assert [(result.errors, result.data["node"]) for result in results] == [(None, None)] * 6


async def test_an_article_id_hiding_a_nul_character_finds_nothing(gql: Gql) -> None:
    result = await gql(NODE, {"id": str(GlobalID("Article", "abc\x00def"))})

    assert (result.errors, result.data["node"]) == (None, None)
