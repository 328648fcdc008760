"""Fixing a media item's alt text, caption, credit or focal point after upload."""

from typing import Annotated, Any

import strawberry
from strawberry import UNSET, relay

from cms.errors import CmsError
from cms.services.media.editing import update_details
from schema.context import Info
from schema.media import Media
from schema.mutations.media import INPUT, FocalPointInput, MediaPayload, media_id
from schema.permissions import SIGNED_IN
from schema.user_errors import UserError


@strawberry.input(description="What to change about a media item; omitted fields stay as they are.")
class UpdateMediaInput:
    id: relay.GlobalID = strawberry.field(description="The media item's `id`.")
    alt: str | None = strawberry.field(
        default=UNSET, description="Alternative text, up to 500 characters."
    )
    caption: str | None = strawberry.field(
        default=UNSET, description="Caption, up to 1000 characters."
    )
    credit: str | None = strawberry.field(
        default=UNSET, description="Photographer or agency, up to 300 characters."
    )
    focal_point: FocalPointInput | None = strawberry.field(
        default=UNSET,
        description="What crops keep; null puts it back in the centre. New crops follow within "
        "seconds; until then the current ones are served.",
    )


def _changes(input: UpdateMediaInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("alt", "caption", "credit"):
        value = getattr(input, name)
        if value is not UNSET:
            changes[name] = (value or "").strip()
    if input.focal_point is not UNSET:
        focal = input.focal_point
        changes["focal_x"] = focal.x if focal else 0.5
        changes["focal_y"] = focal.y if focal else 0.5
    return changes


@strawberry.type
class MediaDetailsMutations:
    @strawberry.mutation(
        description="Change a media item's alt text, caption, credit or focal point, with the "
        "limits of an upload. Editors change any item; others the items they uploaded. Every "
        "page showing the item shows the change.",
        permission_classes=[SIGNED_IN],
    )
    async def update_media(
        self, info: Info, input: Annotated[UpdateMediaInput, INPUT]
    ) -> MediaPayload:
        library = info.context.media_library
        try:
            media = await update_details(
                library, media_id(input.id), _changes(input), info.context.viewer
            )
        except CmsError as error:
            return MediaPayload(media=None, errors=[UserError.of(error)])
        return MediaPayload(media=Media.from_entity(media), errors=[])
