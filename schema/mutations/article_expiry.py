"""Setting when an article leaves the site: an embargo's end, an expiring notice."""

from datetime import datetime
from typing import Annotated

import strawberry

from cms.services import expiry as expiry_service
from schema.context import Info
from schema.mutations.articles import INPUT, ArticlePayload, article_payload
from schema.permissions import PUBLISHERS


@strawberry.input(description="When an article leaves the site.")
class SetArticleExpiryInput:
    id: str = strawberry.field(description="The article's `publicId`.")
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="ISO-8601 with offset, at least 30 seconds ahead, after any scheduled "
        "publication; null (or omitted) to keep the article on the site.",
    )


@strawberry.type
class ArticleExpiryMutations:
    @strawberry.mutation(
        description="Set when a published (or yet to be published) article leaves the site: "
        "at that time the scheduler archives it. Whoever may unpublish the article may set it.",
        permission_classes=[PUBLISHERS],
    )
    async def set_article_expiry(
        self, info: Info, input: Annotated[SetArticleExpiryInput, INPUT]
    ) -> ArticlePayload:
        return await article_payload(
            info, lambda ec: expiry_service.set_expiry(ec, input.id, input.expires_at)
        )
