"""The public article type; its lists come in pages from `schema.article_feed`."""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from cms import cache_tags
from cms.errors import CmsError
from cms.models import Article as ArticleEntity
from cms.services import articles as article_service
from cms.services import editorial as editorial_service
from schema.context import Info
from schema.enums import ArticleStatus
from schema.errors import from_domain
from schema.loaders import NowOrLater, RelatedKey
from schema.media import Media, show_media
from schema.pagination import check_first
from schema.permissions import SIGNED_IN
from schema.text_input import NUL

if TYPE_CHECKING:
    from schema.author import Author
    from schema.category import Category, Tag
    from schema.correction import Correction
    from schema.live_blog import LiveBlogUpdateConnection
    from schema.revision import Revision


def _read(body: str | None) -> str:
    if body is None:
        raise RuntimeError("A body was asked of an article read without it.")
    return body


CategoryType = Annotated["Category", strawberry.lazy("schema.category")]
RELATED_MAX = 20
OVERDUE_AFTER = timedelta(minutes=1)


def is_overdue(status: ArticleStatus, scheduled_at: datetime | None, now: datetime) -> bool:
    """`Article.isOverdue`, also written by the compiled path."""
    return (
        status is ArticleStatus.SCHEDULED
        and scheduled_at is not None
        and scheduled_at < now - OVERDUE_AFTER
    )


def is_breaking(flag: bool, until: datetime | None, now: datetime) -> bool:
    """`Article.isBreaking`, also written by the compiled path."""
    return flag and (until is None or until > now)


