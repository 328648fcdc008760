"""The admins' list of newsletter subscribers (the whole list as CSV is a plain endpoint)."""

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry import relay

from cms.models import NewsletterSubscriber as SubscriberEntity
from cms.models import SubscriberStatus as SubscriberStatusEntity
from cms.services import newsletter as newsletter_service
from schema.article_feed import AfterArgument, FirstArgument
from schema.context import Info
from schema.enums import SubscriberStatus
from schema.pagination import check_first, created_at_page, decode_cursor
from schema.permissions import ADMINS


@strawberry.type(description="A reader who asked for the daily digest (admins only).")
class NewsletterSubscriber:
    id: int = strawberry.field(description="The subscriber's number.")
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


@strawberry.type(description="A subscriber in a list, with the cursor to continue after it.")
class NewsletterSubscriberEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get those after this one.")
    node: NewsletterSubscriber = strawberry.field(description="The subscriber.")


@strawberry.type(description="A page of newsletter subscribers, in the order they signed up.")
class NewsletterSubscriberConnection:
    edges: list[NewsletterSubscriberEdge] = strawberry.field(
        description="The subscribers of this page."
    )
    page_info: relay.PageInfo = strawberry.field(description="Where this page sits in the list.")
    status: strawberry.Private[SubscriberStatusEntity | None]

    @strawberry.field(description="How many subscribers match, across all pages.")
    async def total_count(self, info: Info) -> int:
        async with info.context.sessions() as session:
            return await newsletter_service.subscriber_count(session=session, status=self.status)


@strawberry.type
class NewsletterQueries:
    @strawberry.field(
        description="Newsletter subscribers in the order they signed up (admins), in cursor "
        "pages. The whole list as CSV: `GET /newsletter/subscribers.csv`.",
        permission_classes=[ADMINS],
    )
    async def newsletter_subscribers(
        self,
        info: Info,
        first: FirstArgument = 20,
        after: AfterArgument = None,
        status: Annotated[
            SubscriberStatus | None, strawberry.argument(description="Only this status.")
        ] = None,
    ) -> NewsletterSubscriberConnection:
        check_first(first, info.context.settings.page_size_max)
        position = decode_cursor(after) if after is not None else None
        wanted = SubscriberStatusEntity[status.name] if status else None
        async with info.context.sessions() as session:
            rows, has_next = await newsletter_service.subscribers(
                session=session, first=first, after=position, status=wanted
            )
        edges, page_info = created_at_page(
            rows,
            lambda cursor, row: NewsletterSubscriberEdge(
                cursor=cursor, node=NewsletterSubscriber.from_entity(row)
            ),
            has_next=has_next,
            after_given=position is not None,
        )
        return NewsletterSubscriberConnection(edges=edges, page_info=page_info, status=wanted)
