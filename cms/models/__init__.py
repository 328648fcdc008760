"""Every entity, imported here so that the metadata (and Alembic) sees all tables."""

from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from cms.models.article import (  # noqa: E402
    Article,
    ArticleAuthor,
    ArticleCorrection,
    ArticleSlugHistory,
    ArticleTag,
    ArticleViewBucket,
    ArticleViewSeen,
    Revision,
)
from cms.models.author import AuthorProfile  # noqa: E402
from cms.models.category import Category, Tag, TagAlias  # noqa: E402
from cms.models.enums import (  # noqa: E402
    ArticleStatus,
    DeliveryStatus,
    HomeZone,
    LiveStreamStatus,
    MediaKind,
    Role,
    SubscriberStatus,
    WebhookTopic,
)
from cms.models.home import HomeSlot  # noqa: E402
from cms.models.live import LiveBlogUpdate, LiveStream, ProgrammeSlot  # noqa: E402
from cms.models.media import Media  # noqa: E402
from cms.models.newsletter import NewsletterSubscriber  # noqa: E402
from cms.models.persisted_query import PersistedQuery  # noqa: E402
from cms.models.user import AuthToken, LoginFailure, User  # noqa: E402
from cms.models.webhook import (  # noqa: E402
    AuditEntry,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

metadata = SQLModel.metadata

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleCorrection",
    "ArticleSlugHistory",
    "ArticleStatus",
    "ArticleTag",
    "ArticleViewBucket",
    "ArticleViewSeen",
    "AuditEntry",
    "AuthToken",
    "AuthorProfile",
    "Category",
    "DeliveryStatus",
    "HomeSlot",
    "HomeZone",
    "LiveBlogUpdate",
    "LiveStream",
    "LiveStreamStatus",
    "LoginFailure",
    "Media",
    "MediaKind",
    "NewsletterSubscriber",
    "PersistedQuery",
    "ProgrammeSlot",
    "Revision",
    "Role",
    "SubscriberStatus",
    "Tag",
    "TagAlias",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebhookTopic",
    "metadata",
]
