"""GraphQL enums mirroring the domain's, value for value, each value described for GraphiQL."""

from enum import Enum

import strawberry


@strawberry.enum(description="What a media item holds.")
class MediaKind(Enum):
    IMAGE = strawberry.enum_value("IMAGE", description="A picture: JPEG, PNG, WebP, GIF or AVIF.")
    VIDEO = strawberry.enum_value("VIDEO", description="A video file: MP4 or WebM.")
    AUDIO = strawberry.enum_value("AUDIO", description="A sound file: MP3 or AAC.")
    DOCUMENT = strawberry.enum_value("DOCUMENT", description="A document: PDF.")


@strawberry.enum(description="Where a live stream is in its life.")
class LiveStreamStatus(Enum):
    SCHEDULED = strawberry.enum_value("SCHEDULED", description="Announced, not yet on air.")
    LIVE = strawberry.enum_value("LIVE", description="On air now.")
    ENDED = strawberry.enum_value("ENDED", description="Was on air and has finished.")
    OFFLINE = strawberry.enum_value("OFFLINE", description="A channel that is not broadcasting.")
