"""The root query type, and the public root fields that are not about articles: any object by
id, the menu, tags and live TV. The article root fields live in `schema.article_queries`.

Readers see published content only; every path below reaches articles through the services'
single visibility rule.
"""

import datetime
import inspect
from typing import Annotated

import strawberry
from strawberry import relay

from cms import cache_tags
from cms.services import categories as category_service
from cms.services import live as live_service
from cms.services import programme as programme_service
from schema.article_queries import ArticleDiscoveryQueries, ArticleQueries, EditorialArticleQueries
from schema.audit_log import AuditLogQueries
from schema.author import AuthorQueries
from schema.category import Category, Tag
from schema.context import Info
from schema.errors import bad_input
from schema.home import HomeQueries
from schema.live import LiveStream, ProgrammeSlot
from schema.locale import checked_locale
from schema.me import MeQuery
from schema.media_queries import MediaQueries
from schema.newsletter_queries import NewsletterQueries
from schema.staff import StaffQueries
from schema.webhooks import WebhookQueries


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any object by its global `id` (Relay); null when it does not exist "
        "or is not public."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="A global `id`.")],
    ) -> relay.Node | None:
        try:
            node_type = id.resolve_type(info)
        except relay.GlobalIDValueError as error:
            raise bad_input(f"Invalid id {str(id)!r}: it names no type with ids.") from error
        found = node_type.resolve_node(id.node_id, info=info, required=False)
        return await found if inspect.isawaitable(found) else found


@strawberry.type
class PublicQueries:
    @strawberry.field(description="The category tree: top-level categories with their children.")
    async def categories(
        self,
        info: Info,
        locale: Annotated[
            str | None, strawberry.argument(description="Language of the names.")
        ] = None,
        menu_only: Annotated[
            bool, strawberry.argument(description="Only categories shown in the site's menu.")
        ] = False,
    ) -> list[Category]:
        chosen = checked_locale(info, locale)
        info.context.shows(cache_tags.CATEGORIES)
        tree = await info.context.loaders.category_tree()
        return [
            Category.from_entity(root, chosen, menu_only=menu_only)
            for root in tree.roots
            if root.show_in_menu or not menu_only
        ]

    @strawberry.field(description="One category by slug, with its article feed. Null when none.")
    async def category(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The category's slug.")],
        locale: Annotated[
            str | None, strawberry.argument(description="Language of names and articles.")
        ] = None,
    ) -> Category | None:
        chosen = checked_locale(info, locale)
        info.context.shows(cache_tags.CATEGORIES)
        tree = await info.context.loaders.category_tree()
        found = tree.by_slug.get(slug)
        return Category.from_entity(found, chosen) if found is not None else None

    @strawberry.field(description="One tag by slug, with its article feed. Null when none.")
    async def tag(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The tag's slug.")],
        locale: Annotated[
            str | None, strawberry.argument(description="Language of the name and articles.")
        ] = None,
    ) -> Tag | None:
        chosen = checked_locale(info, locale)
        info.context.shows(cache_tags.TAGS)
        async with info.context.sessions() as session:
            found = await category_service.tag_by_slug(session=session, slug=slug)
        if found is None:
            return None
        info.context.shows(cache_tags.tag(found.id))
        return Tag.from_entity(found, chosen)

    @strawberry.field(description="All live channels and broadcasts, the primary channel first.")
    async def live_streams(self, info: Info) -> list[LiveStream]:
        info.context.shows(cache_tags.LIVE)
        async with info.context.sessions() as session:
            streams = await live_service.live_streams(session=session)
        return [LiveStream.from_entity(stream) for stream in streams]

    @strawberry.field(
        description="A channel's programme for one day in the site's time zone, in order. "
        "A programme running over midnight is listed on both days."
    )
    async def schedule(
        self,
        info: Info,
        channel: Annotated[str, strawberry.argument(description="The channel's slug.")],
        date: Annotated[
            datetime.date,
            strawberry.argument(description="The day, e.g. 2026-12-01, in the site's time zone."),
        ],
    ) -> list[ProgrammeSlot]:
        info.context.shows(cache_tags.LIVE)
        async with info.context.sessions() as session:
            stream = await live_service.stream_by_slug(session=session, slug=channel)
            if stream is None or stream.id is None:
                raise bad_input(f"No channel with slug {channel!r}; see `liveStreams`.")
            slots = await programme_service.day_schedule(
                session=session, stream_id=stream.id, day=date, zone=info.context.settings.zone
            )
        return [ProgrammeSlot.from_entity(slot) for slot in slots]

    @strawberry.field(
        description="The primary channel behind the site's TV Live link: whether it is on air, "
        "where to play it, and what is on now and next. Null when no channel is primary."
    )
    async def live_now(self, info: Info) -> LiveStream | None:
        info.context.shows(cache_tags.LIVE)
        async with info.context.sessions() as session:
            stream = await live_service.primary_stream(session=session)
        return LiveStream.from_entity(stream) if stream is not None else None


@strawberry.type(
    description="Everything that can be read. Frontends use the public fields, which show "
    "published content only; staff fields (`me`, `editorialArticles`, `auditLog`, `mediaLibrary`, "
    "`newsletterSubscribers`, `staff`, `webhookEndpoints`, `webhookDeliveries`) need a sign-in."
)
class Query(
    NodeQuery,
    ArticleQueries,
    PublicQueries,
    ArticleDiscoveryQueries,
    HomeQueries,
    AuthorQueries,
    NewsletterQueries,
    MeQuery,
    EditorialArticleQueries,
    AuditLogQueries,
    WebhookQueries,
    MediaQueries,
    StaffQueries,
):
    """The fields are those of the bases, in this order, which is the order of the SDL."""
