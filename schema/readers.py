"""Reader queries beyond the feeds: most read, full-text search, and the admins' subscriber list."""

from datetime import UTC, date, datetime
from typing import Annotated

import strawberry
from strawberry import relay

from cms.errors import CmsError
from cms.models import NewsletterSubscriber as SubscriberEntity
from cms.models import SubscriberStatus as SubscriberStatusEntity
from cms.services import most_read as most_read_service
from cms.services import newsletter as newsletter_service
from cms.services import search as search_service
from cms.services.articles import ArticleFilter
from schema.article import AfterArgument, Article
from schema.category import LocaleArgument
from schema.context import Info
from schema.enums import ReadingPeriod, SubscriberStatus
from schema.errors import bad_input, from_domain
from schema.locale import checked_locale
from schema.pagination import check_first, decode_search_cursor, encode_search_cursor
from schema.permissions import ADMINS

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


@strawberry.type(description="A reader who asked for the daily digest (admins only).")
class NewsletterSubscriber:
    id: int = strawberry.field(description="The subscriber's number; pass as `afterId` to page.")
    email: str = strawberry.field(description="The address, normalised.")
    locale: str = strawberry.field(description="The language of the mail they get.")
    status: SubscriberStatus = strawberry.field(description="PENDING, CONFIRMED, UNSUBSCRIBED.")
    created_at: datetime = strawberry.field(description="When they first subscribed, in UTC.")
    confirmed_at: datetime | None = strawberry.field(description="When they confirmed, in UTC.")
    unsubscribed_at: datetime | None = strawberry.field(description="When they left, in UTC.")
    last_digest_on: date | None = strawberry.field(
        description="The day of the last digest sent to them."
    )

    @classmethod
    def from_entity(cls, row: SubscriberEntity) -> "NewsletterSubscriber":
        assert row.id is not None
        return cls(
            id=row.id,
            email=row.email,
            locale=row.locale,
            status=SubscriberStatus(row.status.value),
            created_at=row.created_at,
            confirmed_at=row.confirmed_at,
            unsubscribed_at=row.unsubscribed_at,
            last_digest_on=row.last_digest_on,
        )


async def _category_ids(info: Info, slug: str | None) -> tuple[int, ...] | None:
    if slug is None:
        return None
    tree = await info.context.loaders.category_tree()
    if slug not in tree.by_slug:
        raise bad_input(f"No category with slug {slug!r}; see `categories`.")
    return tree.with_descendants(tree.by_slug[slug])


@strawberry.type
class ReaderQueries:
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
        category_ids = await _category_ids(info, category)
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
            locale=checked_locale(info, locale), category_ids=await _category_ids(info, category)
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
        page_info = relay.PageInfo(
            has_next_page=has_next,
            has_previous_page=position is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return SearchConnection(edges=edges, page_info=page_info)

    @strawberry.field(
        description="Newsletter subscribers in the order they signed up (admins). The whole "
        "list as CSV: `GET /newsletter/subscribers.csv`.",
        permission_classes=[ADMINS],
    )
    async def newsletter_subscribers(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="How many, at most 100.")] = 50,
        after_id: Annotated[
            int | None, strawberry.argument(description="Only subscribers after this `id`.")
        ] = None,
        status: Annotated[
            SubscriberStatus | None, strawberry.argument(description="Only this status.")
        ] = None,
    ) -> list[NewsletterSubscriber]:
        check_first(first, info.context.settings.page_size_max)
        async with info.context.sessions() as session:
            rows = await newsletter_service.subscribers(
                session=session,
                first=first,
                after_id=after_id,
                status=SubscriberStatusEntity[status.name] if status else None,
            )
        return [NewsletterSubscriber.from_entity(row) for row in rows]
