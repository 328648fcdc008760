"""TV Live for editors: channels and broadcasts, their programme, and live-blog entries."""

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import UNSET, relay

from cms.errors import CmsError
from cms.models import LiveStreamStatus as LiveStreamStatusEntity
from cms.services import live as live_service
from cms.services import live_blog as live_blog_service
from cms.services import programme as programme_service
from cms.services.editorial import EditorialContext
from cms.services.html import BodyFormat as BodyFormatEntity
from schema.article import Article
from schema.context import Info
from schema.enums import BodyFormat, LiveStreamStatus
from schema.live import LiveStream, ProgrammeSlot
from schema.live_blog import LiveBlogUpdate
from schema.mutations.articles import ArticlePayload
from schema.mutations.transaction import run_editorial
from schema.node_ids import row_id
from schema.permissions import EDITORS
from schema.user_errors import UserError

INPUT = strawberry.argument(description="What to do; see the input type's fields.")


@strawberry.input(description="A new channel or broadcast.")
class CreateLiveStreamInput:
    title: str = strawberry.field(description="Title, up to 300 characters.")
    slug: str | None = strawberry.field(
        default=None, description="URL slug; made from the title when omitted."
    )
    description: str | None = strawberry.field(default=None, description="What viewers see.")
    playback_url: str | None = strawberry.field(
        default=None,
        description="https URL of the HLS manifest (`.m3u8`) or of an allowed provider.",
    )
    poster_id: strawberry.ID | None = strawberry.field(
        default=None, description="Id of an image to show before playback; null for none."
    )
    scheduled_start: datetime | None = strawberry.field(
        default=None, description="Announced start, with offset; the stream starts SCHEDULED."
    )
    is_primary: bool = strawberry.field(
        default=False,
        description="Make it the TV Live channel (the first stream always becomes it).",
    )
    position: int | None = strawberry.field(default=None, description="Order in `liveStreams`.")


@strawberry.input(description="Changes to a stream; fields left out stay as they are.")
class UpdateLiveStreamInput:
    slug: str = strawberry.field(description="The stream's current slug.")
    new_slug: str | None = strawberry.field(default=UNSET, description="A new URL slug.")
    title: str | None = strawberry.field(default=UNSET, description="Title.")
    description: str | None = strawberry.field(default=UNSET, description="What viewers see.")
    playback_url: str | None = strawberry.field(
        default=UNSET, description="https HLS manifest or allowed provider URL; null removes it."
    )
    poster_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Id of the poster image; null removes it."
    )
    scheduled_start: datetime | None = strawberry.field(
        default=UNSET, description="Announced start, with offset."
    )
    is_primary: bool | None = strawberry.field(
        default=UNSET,
        description="true makes it the TV Live channel and unsets the previous one.",
    )
    position: int | None = strawberry.field(default=UNSET, description="Order in `liveStreams`.")


@strawberry.input(description="Move a stream to another status.")
class SetLiveStreamStatusInput:
    slug: str = strawberry.field(description="The stream's slug.")
    status: LiveStreamStatus = strawberry.field(
        description="SCHEDULED to LIVE or OFFLINE; LIVE to ENDED or OFFLINE; OFFLINE to "
        "SCHEDULED or LIVE; ENDED to SCHEDULED or OFFLINE."
    )


