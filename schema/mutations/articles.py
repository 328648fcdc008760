"""Article mutations for editors: write, review, schedule, publish, and restore."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import UNSET, relay

from cms.errors import CmsError
from cms.models import Article as ArticleEntity
from cms.services import preview as preview_service
from cms.services import workflow as workflow_service
from cms.services import writing as writing_service
from cms.services.editorial import EditorialContext
from cms.services.lifecycle import Transition
from schema.article import Article
from schema.context import Info
from schema.enums import BodyFormat
from schema.mutations.article_inputs import (
    ArticleRefInput,
    CreateArticleInput,
    RestoreRevisionInput,
    ScheduleArticleInput,
    SetBreakingInput,
    SetFeaturedInput,
    UpdateArticleInput,
)
from schema.mutations.media import media_id
from schema.permissions import EDITORS, PUBLISHERS, SIGNED_IN
from schema.user_errors import UserError

INPUT = strawberry.argument(description="What to do; see the input type's fields.")


@strawberry.type(description="The result of an article mutation.")
class ArticlePayload:
    article: Article | None = strawberry.field(
        description="The article as saved; null when nothing was saved."
    )
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type(description="The result of deleting an article.")
class DeleteArticlePayload:
    deleted_id: str | None = strawberry.field(description="The deleted article's `publicId`.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type(description="A preview link for one unpublished article.")
class PreviewPayload:
    token: str | None = strawberry.field(
        description="Pass as `previewToken` with the article's `publicId` to `article`."
    )
    expires_at: datetime | None = strawberry.field(description="When the token stops working.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


def _given(data: object, *skip: str) -> dict[str, Any]:
    """The input fields the caller actually sent, by their Python names; a cover's global id
    becomes the media item's number."""
    values = {k: v for k, v in vars(data).items() if v is not UNSET and k not in skip}
    if isinstance(values.get("body_format"), BodyFormat):
        values["body_format"] = values["body_format"].value
    if isinstance(values.get("cover"), relay.GlobalID):
        values["cover"] = media_id(values["cover"], field="cover")
    return values


async def article_payload(
    info: Info, action: Callable[[EditorialContext], Awaitable[ArticleEntity]]
) -> ArticlePayload:
    """Run one editorial action in its own transaction; domain errors become `errors`."""
    async with info.context.sessions() as session:
        ec = EditorialContext(session, info.context.settings, info.context.viewer)
        try:
            article = await action(ec)
        except CmsError as error:
            return ArticlePayload(article=None, errors=[UserError.of(error)])
    return ArticlePayload(article=Article.from_entity(article), errors=[])


def _step(step: Transition) -> Callable[[Info, ArticleRefInput], Awaitable[ArticlePayload]]:
    async def resolve(info: Info, input: Annotated[ArticleRefInput, INPUT]) -> ArticlePayload:
        return await article_payload(
            info, lambda ec: workflow_service.transition(ec, input.id, step)
        )

    return resolve


