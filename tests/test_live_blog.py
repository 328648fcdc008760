"""Live blogs: editors append sanitised entries; readers page through them newest first."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import ArticleStatus, Role
from cms.services.viewer import Viewer
from tests.builders import make_article, make_user
from tests.conftest import Gql

MAKE_LIVE = """
mutation Live($id: String!) {
  setArticleLiveBlog(input: {id: $id, liveBlog: true}) { article { isLiveBlog } errors { message } }
}
"""
ADD = """
mutation Add($article: String!, $body: String!) {
  addLiveBlogUpdate(input: {article: $article, body: $body}) {
    update { id body author { name } }
    errors { field message }
  }
}
"""
PAGE = """
query Page($id: String!, $after: String) {
  article(publicId: $id) {
    liveUpdates(first: 2, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { body } }
    }
  }
}
"""


async def _blog(session: AsyncSession, gql: Gql, **overrides: Any) -> tuple[str, Viewer]:
    editor = Viewer(await make_user(session, role=Role.EDITOR, display_name="Nino"))
    article = await make_article(session, **overrides)
    await session.commit()
    made = await gql(MAKE_LIVE, {"id": article.public_id}, viewer=editor)
    assert made.data["setArticleLiveBlog"] == {"article": {"isLiveBlog": True}, "errors": []}
    return article.public_id, editor


async def test_an_entry_is_sanitised_and_signed(session: AsyncSession, gql: Gql) -> None:
    public_id, editor = await _blog(session, gql)

    result = await gql(
        ADD,
        {"article": public_id, "body": "<p onclick='x()'>Rates held</p><script>x()</script>"},
        viewer=editor,
    )

    update = result.data["addLiveBlogUpdate"]["update"]
    assert (update["body"], update["author"]) == ("<p>Rates held</p>", {"name": "Nino"})


async def test_entries_only_go_to_live_blogs(session: AsyncSession, gql: Gql) -> None:
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    article = await make_article(session)
    await session.commit()

    result = await gql(ADD, {"article": article.public_id, "body": "<p>x</p>"}, viewer=editor)

    assert result.data["addLiveBlogUpdate"]["errors"][0]["field"] == "article"


async def test_readers_page_through_entries_newest_first(session: AsyncSession, gql: Gql) -> None:
    public_id, editor = await _blog(session, gql)
    for n in range(1, 6):
        await gql(ADD, {"article": public_id, "body": f"<p>Entry {n}</p>"}, viewer=editor)

    seen: list[str] = []
    after = None
    while True:
        page = (await gql(PAGE, {"id": public_id, "after": after})).data["article"]["liveUpdates"]
        assert page["totalCount"] == 5
        seen += [edge["node"]["body"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == [f"<p>Entry {n}</p>" for n in range(5, 0, -1)]


async def test_a_draft_live_blog_shows_readers_nothing(session: AsyncSession, gql: Gql) -> None:
    public_id, editor = await _blog(session, gql, status=ArticleStatus.DRAFT)
    await gql(ADD, {"article": public_id, "body": "<p>Embargoed</p>"}, viewer=editor)

    assert (await gql(PAGE, {"id": public_id})).data == {"article": None}
    staff = (await gql(PAGE, {"id": public_id}, viewer=editor)).data["article"]["liveUpdates"]
    assert staff["totalCount"] == 1


async def test_live_updates_of_a_feed_cost_one_statement(
    session: AsyncSession, gql: Gql, count_statements: Any
) -> None:
    for _ in range(3):
        await make_article(session, is_live_blog=True)
    await session.commit()
    query = (
        "{ articles(first: 10) { edges { node { liveUpdates(first: 3) { edges { cursor } } } } } }"
    )

    with count_statements() as small:
        await gql(query)
    for _ in range(6):
        await make_article(session, is_live_blog=True)
    await session.commit()
    with count_statements() as large:
        result = await gql(query)

    assert result.errors is None, result.errors
    assert large.count == small.count
