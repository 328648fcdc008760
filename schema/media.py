"""Media items as frontends see them: URLs of the file and its renditions, and how to show it.

Renditions exist in fixed widths and aspect ratios; `url(width:)` picks the nearest one that
exists, so no request makes the server resize at will. Until the background worker has made an
image's renditions (seconds after upload), every URL is the stored original.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from cms import cache_tags
from cms.models import Media as MediaEntity
from cms.services import media as media_service
from cms.settings import Settings
from schema.context import Info
from schema.enums import MediaKind
from schema.loaders import NowOrLater
from schema.node_ids import row_id
from schema.permissions import SIGNED_IN

if TYPE_CHECKING:
    from schema.article import Article


@strawberry.enum(description="The file format of an image rendition.")
class ImageFormat(Enum):
    ORIGINAL = strawberry.enum_value(
        "ORIGINAL", description="The image's own format (JPEG, PNG, GIF, WebP or AVIF)."
    )
    WEBP = strawberry.enum_value("WEBP", description="WebP: smaller, shown by every browser.")


@strawberry.enum(description="The shape of an image rendition; crops keep the focal point.")
class ImageAspect(Enum):
    ORIGINAL = strawberry.enum_value("ORIGINAL", description="Uncropped.")
    LANDSCAPE = strawberry.enum_value("LANDSCAPE", description="Cropped to 16:9.")
    SQUARE = strawberry.enum_value("SQUARE", description="Cropped to 1:1.")


ASPECT_VALUES = {
    ImageAspect.ORIGINAL: "original",
    ImageAspect.LANDSCAPE: "16x9",
    ImageAspect.SQUARE: "1x1",
}


@strawberry.type(description="The point of an image a crop must keep, as fractions from 0 to 1.")
class FocalPoint:
    x: float = strawberry.field(description="From the left edge: 0 is left, 1 is right.")
    y: float = strawberry.field(description="From the top edge: 0 is top, 1 is bottom.")


@strawberry.type(description="One stored size of an image.")
class ImageRendition:
    url: str = strawberry.field(description="Absolute URL; it never changes, cache it forever.")
    width: int = strawberry.field(description="Width in pixels.")
    height: int = strawberry.field(description="Height in pixels.")
    format: str = strawberry.field(description="File extension: webp, jpg, png, gif or avif.")
    aspect: ImageAspect = strawberry.field(description="Uncropped, 16:9 or 1:1.")
    bytes: int = strawberry.field(description="File size in bytes.")


@dataclass(frozen=True, slots=True)
class _Choice:
    key: str
    width: int


def _choices(
    storage_key: str,
    own_width: int | None,
    rows: list[dict[str, Any]],
    image_format: ImageFormat,
    aspect: ImageAspect,
) -> list[_Choice]:
    own = storage_key.rsplit(".", 1)[-1]
    wanted = "webp" if image_format is ImageFormat.WEBP else own
    found = [
        _Choice(row["key"], row["width"])
        for row in rows
        if row["format"] == wanted and row["aspect"] == ASPECT_VALUES[aspect]
    ]
    if not found:
        return [_Choice(storage_key, own_width or 0)]
    return sorted(found, key=lambda choice: choice.width)


def media_url(
    settings: Settings,
    storage_key: str,
    own_width: int | None,
    rows: list[dict[str, Any]],
    width: int | None,
    image_format: ImageFormat,
    aspect: ImageAspect,
) -> str:
    """The URL of `Media.url`; a function of the stored row, which the compiled path calls too."""
    choices = _choices(storage_key, own_width, rows, image_format, aspect)
    if width is None:
        chosen = choices[-1]
    else:
        chosen = next((c for c in choices if c.width >= width), choices[-1])
    return settings.media_url_for(chosen.key)


def media_srcset(
    settings: Settings,
    storage_key: str,
    own_width: int | None,
    rows: list[dict[str, Any]],
    image_format: ImageFormat,
    aspect: ImageAspect,
) -> str:
    """The text of `Media.srcset`."""
    return ", ".join(
        f"{settings.media_url_for(c.key)} {c.width}w"
        for c in _choices(storage_key, own_width, rows, image_format, aspect)
    )


def renditions_of(settings: Settings, rows: list[dict[str, Any]]) -> list[ImageRendition]:
    """The list of `Media.renditions`, smallest first."""
    by_value = {value: aspect for aspect, value in ASPECT_VALUES.items()}
    ordered = sorted(rows, key=lambda r: (r["aspect"], r["format"], r["width"]))
    return [
        ImageRendition(
            url=settings.media_url_for(row["key"]),
            width=row["width"],
            height=row["height"],
            format=row["format"],
            aspect=by_value[row["aspect"]],
            bytes=row["bytes"],
        )
        for row in ordered
    ]


FormatArgument = Annotated[
    ImageFormat, strawberry.argument(description="WEBP, or ORIGINAL for the image's own format.")
]
AspectArgument = Annotated[
    ImageAspect, strawberry.argument(description="Uncropped, or a crop around the focal point.")
]


@strawberry.type(description="A stored image, video, audio file or document.")
class Media(relay.Node):
    node_id: relay.NodeID[int]
    kind: MediaKind = strawberry.field(description="Image, video, audio or document.")
    mime_type: str = strawberry.field(description="MIME type, detected from the file's bytes.")
    size: int = strawberry.field(description="Size of the stored file in bytes.")
    width: int | None = strawberry.field(description="Width in pixels (images and video).")
    height: int | None = strawberry.field(description="Height in pixels (images and video).")
    duration_seconds: float | None = strawberry.field(description="Length of video and audio.")
    alt: str = strawberry.field(description="Alternative text for readers who cannot see it.")
    caption: str = strawberry.field(description="Caption shown with the item.")
    credit: str = strawberry.field(description="Who made it: photographer, agency, illustrator.")
    dominant_color: str | None = strawberry.field(
        description="The image's dominant colour as `#rrggbb`, to paint while it loads."
    )
    placeholder: str | None = strawberry.field(
        description="A BlurHash (about 30 characters) to draw a blurred preview while it loads."
    )
    focal_point: FocalPoint = strawberry.field(
        description="The point crops keep; also where to anchor `object-position`."
    )
    original_filename: str | None = strawberry.field(description="The name it was uploaded with.")
    source_url: str | None = strawberry.field(description="Where it was imported from.")
    created_at: datetime = strawberry.field(description="When it was added, in UTC.")
    storage_key: strawberry.Private[str]
    rendition_rows: strawberry.Private[list[dict[str, Any]]]

    @classmethod
    def from_entity(cls, media: MediaEntity) -> "Media":
        assert media.id is not None
        return cls(
            node_id=media.id,
            kind=MediaKind(media.kind.value),
            mime_type=media.mime_type,
            size=media.size_bytes,
            width=media.width,
            height=media.height,
            duration_seconds=media.duration_seconds,
            alt=media.alt,
            caption=media.caption,
            credit=media.credit,
            dominant_color=media.dominant_color,
            placeholder=media.placeholder,
            focal_point=FocalPoint(x=media.focal_x, y=media.focal_y),
            original_filename=media.original_filename,
            source_url=media.source_url,
            created_at=media.created_at,
            storage_key=media.storage_key,
            rendition_rows=media.renditions,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: list[str], required: bool = False
    ) -> list["Media | None"]:
        ids = [row_id(i) or -1 for i in node_ids]
        found = await info.context.loaders.media_by_id.load_many(ids)
        return [cls.from_entity(m) if m is not None else None for m in found]

    @strawberry.field(
        description="URL of the rendition nearest to `width` (the smallest at least that wide, "
        "else the largest); the original file without `width`. Never changes: cache it forever."
    )
    def url(
        self,
        info: Info,
        width: Annotated[
            int | None, strawberry.argument(description="The width the page needs, in pixels.")
        ] = None,
        format: FormatArgument = ImageFormat.ORIGINAL,
        aspect: AspectArgument = ImageAspect.ORIGINAL,
    ) -> str:
        return media_url(
            info.context.settings,
            self.storage_key,
            self.width,
            self.rendition_rows,
            width,
            format,
            aspect,
        )

    @strawberry.field(
        description="Every width of one format and shape as an HTML `srcset` "
        '("url 320w, url 640w, …"), for `<img srcset>` or `<source srcset>`.'
    )
    def srcset(
        self,
        info: Info,
        format: FormatArgument = ImageFormat.WEBP,
        aspect: AspectArgument = ImageAspect.ORIGINAL,
    ) -> str:
        return media_srcset(
            info.context.settings, self.storage_key, self.width, self.rendition_rows, format, aspect
        )

    @strawberry.field(description="Every stored rendition, smallest first; empty until ready.")
    def renditions(self, info: Info) -> list[ImageRendition]:
        return renditions_of(info.context.settings, self.rendition_rows)

    @strawberry.field(
        description="The articles (drafts too, those you may see) and live streams that show this "
        "item (staff).",
        permission_classes=[SIGNED_IN],
    )
    async def usages(self, info: Info) -> "MediaUsages":
        found = await info.context.loaders.usages_by_media.load((self.node_id, self.storage_key))
        return MediaUsages.of(found)


@strawberry.type(description="Where a media item is used.")
class MediaUsages:
    articles: list[Annotated["Article", strawberry.lazy("schema.article")]] = strawberry.field(
        description="Articles with it as cover or in the body, most recently changed first."
    )
    live_stream_titles: list[str] = strawberry.field(
        description="Titles of the live streams showing it as their poster."
    )

    @classmethod
    def of(cls, usages: media_service.Usages) -> "MediaUsages":
        from schema.article import Article

        return cls(
            articles=[Article.from_entity(a) for a in usages.articles],
            live_stream_titles=[s.title for s in usages.streams],
        )


def show_media(info: Info, media_id: int | None) -> NowOrLater[Media | None]:
    """The media item for a field: at once when it was read with its article (a list's
    covers then cost no task each), else an awaitable through the batching loader."""
    if media_id is None:
        return None
    info.context.shows(cache_tags.media(media_id))
    seen = info.context.loaders.seen_cover(media_id)
    if seen is not None:
        return Media.from_entity(seen)
    return _load_media(info, media_id)


async def _load_media(info: Info, media_id: int) -> Media | None:
    media = await info.context.loaders.media_by_id.load(media_id)
    return Media.from_entity(media) if media is not None else None
