"""Live events for frontends, over the graphql-transport-ws protocol at `/graphql`.

Each subscription listens to the event bus and reloads what an event names through the same
visibility rule as every query, as the subscriber: anonymous readers only ever receive
published articles, and an article unpublished since it was announced is not sent at all.
"""

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from cms.events import Event, Topic
from cms.models import Article as ArticleEntity
from cms.models import ArticleStatus
from cms.models import LiveStream as LiveStreamEntity
from cms.models.columns import utcnow
from cms.services import articles as article_service
from cms.services import auth as auth_service
from cms.services import live as live_service
from cms.services import live_blog as live_blog_service
from schema.article import Article
from schema.category import LocaleArgument, category_subtree
from schema.context import Info
from schema.errors import bad_input
from schema.home import HomeSubscription
from schema.live import LiveStream
from schema.live_blog import LiveBlogUpdate
from schema.locale import checked_locale


async def _visible(info: Info, public_id: str | None) -> ArticleEntity | None:
    """The article as the subscriber may see it, or None."""
    if public_id is None:
        return None
    async with info.context.sessions() as session:
        found = await article_service.articles_by_public_ids(
            session=session, viewer=info.context.viewer, public_ids=[public_id]
        )
    return found.get(public_id)


async def _published(info: Info, event: Event) -> ArticleEntity | None:
    article = await _visible(info, event.article)
    return article if article is not None and article.status is ArticleStatus.PUBLISHED else None


async def _events(info: Info, *topics: Topic) -> AsyncGenerator[Event, None]:
    """Events of `topics`, each with fresh loaders for the fields resolved on it. A staff
    subscription ends once its session does (signed out, deactivated, password changed) or its
    role changes: it must not keep receiving what its viewer may no longer see."""
    async for event in info.context.events.subscribe():
        if event.topic in topics:
            if not await _still_signed_in(info):
                return
            info.context.fresh_loaders()
            yield event


async def _still_signed_in(info: Info) -> bool:
    """False once the subscriber's session ended or their role changed since they subscribed."""
    user, token = info.context.viewer.user, info.context.token
    if user is None or token is None:
        return True
    async with info.context.sessions() as session:
        now = await auth_service.user_for_token(session=session, token=token)
    return now is not None and now.role is user.role


def _breaking_now(article: ArticleEntity) -> bool:
    until = article.breaking_until
    return article.is_breaking and (until is None or until > utcnow())


@strawberry.type(
    description="Events pushed to frontends over WebSocket (graphql-transport-ws) at `/graphql`."
)
class Subscription(HomeSubscription):
    @strawberry.subscription(
        description="Breaking news: a published article marked breaking (or published while "
        "marked), and again when the mark is cleared or expires (then `isBreaking` is false)."
    )
    async def breaking_news(
        self, info: Info, locale: LocaleArgument = None
    ) -> AsyncGenerator[Article, None]:
        chosen = checked_locale(info, locale)
        async for event in _events(info, Topic.BREAKING_CHANGED, Topic.ARTICLE_PUBLISHED):
            if chosen is not None and event.locale != chosen:
                continue
            article = await _published(info, event)
            if article is None:
                continue
            if event.topic is Topic.ARTICLE_PUBLISHED and not _breaking_now(article):
                continue
            yield Article.from_entity(article)

    @strawberry.subscription(
        description="Each article as it is published, by an editor or by the scheduler."
    )
    async def article_published(
        self,
        info: Info,
        category: Annotated[
            str | None,
            strawberry.argument(description="Only this category (by slug) and those below it."),
        ] = None,
        locale: LocaleArgument = None,
    ) -> AsyncGenerator[Article, None]:
        chosen = checked_locale(info, locale)
        category_ids = await category_subtree(info, category)
        async for event in _events(info, Topic.ARTICLE_PUBLISHED):
            if chosen is not None and event.locale != chosen:
                continue
            if category_ids is not None and event.category_id not in category_ids:
                continue
            article = await _published(info, event)
            if article is not None:
                yield Article.from_entity(article)

    @strawberry.subscription(
        description="A channel each time it changes: on or off air, edited, or a new "
        "programme starting (`nowPlaying`)."
    )
    async def live_stream_changed(
        self,
        info: Info,
        channel: Annotated[str, strawberry.argument(description="The channel's slug.")],
    ) -> AsyncGenerator[LiveStream, None]:
        async with info.context.sessions() as session:
            stream = await live_service.stream_by_slug(session=session, slug=channel)
        if stream is None:
            raise bad_input(f"No channel with slug {channel!r}; see `liveStreams`.")
        async for event in _events(info, Topic.LIVE_STREAM_CHANGED):
            if event.stream_id != stream.id:
                continue
            async with info.context.sessions() as session:
                current = await session.get(LiveStreamEntity, stream.id)
            if current is not None:
                yield LiveStream.from_entity(current)

    @strawberry.subscription(
        description="Each new entry of a live blog as it is posted, and an entry again (same "
        "`id`) when it is edited, pinned or unpinned; deletions come by `liveBlogUpdateDeleted`."
    )
    async def live_blog_updated(
        self,
        info: Info,
        article: Annotated[str, strawberry.argument(description="The live blog's `publicId`.")],
    ) -> AsyncGenerator[LiveBlogUpdate, None]:
        found = await _visible(info, article)
        if found is None or not found.is_live_blog:
            raise bad_input(f"No live blog with public id {article!r}.")
        async for event in _events(info, Topic.LIVE_BLOG_UPDATED):
            if event.article != article or event.update_id is None:
                continue
            if await _visible(info, article) is None:
                continue
            async with info.context.sessions() as session:
                entry = await live_blog_service.update_by_id(
                    session=session, update_id=event.update_id
                )
            if entry is not None:
                yield LiveBlogUpdate.from_entity(entry)

    @strawberry.subscription(
        description="The `id` of each entry deleted from a live blog, so that a page drops it."
    )
    async def live_blog_update_deleted(
        self,
        info: Info,
        article: Annotated[str, strawberry.argument(description="The live blog's `publicId`.")],
    ) -> AsyncGenerator[strawberry.ID, None]:
        found = await _visible(info, article)
        if found is None or not found.is_live_blog:
            raise bad_input(f"No live blog with public id {article!r}.")
        async for event in _events(info, Topic.LIVE_BLOG_ENTRY_DELETED):
            if event.article != article or event.update_id is None:
                continue
            if await _visible(info, article) is not None:
                yield strawberry.ID(str(event.update_id))
