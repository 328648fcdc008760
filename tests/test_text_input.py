"""Text with the NUL character is refused before it runs, alike on SQLite and PostgreSQL (which
cannot store it): found by `python -m bench.fuzz`, where it was an unexpected error."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import Article, Role
from cms.services.viewer import Viewer
from tests.builders import make_user
from tests.conftest import Gql

CREATE = """mutation C($input: CreateArticleInput!) {
  createArticle(input: $input) { article { publicId } errors { field message } }
}"""


async def test_an_article_title_with_a_nul_character_is_refused_and_nothing_is_written(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await make_user(session, role=Role.EDITOR)
    await session.commit()

    result = await gql(
        CREATE, {"input": {"locale": "en", "title": "Wine\x00 exports"}}, viewer=Viewer(editor)
    )

    assert result.errors is not None
    assert result.errors[0].message == (
        "Text may not contain the NUL character (U+0000); remove it from `$input.title`."
    )
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}
    assert await session.scalar(select(func.count()).select_from(Article)) == 0


async def test_a_search_with_a_nul_character_in_the_document_is_refused_naming_the_argument(
    gql: Gql,
) -> None:
    result = await gql('{ search(query: "wine\\u0000") { edges { snippet } } }')

    assert result.errors is not None
    assert "remove it from `query`" in result.errors[0].message
    assert result.data is None