@strawberry.type(description="The result of a live stream mutation.")
class LiveStreamPayload:
    live_stream: LiveStream | None = strawberry.field(description="The stream as saved.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.input(description="A programme on a channel's schedule.")
class AddProgrammeSlotInput:
    channel: str = strawberry.field(description="The channel's slug.")
    title: str = strawberry.field(description="Programme title.")
    description: str | None = strawberry.field(default=None, description="What it is about.")
    starts_at: datetime = strawberry.field(description="Start, ISO-8601 with offset.")
    ends_at: datetime = strawberry.field(description="End, after the start, with offset.")


@strawberry.input(description="Changes to a programme; fields left out stay as they are.")
class UpdateProgrammeSlotInput:
    id: strawberry.ID = strawberry.field(description="The slot's `id`.")
    title: str | None = strawberry.field(default=UNSET, description="Programme title.")
    description: str | None = strawberry.field(default=UNSET, description="What it is about.")
    starts_at: datetime | None = strawberry.field(default=UNSET, description="Start.")
    ends_at: datetime | None = strawberry.field(default=UNSET, description="End.")


@strawberry.input(description="Which programme slot.")
class ProgrammeSlotRefInput:
    id: strawberry.ID = strawberry.field(description="The slot's `id`.")


@strawberry.type(description="The result of a programme mutation.")
class ProgrammeSlotPayload:
    slot: ProgrammeSlot | None = strawberry.field(description="The slot as saved.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type(description="The result of removing a programme.")
class DeleteProgrammeSlotPayload:
    deleted: bool = strawberry.field(description="True when it was removed.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.input(description="Make an article a live blog, or stop.")
class SetArticleLiveBlogInput:
    id: str = strawberry.field(description="The article's `publicId`.")
    live_blog: bool = strawberry.field(description="true to make it a live blog.")


@strawberry.input(description="A new entry at the top of a live blog.")
class AddLiveBlogUpdateInput:
    article: str = strawberry.field(description="The live blog's `publicId`.")
    body: str = strawberry.field(description="The entry, in `bodyFormat`; sanitised when saved.")
    body_format: BodyFormat = strawberry.field(
        default=BodyFormat.HTML, description="HTML (default) or MARKDOWN."
    )


@strawberry.type(description="The result of posting a live-blog entry.")
class LiveBlogUpdatePayload:
    update: LiveBlogUpdate | None = strawberry.field(description="The entry as saved.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


def _local_id(value: Any, type_name: str, field: str) -> int:
    """A database id from a plain number or a global `id` of `type_name`."""
    raw = str(value)
    found = row_id(raw)
    if found is None:
        try:
            global_id = relay.GlobalID.from_id(raw)
        except relay.GlobalIDValueError:
            global_id = None
        if global_id is not None and global_id.type_name == type_name:
            found = row_id(global_id.node_id)
    if found is None:
        raise CmsError(f"{raw!r} is not the id of a {type_name}.", field=field)
    return found


def _stream_values(data: object) -> dict[str, Any]:
    values = {k: v for k, v in vars(data).items() if v is not UNSET}
    if values.get("poster_id") is not None:
        values["poster_id"] = _local_id(values["poster_id"], "Media", "poster_id")
    return values


def _stream_payload(result: Any) -> LiveStreamPayload:
    if isinstance(result, CmsError):
        return LiveStreamPayload(live_stream=None, errors=[UserError.of(result)])
    return LiveStreamPayload(live_stream=LiveStream.from_entity(result), errors=[])


def _slot_payload(result: Any) -> ProgrammeSlotPayload:
    if isinstance(result, CmsError):
        return ProgrammeSlotPayload(slot=None, errors=[UserError.of(result)])
    return ProgrammeSlotPayload(slot=ProgrammeSlot.from_entity(result), errors=[])


@strawberry.type
class LiveMutations:
    @strawberry.mutation(
        description="Add a channel or broadcast. It starts SCHEDULED when it has a "
        "`scheduledStart`, otherwise OFFLINE.",
        permission_classes=[EDITORS],
    )
    async def create_live_stream(
        self, info: Info, input: Annotated[CreateLiveStreamInput, INPUT]
    ) -> LiveStreamPayload:
        async def create(ec: EditorialContext) -> Any:
            return await live_service.create_stream(ec, _stream_values(input))

        return _stream_payload(await run_editorial(info, create))

    @strawberry.mutation(
        description="Change a stream's title, description, playback URL, poster, start, or "
        "make it the primary TV Live channel.",
        permission_classes=[EDITORS],
    )
    async def update_live_stream(
        self, info: Info, input: Annotated[UpdateLiveStreamInput, INPUT]
    ) -> LiveStreamPayload:
        async def change(ec: EditorialContext) -> Any:
            values = {k: v for k, v in _stream_values(input).items() if k != "slug"}
            return await live_service.update_stream(ec, input.slug, values)

        return _stream_payload(await run_editorial(info, change))

    @strawberry.mutation(
        description="Put a stream on air (LIVE), end it, take it off air or announce it; "
        "subscribers of `liveStreamChanged` hear at once.",
        permission_classes=[EDITORS],
    )
    async def set_live_stream_status(
        self, info: Info, input: Annotated[SetLiveStreamStatusInput, INPUT]
    ) -> LiveStreamPayload:
        target = LiveStreamStatusEntity[input.status.name]
        return _stream_payload(
            await run_editorial(info, lambda ec: live_service.set_status(ec, input.slug, target))
        )

    @strawberry.mutation(
        description="Add a programme to a channel's schedule; refused when it overlaps another.",
        permission_classes=[EDITORS],
    )
    async def add_programme_slot(
        self, info: Info, input: Annotated[AddProgrammeSlotInput, INPUT]
    ) -> ProgrammeSlotPayload:
        values = {k: v for k, v in vars(input).items() if k != "channel"}
        return _slot_payload(
            await run_editorial(
                info, lambda ec: programme_service.add_slot(ec, input.channel, values)
            )
        )

    @strawberry.mutation(
        description="Retitle, describe or move a programme; refused when it would overlap.",
        permission_classes=[EDITORS],
    )
    async def update_programme_slot(
        self, info: Info, input: Annotated[UpdateProgrammeSlotInput, INPUT]
    ) -> ProgrammeSlotPayload:
        async def change(ec: EditorialContext) -> Any:
            values = {k: v for k, v in vars(input).items() if v is not UNSET and k != "id"}
            slot_id = _local_id(input.id, "ProgrammeSlot", "id")
            return await programme_service.update_slot(ec, slot_id, values)

        return _slot_payload(await run_editorial(info, change))

    @strawberry.mutation(
        description="Remove a programme from the schedule.", permission_classes=[EDITORS]
    )
    async def delete_programme_slot(
        self, info: Info, input: Annotated[ProgrammeSlotRefInput, INPUT]
    ) -> DeleteProgrammeSlotPayload:
        async def remove(ec: EditorialContext) -> None:
            await programme_service.delete_slot(ec, _local_id(input.id, "ProgrammeSlot", "id"))

        result = await run_editorial(info, remove)
        if isinstance(result, CmsError):
            return DeleteProgrammeSlotPayload(deleted=False, errors=[UserError.of(result)])
        return DeleteProgrammeSlotPayload(deleted=True, errors=[])

    @strawberry.mutation(
        description="Make an article a live blog (or stop), so entries can be added to it.",
        permission_classes=[EDITORS],
    )
    async def set_article_live_blog(
        self, info: Info, input: Annotated[SetArticleLiveBlogInput, INPUT]
    ) -> ArticlePayload:
        result = await run_editorial(
            info, lambda ec: live_blog_service.set_live_blog(ec, input.id, input.live_blog)
        )
        if isinstance(result, CmsError):
            return ArticlePayload(article=None, errors=[UserError.of(result)])
        return ArticlePayload(article=Article.from_entity(result), errors=[])

    @strawberry.mutation(
        description="Post a new entry at the top of a live blog; readers subscribed with "
        "`liveBlogUpdated` get it at once when the article is published.",
        permission_classes=[EDITORS],
    )
    async def add_live_blog_update(
        self, info: Info, input: Annotated[AddLiveBlogUpdateInput, INPUT]
    ) -> LiveBlogUpdatePayload:
        body_format = BodyFormatEntity[input.body_format.name]
        result = await run_editorial(
            info,
            lambda ec: live_blog_service.add_update(ec, input.article, input.body, body_format),
        )
        if isinstance(result, CmsError):
            return LiveBlogUpdatePayload(update=None, errors=[UserError.of(result)])
        return LiveBlogUpdatePayload(update=LiveBlogUpdate.from_entity(result), errors=[])
