"""Every root field that reads articles, in one place: the feeds and one article (public), the
most read and search (public), and the editorial desk's list (staff). Their pages come from
`schema.article_feed`.

Three classes rather than one: the root type lists the fields of its bases in order, and the
SDL (the reviewed contract) keeps the order it had when these fields were spread over modules.
"""

from datetime import UTC, datetime
from typing import Annotated

import strawberry
from strawberry import relay

from cms import cache_tags
from cms.errors import CmsError
from cms.models import ArticleStatus as ArticleStatusEntity
from cms.services import articles as article_service
from cms.services import categories as category_service
from cms.services import most_read as most_read_service
from cms.services import preview as preview_service
from cms.services import search as search_service
from cms.services.articles import ArticleFilter, FeedOrder
from cms.services.viewer import PREVIEWER
from schema.article import OVERDUE_AFTER, Article
from schema.article_feed import AfterArgument, ArticleConnection, FirstArgument, resolve_feed
from schema.category import LocaleArgument, category_subtree
from schema.context import Info
from schema.enums import ArticleStatus, ReadingPeriod
from schema.errors import bad_input, from_domain
from schema.locale import checked_locale
from schema.pagination import (
    check_first,
    decode_search_cursor,
    encode_search_cursor,
    keyset_page_info,
)
from schema.permissions import SIGNED_IN

MOST_READ_MAX = 50
SEARCH_PAGE_MAX = 50

CategoryArgument = Annotated[
    str | None,
    strawberry.argument(description="Only this category (by slug) and those below it."),
]


@strawberry.type(description="An article on a most-read list, with its views in the window.")
class MostReadArticle:
    article: Article = strawberry.field(description="The article.")
    views: int = strawberry.field(description="Views counted in the window.")


@strawberry.type(description="An article that matches a search, with where it matched.")
class SearchEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the hits after this.")
    node: Article = strawberry.field(description="The article.")
    snippet: str = strawberry.field(
        description="A passage around the matched words, as HTML text with the matches in "
        "`<mark>`; everything else is escaped."
    )


@strawberry.type(description="A page of search hits, best match first.")
class SearchConnection:
    edges: list[SearchEdge] = strawberry.field(description="The hits of this page.")
    page_info: relay.PageInfo = strawberry.field(description="Where this page sits in the hits.")


@strawberry.type
class ArticleQueries:
    @strawberry.field(description="Published articles, newest first, in pages (the home feed).")
    async def articles(
        self,
        info: Info,
        first: FirstArgument = 20,
        after: AfterArgument = None,
        locale: LocaleArgument = None,
        category: Annotated[
            str | None,
            strawberry.argument(description="Only this category (by slug) and those below it."),
        ] = None,
        tag: Annotated[
            str | None, strawberry.argument(description="Only articles with this tag (by slug).")
        ] = None,
        featured: Annotated[
            bool | None,
            strawberry.argument(description="true: only featured articles; false: only others."),
        ] = None,
    ) -> ArticleConnection:
        tag_id = None
        if category is not None:
            info.context.shows(cache_tags.CATEGORIES)
        category_ids = await category_subtree(info, category)
        if tag is not None:
            async with info.context.sessions() as session:
                found = await category_service.tag_by_slug(session=session, slug=tag)
            info.context.shows(cache_tags.TAGS)
            if found is None:
                raise bad_input(f"No tag with slug {tag!r}.")
            tag_id = found.id
        filters = ArticleFilter(
            locale=checked_locale(info, locale),
            category_ids=category_ids,
            tag_id=tag_id,
            featured=featured,
        )
        return await resolve_feed(info, filters, first, after)

    @strawberry.field(
        description="One published article, by `publicId` or by `slug` (with `locale`). "
        "An old slug still finds the article: compare `slug` and redirect. Null when none."
    )
    async def article(
        self,
        info: Info,
        public_id: Annotated[
            str | None, strawberry.argument(description="The 13-character public id.")
        ] = None,
        slug: Annotated[str | None, strawberry.argument(description="The URL slug.")] = None,
        locale: Annotated[
            str | None,
            strawberry.argument(description="The slug's locale; the site's default if omitted."),
        ] = None,
        preview_token: Annotated[
            str | None,
            strawberry.argument(
                description="A token from `createPreviewToken`: shows that one article "
                "(with its `publicId`) even while unpublished."
            ),
        ] = None,
    ) -> Article | None:
        if (public_id is None) == (slug is None):
            raise bad_input("Give exactly one of `publicId` or `slug`.")
        chosen = checked_locale(info, locale) or info.context.settings.default_locale
        if slug is not None:
            info.context.shows(cache_tags.article_slug(chosen, slug))
        elif public_id is not None:
            info.context.shows(cache_tags.article(public_id))
        viewer = info.context.viewer
        if preview_token is not None:
            named = preview_service.article_named_by(info.context.settings, preview_token)
            if named is None or named != public_id:
                raise bad_input(
                    "The preview token is invalid or expired, or names another article."
                )
            viewer = PREVIEWER
            info.context.shareable = False
        async with info.context.sessions() as session:
            if public_id is not None:
                shown = await article_service.article_by_public_id(
                    session=session, viewer=viewer, public_id=public_id
                )
            else:
                assert slug is not None
                shown = await article_service.article_by_slug(
                    session=session, viewer=info.context.viewer, locale=chosen, slug=slug
                )
        if not shown.articles:
            return None
        info.context.loaders.prime(shown)
        found = shown.articles[0]
        info.context.shows(cache_tags.article(found.public_id))
        return Article.from_entity(found)


