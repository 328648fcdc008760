"""The admins' list of newsletter subscribers (the whole list as CSV is a plain endpoint)."""

from datetime import date, datetime
from typing import Annotated

import strawberry

from cms.models import NewsletterSubscriber as SubscriberEntity
from cms.models import SubscriberStatus as SubscriberStatusEntity
from cms.services import newsletter as newsletter_service
from schema.context import Info
from schema.enums import SubscriberStatus
from schema.pagination import check_first
from schema.permissions import ADMINS


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


@strawberry.type
class NewsletterQueries:
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
