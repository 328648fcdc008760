"""A publish makes stale exactly the cached pages that show the article, read once per write:
its own page, its slug, the home and locale feeds, its category's list and every ancestor's
(whose pages include sub-categories), and its tags' lists; nothing else a reader still uses."""

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from strawberry import Schema

from cms import cache_tags
from cms.db import create_sessionmaker
from cms.models import ArticleStatus, Role
from cms.services.viewer import Viewer
from cms.settings import Settings
from schema.context import Context
from tests.builders import make_article, make_category, make_tag, make_user

PUBLISH = """
mutation P($id: String!) { publishArticle(input: {id: $id}) { errors { message } } }
"""


async def test_a_publish_invalidates_the_pages_that_show_the_article_reading_the_tree_once(
    engine: AsyncEngine,
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],  # empties the database
    settings: Settings,
    graphql_schema: Schema,
    count_statements: Callable[[], Any],
) -> None:
    world = await make_category(session)
    europe = await make_category(session, parent_id=world.id)
    await make_category(session)
    wine, trade, unrelated = [await make_tag(session) for _ in range(3)]
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    article = await make_article(
        session, status=ArticleStatus.IN_REVIEW, category_id=europe.id, tags=[wine, trade]
    )
    await make_article(session, category_id=world.id, tags=[unrelated])
    await session.commit()
    stale: list[set[str]] = []
    invalidating = create_sessionmaker(engine, invalidate=stale.append)
    context = Context(settings=settings, sessions=invalidating, viewer=editor)

    with count_statements() as counted:
        result = await graphql_schema.execute(
            PUBLISH, variable_values={"id": article.public_id}, context_value=context
        )

    assert result.errors is None, result.errors
    assert stale == [
        {
            cache_tags.article(article.public_id),
            cache_tags.article_slug("en", article.slug),
            cache_tags.ALL_FEED,
            cache_tags.locale_feed("en"),
            cache_tags.category_feed(europe.id),
            cache_tags.category_feed(world.id),
            cache_tags.tag_feed(wine.id),
            cache_tags.tag_feed(trade.id),
        }
    ]
    tree_reads = [s for s in counted.statements if "FROM category " in s]
    assert len(tree_reads) == 1, tree_reads