@strawberry.type(description="A news article in one language.")
class Article(relay.Node):
    node_id: relay.NodeID[str]
    public_id: str = strawberry.field(
        description="Opaque public id: 13 lowercase hex characters, stable for the article's life."
    )
    locale: str = strawberry.field(description="Language of the article: `ka` or `en`.")
    slug: str = strawberry.field(
        description="The article's current URL slug, unique per locale. When the article was "
        "found by an old slug, this differs from the one asked for: redirect to it."
    )
    title: str = strawberry.field(description="Headline.")
    lead: str = strawberry.field(description="The opening summary shown under the headline.")
    body_html: strawberry.Private[str | None]
    body_plain: strawberry.Private[str | None]

    @strawberry.field(
        description="Sanitised HTML: paragraphs, sub-headings, quotations, links and media."
    )
    def body(self) -> str:
        return _read(self.body_html)

    @strawberry.field(description="The body as plain text, one block a line.")
    def plain_text(self) -> str:
        return _read(self.body_plain)

    reading_time_minutes: int = strawberry.field(description="Estimated minutes to read.")
    published_at: datetime | None = strawberry.field(
        description="When it was published, ISO-8601 in UTC; null only for unpublished articles."
    )
    updated_at: datetime = strawberry.field(description="Last edit, ISO-8601 in UTC.")
    views: int = strawberry.field(description="How many times readers opened it.")
    source_name: str | None = strawberry.field(
        description='Where the story comes from, for the attribution line ("… reports").'
    )
    source_url: str | None = strawberry.field(description="Link to the source, when it has one.")
    is_featured: bool = strawberry.field(description="Picked by editors for the top of the site.")
    seo_title: str = strawberry.field(description="Title for search engines and link previews.")
    seo_description: str = strawberry.field(
        description="Description for search engines and link previews."
    )
    status: ArticleStatus = strawberry.field(
        description="DRAFT, IN_REVIEW, SCHEDULED, PUBLISHED or ARCHIVED; readers only ever "
        "see PUBLISHED."
    )
    version: int = strawberry.field(
        description="Increases with every save; pass it back to `updateArticle` so that "
        "nobody's changes are overwritten unseen."
    )
    scheduled_at: datetime | None = strawberry.field(
        description="When a SCHEDULED article will be published, ISO-8601 in UTC."
    )
    expires_at: datetime | None = strawberry.field(
        description="When the article leaves the site (archived by the scheduler), ISO-8601 in "
        "UTC; null when it stays."
    )
    created_at: datetime = strawberry.field(description="When it was first saved, in UTC.")
    entity_id: strawberry.Private[int]
    category_id: strawberry.Private[int | None]
    cover_id: strawberry.Private[int | None]
    translation_group: strawberry.Private[str | None]
    breaking_until: strawberry.Private[datetime | None]
    is_breaking_flag: strawberry.Private[bool]
    is_live_blog: bool = strawberry.field(
        description="A live blog: timestamped entries in `liveUpdates`, pushed by "
        "`liveBlogUpdated`."
    )

    @classmethod
    def from_entity(cls, article: ArticleEntity, *, with_body: bool = True) -> "Article":
        """The article as readers see it; `with_body=False` for a list read without bodies."""
        assert article.id is not None
        return cls(
            node_id=article.public_id,
            public_id=article.public_id,
            locale=article.locale,
            slug=article.slug,
            title=article.title,
            lead=article.lead,
            body_html=article.body if with_body else None,
            body_plain=article.body_text if with_body else None,
            reading_time_minutes=article.reading_time_minutes,
            published_at=article.published_at,
            updated_at=article.updated_at,
            views=article.views,
            source_name=article.source_name,
            source_url=article.source_url,
            is_featured=article.is_featured,
            seo_title=article.seo_title or article.title,
            seo_description=article.seo_description or article.lead,
            status=ArticleStatus(article.status.value),
            version=article.version,
            scheduled_at=article.scheduled_at,
            expires_at=article.expires_at,
            created_at=article.created_at,
            entity_id=article.id,
            category_id=article.category_id,
            cover_id=article.cover_id,
            translation_group=article.translation_group,
            breaking_until=article.breaking_until,
            is_breaking_flag=article.is_breaking,
            is_live_blog=article.is_live_blog,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list["Article | None"]:
        ids = list(node_ids)
        info.context.shows(*(cache_tags.article(public_id) for public_id in ids))
        # A NUL can hide in a global id's base64; no stored id holds one (PostgreSQL refuses it).
        storable = [public_id for public_id in ids if NUL not in public_id]
        async with info.context.sessions() as session:
            found = await article_service.articles_by_public_ids(
                session=session, viewer=info.context.viewer, public_ids=storable
            )
        return [cls.from_entity(found[i]) if i in found else None for i in ids]

    @strawberry.field(
        description="When it was published, in the site's time zone (for display), "
        "ISO-8601 with offset."
    )
    def published_at_local(self, info: Info) -> datetime | None:
        if self.published_at is None:
            return None
        return self.published_at.astimezone(info.context.settings.zone)

    @strawberry.field(
        description="A SCHEDULED article whose time has passed by more than a minute: the "
        "scheduler is late or stopped."
    )
    def is_overdue(self) -> bool:
        return is_overdue(self.status, self.scheduled_at, datetime.now(UTC))

    @strawberry.field(
        description="Every saved state, newest first (editors, and the article's own writer).",
        permission_classes=[SIGNED_IN],
    )
    async def revisions(
        self, info: Info
    ) -> list[Annotated["Revision", strawberry.lazy("schema.revision")]]:
        from schema.revision import Revision

        async with info.context.sessions() as session:
            try:
                rows = await editorial_service.revisions(
                    session, self.entity_id, info.context.viewer
                )
            except CmsError as error:
                raise from_domain(error) from error
        return [Revision.from_entity(row) for row in rows]

    @strawberry.field(description="Breaking news right now: the flag is set and has not expired.")
    def is_breaking(self) -> bool:
        return is_breaking(self.is_breaking_flag, self.breaking_until, datetime.now(UTC))

    @strawberry.field(description="The primary category.", graphql_type=CategoryType | None)
    def category(self, info: Info) -> "NowOrLater[Category | None]":
        # Not `async`: the category was usually read with the article, and answering at once
        # spares graphql-core a task and a gather for each article of a list.
        from schema.category import Category

        if self.category_id is None:
            return None
        info.context.shows(cache_tags.CATEGORIES)
        seen = info.context.loaders.seen_category(self.category_id)
        if seen is not None:
            return Category.from_entity(seen, self.locale)
        return self._load_category(info, self.category_id)

    async def _load_category(self, info: Info, category_id: int) -> "Category | None":
        from schema.category import Category

        entity = await info.context.loaders.category(category_id)
        return Category.from_entity(entity, self.locale) if entity is not None else None

    @strawberry.field(description="Tags, in the order editors gave them.")
    async def tags(self, info: Info) -> list[Annotated["Tag", strawberry.lazy("schema.category")]]:
        from schema.category import Tag

        tags = await info.context.loaders.tags_by_article_id.load(self.entity_id)
        info.context.shows(*(cache_tags.tag(tag.id) for tag in tags))
        return [Tag.from_entity(tag, self.locale) for tag in tags]

    @strawberry.field(description="Authors' public bylines, in order.")
    async def authors(
        self, info: Info
    ) -> list[Annotated["Author", strawberry.lazy("schema.author")]]:
        from schema.author import Author

        authors = await info.context.loaders.authors_by_article_id.load(self.entity_id)
        info.context.shows(*(cache_tags.author(author.id) for author in authors))
        return [Author.from_entity(author, self.locale) for author in authors]

    @strawberry.field(description="Corrections made since publication, oldest first, each dated.")
    async def corrections(
        self, info: Info
    ) -> list[Annotated["Correction", strawberry.lazy("schema.correction")]]:
        from schema.correction import Correction

        rows = await info.context.loaders.corrections_by_article_id.load(self.entity_id)
        return [Correction.from_entity(row) for row in rows]

    @strawberry.field(
        description="schema.org NewsArticle structured data for the article's page, as JSON-LD "
        'text safe to put as it is into a `<script type="application/ld+json">` element.'
    )
    async def json_ld(self, info: Info) -> str:
        from schema.structured_data import json_ld

        return await json_ld(info, self)

    @strawberry.field(description="The cover image.", graphql_type=Media | None)
    def cover(self, info: Info) -> NowOrLater[Media | None]:
        return show_media(info, self.cover_id)

    @strawberry.field(
        description="Other published articles of the same category that share a tag with this "
        "one, newest first."
    )
    async def related(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description=f"How many, at most {RELATED_MAX}.")
        ] = 5,
    ) -> list["Article"]:
        check_first(first, RELATED_MAX)
        if self.category_id is None or first == 0:
            return []
        key = RelatedKey(article_id=self.entity_id, count=first)
        related = await info.context.loaders.related_by_article.load(key)
        info.context.shows(cache_tags.category_feed(self.category_id))
        return [Article.from_entity(article) for article in related]

    @strawberry.field(description="A live blog's entries, newest first, in pages.")
    async def live_updates(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="Page size, at most 100 (more is refused).")
        ] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="The `endCursor` of the previous page.")
        ] = None,
    ) -> Annotated["LiveBlogUpdateConnection", strawberry.lazy("schema.live_blog")]:
        from schema.live_blog import resolve_live_updates

        info.context.shows(cache_tags.article(self.public_id))
        return await resolve_live_updates(info, self.entity_id, first, after)

    @strawberry.field(description="The same story in the other languages, for a language switch.")
    async def translations(self, info: Info) -> list["Article"]:
        if self.translation_group is None:
            return []
        group = await info.context.loaders.translations_by_group.load(self.translation_group)
        info.context.shows(cache_tags.translation_group(self.translation_group))
        return [Article.from_entity(a) for a in group if a.id != self.entity_id]
