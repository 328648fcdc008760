"""Bulk work on a list of articles: each article gets its own result; one failure undoes none."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import strawberry

from cms.errors import CmsError
from cms.services import bulk as bulk_service
from schema.article import Article
from schema.context import Info
from schema.mutations.articles import INPUT
from schema.permissions import EDITORS, PUBLISHERS, SIGNED_IN
from schema.user_errors import UserError

IDS = "The articles' `publicId`s, at most 100; each is done on its own."


@strawberry.input(description="The articles to act on.")
class BulkArticlesInput:
    ids: list[str] = strawberry.field(description=IDS)


@strawberry.input(description="The articles to schedule, and when.")
class BulkScheduleArticlesInput:
    ids: list[str] = strawberry.field(description=IDS)
    publish_at: datetime = strawberry.field(
        description="ISO-8601 with offset, at least 30 seconds ahead, e.g. "
        "2026-12-01T09:00:00+04:00."
    )


@strawberry.input(description="The articles to tag, and the tags to add.")
class BulkTagArticlesInput:
    ids: list[str] = strawberry.field(description=IDS)
    tags: list[str] = strawberry.field(
        description="Tag names (or slugs) to add after each article's own; new ones are created."
    )


@strawberry.type(description="What happened to one article of a bulk action.")
class BulkArticleResult:
    id: str = strawberry.field(description="The article's `publicId`, as given.")
    article: Article | None = strawberry.field(
        description="The article as saved; null when this one was not changed."
    )
    errors: list[UserError] = strawberry.field(
        description="Why this article was not changed (FORBIDDEN when your role may not act on "
        "it); empty on success."
    )


@strawberry.type(description="The result of a bulk action: one result per article.")
class BulkArticlesPayload:
    results: list[BulkArticleResult] = strawberry.field(
        description="One per distinct article given, in the order given."
    )
    succeeded: int = strawberry.field(description="How many articles were changed.")
    errors: list[UserError] = strawberry.field(
        description="What to fix in the request as a whole (the list, the time, the tags); "
        "when not empty, nothing was done."
    )


async def _run(
    info: Info, ids: list[str], action: Callable[[], bulk_service.Action]
) -> BulkArticlesPayload:
    context = info.context
    try:
        outcomes = await bulk_service.run_each(
            context.sessions, context.settings, context.viewer, ids, action()
        )
    except CmsError as error:
        return BulkArticlesPayload(results=[], succeeded=0, errors=[UserError.of(error)])
    results = [
        BulkArticleResult(
            id=outcome.public_id,
            article=Article.from_entity(outcome.article) if outcome.article else None,
            errors=[UserError.of(outcome.error)] if outcome.error else [],
        )
        for outcome in outcomes
    ]
    succeeded = sum(1 for outcome in outcomes if outcome.article is not None)
    return BulkArticlesPayload(results=results, succeeded=succeeded, errors=[])


@strawberry.type
class BulkMutations:
    @strawberry.mutation(
        description="Publish many articles now. Authors publish their own; editors any.",
        permission_classes=[PUBLISHERS],
    )
    async def bulk_publish_articles(
        self, info: Info, input: Annotated[BulkArticlesInput, INPUT]
    ) -> BulkArticlesPayload:
        return await _run(info, input.ids, lambda: bulk_service.publish)

    @strawberry.mutation(
        description="Archive many articles (editors).", permission_classes=[EDITORS]
    )
    async def bulk_archive_articles(
        self, info: Info, input: Annotated[BulkArticlesInput, INPUT]
    ) -> BulkArticlesPayload:
        return await _run(info, input.ids, lambda: bulk_service.archive)

    @strawberry.mutation(
        description="Schedule many articles for one time. Authors schedule their own; editors any.",
        permission_classes=[PUBLISHERS],
    )
    async def bulk_schedule_articles(
        self, info: Info, input: Annotated[BulkScheduleArticlesInput, INPUT]
    ) -> BulkArticlesPayload:
        return await _run(info, input.ids, lambda: bulk_service.schedule(input.publish_at))

    @strawberry.mutation(
        description="Add tags to many articles; each article needs the right to edit it.",
        permission_classes=[SIGNED_IN],
    )
    async def bulk_tag_articles(
        self, info: Info, input: Annotated[BulkTagArticlesInput, INPUT]
    ) -> BulkArticlesPayload:
        return await _run(info, input.ids, lambda: bulk_service.add_tags(input.tags))
