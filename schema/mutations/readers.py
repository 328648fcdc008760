"""Reader mutations (views, newsletter sign-up) and the editors' pick for the daily digest."""

from datetime import date
from typing import Annotated

import strawberry

from cms.errors import CmsError
from cms.services import digest as digest_service
from cms.services import newsletter as newsletter_service
from schema.context import Info
from schema.mutations.articles import INPUT, ArticlePayload, article_payload
from schema.permissions import EDITORS
from schema.user_errors import UserError


@strawberry.input(description="A reader opened an article.")
class RecordViewInput:
    public_id: str = strawberry.field(description="The article's `publicId`.")


@strawberry.type(description="The result of `recordView`.")
class RecordViewPayload:
    accepted: bool = strawberry.field(
        description="True when the view was queued. Bots are refused here; unknown or "
        "unpublished articles, and the same reader within half an hour, are dropped silently "
        "when the queue is written (every few seconds)."
    )
    errors: list[UserError] = strawberry.field(description="Always empty; kept for the shape.")


@strawberry.input(description="Ask for the daily digest by email.")
class SubscribeNewsletterInput:
    email: str = strawberry.field(description="The reader's email address.")
    locale: str = strawberry.field(description="The language of the mail: `ka` or `en`.")


@strawberry.type(description="The result of `subscribeNewsletter`.")
class SubscribeNewsletterPayload:
    message: str | None = strawberry.field(
        description="What to tell the reader; the same for every valid address, so it never "
        "reveals whether an address is subscribed."
    )
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.input(description="Put an article in the digest of a day, or take it out.")
class SetArticleDigestPickInput:
    id: str = strawberry.field(description="The article's `publicId`.")
    day: date | None = strawberry.field(
        default=None,
        description="The day (site's time zone) whose digest leads with it; null takes it out.",
    )


CHECK_INBOX = "Check your inbox: we sent you an email with a link to confirm."


@strawberry.type
class ReaderMutations:
    @strawberry.mutation(
        description="Count a view of an article (public, never cached). The same as "
        "`POST /views/{publicId}`, which a page can send with `navigator.sendBeacon`."
    )
    def record_view(
        self, info: Info, input: Annotated[RecordViewInput, INPUT]
    ) -> RecordViewPayload:
        views = info.context.views
        accepted = views is not None and views.record(
            input.public_id, info.context.client_address or "", info.context.user_agent
        )
        return RecordViewPayload(accepted=accepted, errors=[])

    @strawberry.mutation(
        description="Subscribe an address to the daily digest. A link to confirm is mailed; "
        "the subscription starts when it is clicked. Subscribing twice is harmless."
    )
    async def subscribe_newsletter(
        self, info: Info, input: Annotated[SubscribeNewsletterInput, INPUT]
    ) -> SubscribeNewsletterPayload:
        async with info.context.sessions() as session:
            try:
                await newsletter_service.subscribe(
                    session=session,
                    settings=info.context.settings,
                    email=input.email,
                    locale=input.locale,
                )
            except CmsError as error:
                return SubscribeNewsletterPayload(message=None, errors=[UserError.of(error)])
        return SubscribeNewsletterPayload(message=CHECK_INBOX, errors=[])

    @strawberry.mutation(
        description="Choose an article for the digest (main news of the day) of a day "
        "(editors). Without picks, the digest takes the day's featured and most read articles.",
        permission_classes=[EDITORS],
    )
    async def set_article_digest_pick(
        self, info: Info, input: Annotated[SetArticleDigestPickInput, INPUT]
    ) -> ArticlePayload:
        return await article_payload(
            info, lambda ec: digest_service.pick_for_digest(ec, input.id, input.day)
        )