@strawberry.type
class ArticleMutations:
    @strawberry.mutation(
        description="Write a new article; it starts as a DRAFT with you as author.",
        permission_classes=[SIGNED_IN],
    )
    async def create_article(
        self, info: Info, input: Annotated[CreateArticleInput, INPUT]
    ) -> ArticlePayload:
        return await article_payload(
            info, lambda ec: writing_service.create_article(ec, _given(input))
        )

    @strawberry.mutation(
        description="Change an article. Send the `version` you read: if someone saved in the "
        "meantime, nothing is changed and you get a CONFLICT error naming who.",
        permission_classes=[SIGNED_IN],
    )
    async def update_article(
        self, info: Info, input: Annotated[UpdateArticleInput, INPUT]
    ) -> ArticlePayload:
        return await article_payload(
            info,
            lambda ec: writing_service.update_article(
                ec, input.id, input.version, _given(input, "id", "version")
            ),
        )

    submit_article_for_review = strawberry.mutation(
        _step(Transition.SUBMIT),
        description="Send a DRAFT to the editors (status IN_REVIEW).",
        permission_classes=[SIGNED_IN],
    )
    publish_article = strawberry.mutation(
        _step(Transition.PUBLISH),
        description="Publish now. Authors publish their own articles; editors any.",
        permission_classes=[PUBLISHERS],
    )
    unpublish_article = strawberry.mutation(
        _step(Transition.UNPUBLISH),
        description="Back to DRAFT: off the site, out of review or off the schedule.",
        permission_classes=[PUBLISHERS],
    )
    archive_article = strawberry.mutation(
        _step(Transition.ARCHIVE),
        description="Take an article off the site and keep it on file (ARCHIVED).",
        permission_classes=[EDITORS],
    )

    @strawberry.mutation(
        description="Publish automatically at `publishAt` (status SCHEDULED). The scheduler "
        "publishes within seconds of that time.",
        permission_classes=[PUBLISHERS],
    )
    async def schedule_article(
        self, info: Info, input: Annotated[ScheduleArticleInput, INPUT]
    ) -> ArticlePayload:
        return await article_payload(
            info,
            lambda ec: workflow_service.transition(
                ec, input.id, Transition.SCHEDULE, scheduled_at=input.publish_at
            ),
        )

    @strawberry.mutation(
        description="Bring back the content of an earlier revision; saved as a new revision.",
        permission_classes=[SIGNED_IN],
    )
    async def restore_article_revision(
        self, info: Info, input: Annotated[RestoreRevisionInput, INPUT]
    ) -> ArticlePayload:
        return await article_payload(
            info, lambda ec: writing_service.restore_revision(ec, input.id, input.version)
        )

    @strawberry.mutation(
        description="Feature an article at the top of the site, or stop featuring it.",
        permission_classes=[EDITORS],
    )
    async def set_article_featured(
        self, info: Info, input: Annotated[SetFeaturedInput, INPUT]
    ) -> ArticlePayload:
        return await article_payload(
            info, lambda ec: workflow_service.set_flags(ec, input.id, featured=input.featured)
        )

    @strawberry.mutation(
        description="Mark an article as breaking news until a time, or clear the mark.",
        permission_classes=[EDITORS],
    )
    async def set_article_breaking(
        self, info: Info, input: Annotated[SetBreakingInput, INPUT]
    ) -> ArticlePayload:
        return await article_payload(
            info,
            lambda ec: workflow_service.set_flags(
                ec, input.id, breaking=input.breaking, breaking_until=input.until
            ),
        )

    @strawberry.mutation(
        description="Delete an article and its revisions for good. Prefer archiveArticle.",
        permission_classes=[EDITORS],
    )
    async def delete_article(
        self, info: Info, input: Annotated[ArticleRefInput, INPUT]
    ) -> DeleteArticlePayload:
        async with info.context.sessions() as session:
            ec = EditorialContext(session, info.context.settings, info.context.viewer)
            try:
                await workflow_service.delete_article(ec, input.id)
            except CmsError as error:
                return DeleteArticlePayload(deleted_id=None, errors=[UserError.of(error)])
        return DeleteArticlePayload(deleted_id=input.id, errors=[])

    @strawberry.mutation(
        description="A short-lived token that lets a frontend show this one unpublished "
        "article through the public `article` query.",
        permission_classes=[SIGNED_IN],
    )
    async def create_preview_token(
        self,
        info: Info,
        input: Annotated[ArticleRefInput, INPUT],
    ) -> PreviewPayload:
        async with info.context.sessions() as session:
            ec = EditorialContext(session, info.context.settings, info.context.viewer)
            try:
                token, expires_at = await preview_service.mint(ec, input.id)
            except CmsError as error:
                return PreviewPayload(token=None, expires_at=None, errors=[UserError.of(error)])
        return PreviewPayload(token=token, expires_at=expires_at, errors=[])
