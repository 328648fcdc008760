"""Correcting live blogs (edit, pin, delete an entry) and deleting a live stream, for editors."""

from typing import Annotated, Any

import strawberry

from cms.errors import CmsError
from cms.services import live_blog_edits as edits_service
from cms.services import live_stream_removal
from cms.services.editorial import EditorialContext
from cms.services.html import BodyFormat as BodyFormatEntity
from schema.context import Info
from schema.enums import BodyFormat
from schema.live_blog import LiveBlogUpdate
from schema.mutations.live import INPUT, LiveBlogUpdatePayload
from schema.mutations.transaction import run_editorial
from schema.node_ids import row_id
from schema.permissions import EDITORS
from schema.user_errors import UserError


@strawberry.input(description="New text for a live-blog entry.")
class EditLiveBlogUpdateInput:
    id: strawberry.ID = strawberry.field(description="The entry's `id`.")
    body: str = strawberry.field(description="The entry, in `bodyFormat`; sanitised when saved.")
    body_format: BodyFormat = strawberry.field(
        default=BodyFormat.HTML, description="HTML (default) or MARKDOWN."
    )


@strawberry.input(description="Pin a live-blog entry above the running list, or unpin it.")
class PinLiveBlogUpdateInput:
    id: strawberry.ID = strawberry.field(description="The entry's `id`.")
    pinned: bool = strawberry.field(default=True, description="false to unpin.")


@strawberry.input(description="Which live-blog entry.")
class LiveBlogUpdateRefInput:
    id: strawberry.ID = strawberry.field(description="The entry's `id`.")


@strawberry.input(description="Which live stream.")
class LiveStreamRefInput:
    slug: str = strawberry.field(description="The stream's slug.")


@strawberry.type(description="The result of deleting a live-blog entry.")
class DeleteLiveBlogUpdatePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The deleted entry's `id`.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type(description="The result of deleting a live stream.")
class DeleteLiveStreamPayload:
    deleted: bool = strawberry.field(description="True when it was removed.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


def _entry_id(value: strawberry.ID) -> int:
    found = row_id(str(value))
    if found is None:
        raise CmsError(f"{str(value)!r} is not the id of a live-blog entry.", field="id")
    return found


def _entry_payload(result: Any) -> LiveBlogUpdatePayload:
    if isinstance(result, CmsError):
        return LiveBlogUpdatePayload(update=None, errors=[UserError.of(result)])
    return LiveBlogUpdatePayload(update=LiveBlogUpdate.from_entity(result), errors=[])


@strawberry.type
class LiveBlogEditMutations:
    @strawberry.mutation(
        description="Correct a live-blog entry's text; it keeps its place, shows `editedAt`, "
        "and `liveBlogUpdated` subscribers get it again.",
        permission_classes=[EDITORS],
    )
    async def edit_live_blog_update(
        self, info: Info, input: Annotated[EditLiveBlogUpdateInput, INPUT]
    ) -> LiveBlogUpdatePayload:
        body_format = BodyFormatEntity[input.body_format.name]

        async def change(ec: EditorialContext) -> Any:
            return await edits_service.edit_update(ec, _entry_id(input.id), input.body, body_format)

        return _entry_payload(await run_editorial(info, change))

    @strawberry.mutation(
        description="Pin a live-blog entry (or unpin it): pinned entries are listed in "
        "`liveUpdates { pinned }`; subscribers get the entry again.",
        permission_classes=[EDITORS],
    )
    async def pin_live_blog_update(
        self, info: Info, input: Annotated[PinLiveBlogUpdateInput, INPUT]
    ) -> LiveBlogUpdatePayload:
        async def change(ec: EditorialContext) -> Any:
            return await edits_service.pin_update(ec, _entry_id(input.id), input.pinned)

        return _entry_payload(await run_editorial(info, change))

    @strawberry.mutation(
        description="Delete a live-blog entry; `liveBlogUpdateDeleted` subscribers get its id.",
        permission_classes=[EDITORS],
    )
    async def delete_live_blog_update(
        self, info: Info, input: Annotated[LiveBlogUpdateRefInput, INPUT]
    ) -> DeleteLiveBlogUpdatePayload:
        async def remove(ec: EditorialContext) -> None:
            await edits_service.delete_update(ec, _entry_id(input.id))

        result = await run_editorial(info, remove)
        if isinstance(result, CmsError):
            return DeleteLiveBlogUpdatePayload(deleted_id=None, errors=[UserError.of(result)])
        return DeleteLiveBlogUpdatePayload(deleted_id=input.id, errors=[])

    @strawberry.mutation(
        description="Delete a live stream with its past programme. Refused while it is on "
        "air, while it is the primary channel, or while programmes on it are still to come.",
        permission_classes=[EDITORS],
    )
    async def delete_live_stream(
        self, info: Info, input: Annotated[LiveStreamRefInput, INPUT]
    ) -> DeleteLiveStreamPayload:
        result = await run_editorial(
            info, lambda ec: live_stream_removal.delete_stream(ec, input.slug)
        )
        if isinstance(result, CmsError):
            return DeleteLiveStreamPayload(deleted=False, errors=[UserError.of(result)])
        return DeleteLiveStreamPayload(deleted=True, errors=[])
