"""Media items as frontends see them: a URL to the stored file and what a page needs to show it."""

import strawberry

from cms.models import Media as MediaEntity
from schema.context import Info
from schema.enums import MediaKind


@strawberry.type(description="A stored image, video, audio file or document.")
class Media:
    kind: MediaKind = strawberry.field(description="Image, video, audio or document.")
    mime_type: str = strawberry.field(description="MIME type, detected from the file's bytes.")
    width: int | None = strawberry.field(description="Width in pixels (images and video).")
    height: int | None = strawberry.field(description="Height in pixels (images and video).")
    alt: str = strawberry.field(description="Alternative text for readers who cannot see it.")
    caption: str = strawberry.field(description="Caption shown with the item.")
    credit: str = strawberry.field(description="Who made it: photographer, agency, illustrator.")
    dominant_color: str | None = strawberry.field(
        description="The image's dominant colour as `#rrggbb`, to paint while it loads."
    )
    storage_key: strawberry.Private[str]

    @strawberry.field(description="Absolute URL of the file; it never changes, cache it forever.")
    def url(self, info: Info) -> str:
        return info.context.settings.media_url_for(self.storage_key)

    @classmethod
    def from_entity(cls, media: MediaEntity) -> "Media":
        return cls(
            kind=MediaKind(media.kind.value),
            mime_type=media.mime_type,
            width=media.width,
            height=media.height,
            alt=media.alt,
            caption=media.caption,
            credit=media.credit,
            dominant_color=media.dominant_color,
            storage_key=media.storage_key,
        )


async def load_media(info: Info, media_id: int | None) -> Media | None:
    if media_id is None:
        return None
    info.context.shows(f"media:{media_id}")
    media = await info.context.loaders.media_by_id.load(media_id)
    return Media.from_entity(media) if media is not None else None
