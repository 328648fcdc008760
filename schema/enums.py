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


@strawberry.enum(description="Where an article is in its life; only PUBLISHED is public.")
class ArticleStatus(Enum):
    DRAFT = strawberry.enum_value("DRAFT", description="Being written; only staff see it.")
    IN_REVIEW = strawberry.enum_value("IN_REVIEW", description="Sent to editors for review.")
    SCHEDULED = strawberry.enum_value(
        "SCHEDULED", description="Will be published at `scheduledAt`."
    )
    PUBLISHED = strawberry.enum_value("PUBLISHED", description="Live on the site.")
    ARCHIVED = strawberry.enum_value("ARCHIVED", description="Taken off the site, kept on file.")


@strawberry.enum(description="A staff member's role, which decides what they may do.")
class Role(Enum):
    ADMIN = strawberry.enum_value("ADMIN", description="Everything, including users.")
    EDITOR = strawberry.enum_value(
        "EDITOR", description="All articles, categories, tags, media and live streams."
    )
    AUTHOR = strawberry.enum_value("AUTHOR", description="Writes and publishes own articles.")
    CONTRIBUTOR = strawberry.enum_value(
        "CONTRIBUTOR", description="Writes own drafts and sends them for review."
    )


@strawberry.enum(description="How an article body is written.")
class BodyFormat(Enum):
    HTML = strawberry.enum_value("HTML", description="HTML; sanitised to the allowed elements.")
    MARKDOWN = strawberry.enum_value("MARKDOWN", description="Markdown, converted to HTML.")


@strawberry.enum(description="The window a most-read list counts views over.")
class ReadingPeriod(Enum):
    DAY = strawberry.enum_value("DAY", description="Today (UTC).")
    WEEK = strawberry.enum_value("WEEK", description="The last 7 days, today included.")
    MONTH = strawberry.enum_value("MONTH", description="The last 30 days, today included.")


@strawberry.enum(description="Where a newsletter subscriber is in the double opt-in.")
class SubscriberStatus(Enum):
    PENDING = strawberry.enum_value(
        "PENDING", description="Asked to subscribe; has not clicked the confirmation link yet."
    )
    CONFIRMED = strawberry.enum_value("CONFIRMED", description="Gets the daily digest.")
    UNSUBSCRIBED = strawberry.enum_value("UNSUBSCRIBED", description="Left; gets no mail.")


@strawberry.enum(description="A part of the home page.")
class HomeZone(Enum):
    LEAD = strawberry.enum_value("LEAD", description="The lead story: one slot at the top.")
    TOP = strawberry.enum_value("TOP", description="Top stories under the lead.")
    CATEGORY = strawberry.enum_value(
        "CATEGORY", description="Picks for one top-level category shown in the menu."
    )
