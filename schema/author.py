"""Authors as readers see them: a byline's profile (`cms.models.author`), its page and its
articles; never an account's email or role."""

from collections.abc import Iterable
from typing import Annotated

import strawberry
from strawberry import relay

from cms import cache_tags
from cms.models import AuthorProfile
from cms.services import authors as author_service
from cms.services.articles import ArticleFilter
from cms.services.text import localized
from schema.article_feed import AfterArgument, ArticleConnection, FirstArgument, resolve_feed
from schema.context import Info
from schema.loaders import NowOrLater
from schema.locale import checked_locale
from schema.media import Media, show_media
from schema.node_ids import row_id


@strawberry.type(description="A link on an author's profile: a social account, a website.")
class AuthorLink:
    label: str = strawberry.field(description='What it is, e.g. "X" or "Website".')
    url: str = strawberry.field(description="The address.")


@strawberry.type(description="A person or agency who writes for the newsroom, as in a byline.")
class Author(relay.Node):
    id: relay.NodeID[int]
    slug: str = strawberry.field(description="URL slug of the author's page and feed, unique.")
    entity: strawberry.Private[AuthorProfile]
    locale: strawberry.Private[str]

    @classmethod
    def from_entity(cls, author: AuthorProfile, locale: str) -> "Author":
        assert author.id is not None
        return cls(id=author.id, slug=author.slug, entity=author, locale=locale)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list["Author | None"]:
        ids = [row_id(i) for i in node_ids]
        info.context.shows(*(cache_tags.author(i) for i in ids if i is not None))
        async with info.context.sessions() as session:
            found = await author_service.authors_by_ids(
                session=session, ids=[i for i in ids if i is not None]
            )
        locale = info.context.settings.default_locale
        return [cls.from_entity(found[i], locale) if i in found else None for i in ids]

    @strawberry.field(description="Public name, in the language asked for (or of the article).")
    def name(self, info: Info) -> str:
        return localized(self.entity.names, self.locale, info.context.settings.default_locale)

    @strawberry.field(description="A short public biography, in the same language as `name`.")
    def bio(self, info: Info) -> str:
        return localized(self.entity.bios, self.locale, info.context.settings.default_locale)

    @strawberry.field(description="Portrait or logo.", graphql_type=Media | None)
    def photo(self, info: Info) -> NowOrLater[Media | None]:
        return show_media(info, self.entity.photo_id)

    @strawberry.field(description="Links to the author elsewhere, in the editors' order.")
    def links(self) -> list[AuthorLink]:
        return [AuthorLink(label=link["label"], url=link["url"]) for link in self.entity.links]

    @strawberry.field(description="The author's page on the site.")
    def url(self, info: Info) -> str:
        return info.context.settings.author_url(self.locale, self.slug)

    @strawberry.field(
        description="The author's published articles, newest first, in pages; "
        "`/feeds/{locale}/authors/{slug}.xml` is the same list as RSS."
    )
    async def articles(
        self,
        info: Info,
        first: FirstArgument = 20,
        after: AfterArgument = None,
        locale: Annotated[
            str | None, strawberry.argument(description="Only articles in this language.")
        ] = None,
    ) -> ArticleConnection:
        filters = ArticleFilter(locale=checked_locale(info, locale), author_id=self.id)
        return await resolve_feed(info, filters, first, after)


@strawberry.type
class AuthorQueries:
    @strawberry.field(description="One author by slug, with their articles. Null when none.")
    async def author(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The author's slug.")],
        locale: Annotated[
            str | None, strawberry.argument(description="Language of the name and biography.")
        ] = None,
    ) -> Author | None:
        chosen = checked_locale(info, locale) or info.context.settings.default_locale
        async with info.context.sessions() as session:
            found = await author_service.author_by_slug(session=session, slug=slug)
        info.context.shows(cache_tags.AUTHORS)
        if found is None:
            return None
        info.context.shows(cache_tags.author(found.id))
        return Author.from_entity(found, chosen)
