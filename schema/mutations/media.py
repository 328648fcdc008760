"""Media mutations: upload a file (GraphQL multipart request), import from a URL, delete."""

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload

from cms.errors import CmsError
from cms.models import Media as MediaEntity
from cms.services.media.library import InUse, MediaDetails
from schema.context import Info
from schema.media import Media, MediaUsages
from schema.node_ids import row_id
from schema.permissions import EDITORS, SIGNED_IN
from schema.user_errors import UserError

INPUT = strawberry.argument(description="What to do; see the input type's fields.")


@strawberry.input(description="The point of an image that crops must keep.")
class FocalPointInput:
    x: float = strawberry.field(description="0 (left edge) to 1 (right edge).")
    y: float = strawberry.field(description="0 (top edge) to 1 (bottom edge).")


@strawberry.input(description="A file to add to the media library, with what to say about it.")
class UploadMediaInput:
    file: Upload = strawberry.field(
        description="The file, sent as a GraphQL multipart request; its type is read from its "
        "bytes: JPEG, PNG, WebP, GIF, AVIF, MP4, WebM, MP3, AAC or PDF."
    )
    alt: str = strawberry.field(default="", description="Alternative text, up to 500 characters.")
    caption: str = strawberry.field(default="", description="Caption, up to 1000 characters.")
    credit: str = strawberry.field(default="", description="Photographer or agency.")
    focal_point: FocalPointInput | None = strawberry.field(
        default=None, description="What crops keep; the centre when omitted."
    )


@strawberry.input(description="A picture to download from an agency's URL.")
class ImportMediaInput:
    url: str = strawberry.field(description="A public http(s) address of the file.")
    alt: str = strawberry.field(default="", description="Alternative text, up to 500 characters.")
    caption: str = strawberry.field(default="", description="Caption, up to 1000 characters.")
    credit: str = strawberry.field(default="", description="Photographer or agency.")
    focal_point: FocalPointInput | None = strawberry.field(
        default=None, description="What crops keep; the centre when omitted."
    )


@strawberry.input(description="Which media item.")
class MediaRefInput:
    id: relay.GlobalID = strawberry.field(description="The media item's `id`.")


@strawberry.type(description="The result of adding a media item.")
class MediaPayload:
    media: Media | None = strawberry.field(
        description="The item; an identical file sent before returns that same item."
    )
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type(description="The result of deleting a media item.")
class DeleteMediaPayload:
    deleted_id: relay.GlobalID | None = strawberry.field(description="The deleted item's `id`.")
    usages: MediaUsages | None = strawberry.field(
        description="When refused because the item is in use: where it is used."
    )
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


def _details(input: UploadMediaInput | ImportMediaInput) -> MediaDetails:
    focal = input.focal_point
    return MediaDetails(
        alt=input.alt.strip(),
        caption=input.caption.strip(),
        credit=input.credit.strip(),
        focal_x=focal.x if focal else 0.5,
        focal_y=focal.y if focal else 0.5,
    )


async def _payload(action: Callable[[], Awaitable[MediaEntity]]) -> MediaPayload:
    try:
        media = await action()
    except CmsError as error:
        return MediaPayload(media=None, errors=[UserError.of(error)])
    return MediaPayload(media=Media.from_entity(media), errors=[])


async def _read(file: object, limit: int) -> bytes:
    """At most `limit` + 1 bytes, so a file over the limit is refused without reading it all."""
    read = getattr(file, "read", None)
    if read is None:
        raise CmsError("Send the file as a part of a multipart request.", field="file")
    data = await read(limit + 1)
    if not isinstance(data, bytes):
        raise CmsError("Send the file as a part of a multipart request.", field="file")
    return data


@strawberry.type
class MediaMutations:
    @strawberry.mutation(
        description="Add a file to the media library (GraphQL multipart request). Images are "
        "turned upright and stripped of metadata (GPS included); renditions follow in seconds.",
        permission_classes=[SIGNED_IN],
    )
    async def upload_media(
        self, info: Info, input: Annotated[UploadMediaInput, INPUT]
    ) -> MediaPayload:
        library = info.context.media_library

        async def upload() -> MediaEntity:
            data = await _read(input.file, info.context.settings.media_max_bytes)
            details = _details(input)
            name = getattr(input.file, "filename", None)
            if isinstance(name, str):
                details = replace(details, filename=name)
            return await library.add(data, details, info.context.viewer)

        return await _payload(upload)

    @strawberry.mutation(
        description="Download a picture from a public http(s) URL (an agency's) into the media "
        "library; private and internal addresses are refused.",
        permission_classes=[SIGNED_IN],
    )
    async def import_media(
        self, info: Info, input: Annotated[ImportMediaInput, INPUT]
    ) -> MediaPayload:
        library = info.context.media_library
        return await _payload(
            lambda: library.import_url(input.url, _details(input), info.context.viewer)
        )

    @strawberry.mutation(
        description="Delete a media item and its files. Refused, with the list of usages, while "
        "an article or a live stream shows it.",
        permission_classes=[EDITORS],
    )
    async def delete_media(
        self, info: Info, input: Annotated[MediaRefInput, INPUT]
    ) -> DeleteMediaPayload:
        library = info.context.media_library
        try:
            await library.delete(media_id(input.id), info.context.viewer)
        except InUse as error:
            return DeleteMediaPayload(
                deleted_id=None, usages=MediaUsages.of(error.usages), errors=[UserError.of(error)]
            )
        except CmsError as error:
            return DeleteMediaPayload(deleted_id=None, usages=None, errors=[UserError.of(error)])
        return DeleteMediaPayload(deleted_id=input.id, usages=None, errors=[])


def media_id(global_id: relay.GlobalID, field: str = "id") -> int:
    """The database id in a media item's global id; a user error for any other id."""
    found = row_id(global_id.node_id) if global_id.type_name == "Media" else None
    if found is None:
        raise CmsError("This is not the `id` of a media item.", field=field)
    return found
