"""Enumerations of the domain, stored as their string values."""

from enum import StrEnum


class ArticleStatus(StrEnum):
    DRAFT = "DRAFT"
    IN_REVIEW = "IN_REVIEW"
    SCHEDULED = "SCHEDULED"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


class Role(StrEnum):
    ADMIN = "ADMIN"
    EDITOR = "EDITOR"
    AUTHOR = "AUTHOR"
    CONTRIBUTOR = "CONTRIBUTOR"


class MediaKind(StrEnum):
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"
    AUDIO = "AUDIO"
    DOCUMENT = "DOCUMENT"


class LiveStreamStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    LIVE = "LIVE"
    ENDED = "ENDED"
    OFFLINE = "OFFLINE"


class SubscriberStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    UNSUBSCRIBED = "UNSUBSCRIBED"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    DEAD = "DEAD"


class WebhookTopic(StrEnum):
    """What a webhook announces; the value is the `event` of the JSON body."""

    ARTICLE_PUBLISHED = "article.published"
    ARTICLE_UPDATED = "article.updated"
    ARTICLE_UNPUBLISHED = "article.unpublished"
    ARTICLE_DELETED = "article.deleted"
    CATEGORY_CREATED = "category.created"
    CATEGORY_UPDATED = "category.updated"
    CATEGORY_DELETED = "category.deleted"
    TAG_CREATED = "tag.created"
    TAG_UPDATED = "tag.updated"
    TAG_DELETED = "tag.deleted"
    MEDIA_CREATED = "media.created"
    MEDIA_UPDATED = "media.updated"
    MEDIA_DELETED = "media.deleted"
    LIVE_STREAM_CHANGED = "live_stream.changed"
    IMPORT_COMPLETED = "import.completed"


class HomeZone(StrEnum):
    LEAD = "LEAD"
    TOP = "TOP"
    CATEGORY = "CATEGORY"
