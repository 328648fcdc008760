"""Articles in pages: the connection type, its arguments, and the one resolver every article
list of the schema (root feeds, a category's, a tag's, the editorial desk's) goes through."""

from typing import Annotated

import strawberry
from strawberry import relay

from cms import cache_tags
from cms.cache_tags import CacheTag
from cms.services import articles as article_service
from cms.services.articles import ArticleFilter, FeedKey
from schema.article import Article
from schema.context import Info
from schema.pagination import check_first, decode_cursor, encode_cursor, keyset_page_info
from schema.selection import selects_any

BODY_FIELDS = frozenset({"body", "plainText"})


@strawberry.type(description="An article in a list, with the cursor to continue after it.")
class ArticleEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the articles after this.")
    node: Article = strawberry.field(description="The article.")


@strawberry.type(description="A page of articles, newest published first.")
class ArticleConnection:
    edges: list[ArticleEdge] = strawberry.field(description="The articles of this page.")
    page_info: relay.PageInfo = strawberry.field(description="Where this page sits in the list.")
    filters: strawberry.Private[ArticleFilter]

    @strawberry.field(description="How many articles the whole list holds, across all pages.")
    async def total_count(self, info: Info) -> int:
        async with info.context.sessions() as session:
            return await article_service.feed_count(
                session=session, viewer=info.context.viewer, filters=self.filters
            )

    @strawberry.field(description="The articles of this page, for clients that skip the edges.")
    def nodes(self) -> list[Article]:
        return [edge.node for edge in self.edges]


FirstArgument = Annotated[
    int, strawberry.argument(description="Page size, at most 100 (more is refused).")
]
AfterArgument = Annotated[
    str | None, strawberry.argument(description="The `endCursor` of the previous page.")
]


def feed_tags(filters: ArticleFilter) -> set[CacheTag]:
    """The narrowest list tags covering a feed: every write to an article in it fires them."""
    if filters.category_ids is not None:
        return {cache_tags.category_feed(category_id) for category_id in filters.category_ids}
    if filters.tag_id is not None:
        return {cache_tags.tag_feed(filters.tag_id)}
    if filters.featured:
        return {cache_tags.FEATURED_FEED}
    if filters.locale is not None:
        return {cache_tags.locale_feed(filters.locale)}
    return {cache_tags.ALL_FEED}


async def resolve_feed(
    info: Info, filters: ArticleFilter, first: int, after: str | None
) -> ArticleConnection:
    """One page of a feed; every article connection of the schema goes through here."""
    check_first(first, info.context.settings.page_size_max)
    position = decode_cursor(after) if after is not None else None
    bodies = selects_any(info.selected_fields, BODY_FIELDS)
    async with info.context.sessions() as session:
        shown, has_next = await article_service.feed_page(
            session=session,
            viewer=info.context.viewer,
            filters=filters,
            first=first,
            after=position,
            bodies=bodies,
        )
    info.context.loaders.prime(shown)
    rows = shown.articles
    info.context.shows(*feed_tags(filters), *(cache_tags.article(row.public_id) for row in rows))
    edges = [
        ArticleEdge(
            cursor=encode_cursor(FeedKey.of(row, filters.order)),
            node=Article.from_entity(row, with_body=bodies),
        )
        for row in rows
    ]
    page_info = keyset_page_info(
        [edge.cursor for edge in edges],
        has_next=has_next,
        after_given=position is not None,
    )
    return ArticleConnection(edges=edges, page_info=page_info, filters=filters)
