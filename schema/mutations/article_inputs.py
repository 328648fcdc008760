"""The inputs of the article mutations (`schema.mutations.articles`): what an editor sends."""

from datetime import datetime

import strawberry
from strawberry import UNSET, relay

from schema.enums import BodyFormat

ID_DESCRIPTION = "The article's `publicId`."


@strawberry.input(description="A new article. Only the title is required.")
class CreateArticleInput:
    title: str = strawberry.field(description="Headline, up to 300 characters.")
    locale: str | None = strawberry.field(
        default=None, description="`ka` or `en`; the site's default language when omitted."
    )
    slug: str | None = strawberry.field(
        default=None,
        description="URL slug; made from the title (Georgian transliterated) when omitted.",
    )
    lead: str | None = strawberry.field(default=None, description="Opening summary.")
    body: str | None = strawberry.field(
        default=None, description="The text, in `bodyFormat`; sanitised when saved."
    )
    body_format: BodyFormat = strawberry.field(
        default=BodyFormat.HTML, description="HTML (default) or MARKDOWN."
    )
    category: str | None = strawberry.field(default=None, description="Category slug.")
    tags: list[str] | None = strawberry.field(
        default=None, description="Tag names; new ones are created."
    )
    source_name: str | None = strawberry.field(
        default=None, description='Attribution, e.g. "Business Desk" ("… reports").'
    )
    source_url: str | None = strawberry.field(default=None, description="Link to the source.")
    seo_title: str | None = strawberry.field(default=None, description="Title for search engines.")
    seo_description: str | None = strawberry.field(
        default=None, description="Description for search engines."
    )
    translation_of: str | None = strawberry.field(
        default=None, description="`publicId` of the same story in another language."
    )
    cover: relay.GlobalID | None = strawberry.field(
        default=None, description="The `id` of an image from the media library."
    )


@strawberry.input(description="Changes to an article; fields left out stay as they are.")
class UpdateArticleInput:
    id: str = strawberry.field(description=ID_DESCRIPTION)
    version: int = strawberry.field(
        description="The `version` you read; if someone saved since, nothing changes and you "
        "get a CONFLICT error."
    )
    title: str | None = strawberry.field(default=UNSET, description="Headline.")
    slug: str | None = strawberry.field(
        default=UNSET, description="New URL slug; the old one keeps working."
    )
    lead: str | None = strawberry.field(default=UNSET, description="Opening summary.")
    body: str | None = strawberry.field(default=UNSET, description="The text, in `bodyFormat`.")
    body_format: BodyFormat = strawberry.field(
        default=BodyFormat.HTML, description="HTML (default) or MARKDOWN."
    )
    category: str | None = strawberry.field(
        default=UNSET, description="Category slug; null removes it."
    )
    tags: list[str] | None = strawberry.field(
        default=UNSET, description="Tag names, replacing the current ones."
    )
    source_name: str | None = strawberry.field(default=UNSET, description="Attribution.")
    source_url: str | None = strawberry.field(default=UNSET, description="Link to the source.")
    seo_title: str | None = strawberry.field(default=UNSET, description="Title for search engines.")
    seo_description: str | None = strawberry.field(
        default=UNSET, description="Description for search engines."
    )
    translation_of: str | None = strawberry.field(
        default=UNSET, description="`publicId` of the same story in another language."
    )
    cover: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="The `id` of an image from the media library; null removes it."
    )


@strawberry.input(description="Which article.")
class ArticleRefInput:
    id: str = strawberry.field(description=ID_DESCRIPTION)


@strawberry.input(description="When to publish an article.")
class ScheduleArticleInput:
    id: str = strawberry.field(description=ID_DESCRIPTION)
    publish_at: datetime = strawberry.field(
        description="ISO-8601 with offset, in the future, e.g. 2026-12-01T09:00:00+04:00."
    )


@strawberry.input(description="Bring back an earlier revision.")
class RestoreRevisionInput:
    id: str = strawberry.field(description=ID_DESCRIPTION)
    version: int = strawberry.field(description="The revision's `version`.")


@strawberry.input(description="Feature an article at the top of the site, or stop.")
class SetFeaturedInput:
    id: str = strawberry.field(description=ID_DESCRIPTION)
    featured: bool = strawberry.field(description="true to feature, false to stop.")


@strawberry.input(description="Mark an article as breaking news, or stop.")
class SetBreakingInput:
    id: str = strawberry.field(description=ID_DESCRIPTION)
    breaking: bool = strawberry.field(description="true to mark as breaking, false to stop.")
    until: datetime | None = strawberry.field(
        default=None, description="When the breaking flag ends by itself (ISO-8601 with offset)."
    )