@strawberry.type
class ArticleDiscoveryQueries:
    @strawberry.field(
        description="The most read published articles of a window, most views first "
        "(counted by `recordView` and the `/views/{publicId}` beacon)."
    )
    async def most_read(
        self,
        info: Info,
        period: Annotated[
            ReadingPeriod, strawberry.argument(description="The window: DAY, WEEK or MONTH.")
        ] = ReadingPeriod.DAY,
        category: CategoryArgument = None,
        locale: LocaleArgument = None,
        first: Annotated[
            int, strawberry.argument(description=f"How many, at most {MOST_READ_MAX}.")
        ] = 10,
    ) -> list[MostReadArticle]:
        check_first(first, MOST_READ_MAX)
        category_ids = await category_subtree(info, category)
        async with info.context.sessions() as session:
            rows = await most_read_service.most_read(
                session=session,
                viewer=info.context.viewer,
                period=most_read_service.Period[period.name],
                today=datetime.now(UTC).date(),
                first=first,
                locale=checked_locale(info, locale),
                category_ids=category_ids,
            )
        return [MostReadArticle(article=Article.from_entity(a), views=n) for a, n in rows]

    @strawberry.field(
        description="Published articles matching words in their title, lead or body, best "
        "match first. Every word must occur (as a word or the start of one); quotes and "
        "operators are ignored. At most 200 characters."
    )
    async def search(
        self,
        info: Info,
        query: Annotated[str, strawberry.argument(description="The words to look for.")],
        locale: LocaleArgument = None,
        category: CategoryArgument = None,
        first: Annotated[
            int, strawberry.argument(description=f"Page size, at most {SEARCH_PAGE_MAX}.")
        ] = 20,
        after: AfterArgument = None,
    ) -> SearchConnection:
        check_first(first, SEARCH_PAGE_MAX)
        try:
            terms = search_service.search_terms(query)
        except CmsError as error:
            raise from_domain(error) from error
        position = decode_search_cursor(after) if after is not None else None
        filters = ArticleFilter(
            locale=checked_locale(info, locale), category_ids=await category_subtree(info, category)
        )
        async with info.context.sessions() as session:
            hits, has_next = await search_service.search(
                session=session,
                viewer=info.context.viewer,
                terms=terms,
                filters=filters,
                first=first,
                after=position,
            )
        edges = [
            SearchEdge(
                cursor=encode_search_cursor(hit.key),
                node=Article.from_entity(hit.article),
                snippet=hit.snippet,
            )
            for hit in hits
        ]
        page_info = keyset_page_info(
            [edge.cursor for edge in edges],
            has_next=has_next,
            after_given=position is not None,
        )
        return SearchConnection(edges=edges, page_info=page_info)


@strawberry.type
class EditorialArticleQueries:
    @strawberry.field(
        description="The desk's article list for staff, most recently changed first: drafts, "
        "articles in review, scheduled ones (with `overdue: true`, those the scheduler missed).",
        permission_classes=[SIGNED_IN],
    )
    async def editorial_articles(
        self,
        info: Info,
        first: FirstArgument = 20,
        after: AfterArgument = None,
        status: Annotated[
            list[ArticleStatus] | None,
            strawberry.argument(description="Only these statuses; all when omitted."),
        ] = None,
        mine: Annotated[
            bool, strawberry.argument(description="Only articles you created.")
        ] = False,
        overdue: Annotated[
            bool, strawberry.argument(description="Only SCHEDULED articles past their time.")
        ] = False,
    ) -> ArticleConnection:
        user = info.context.viewer.user
        assert user is not None
        statuses = tuple(ArticleStatusEntity[s.name] for s in status or ArticleStatus)
        if overdue:
            statuses = (ArticleStatusEntity.SCHEDULED,)
        filters = ArticleFilter(
            statuses=statuses,
            created_by_id=user.id if mine or not info.context.viewer.sees_unpublished else None,
            scheduled_before=datetime.now(UTC) - OVERDUE_AFTER if overdue else None,
            order=FeedOrder.UPDATED,
        )
        return await resolve_feed(info, filters, first, after)
