"""Per-request DataLoaders: every relation a list can reach is fetched in one batch per field.

Each batch opens its own short session, because Strawberry resolves sibling fields concurrently
and one `AsyncSession` cannot run two statements at once.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeAlias, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from cms.models import (
    Article,
    ArticleCorrection,
    AuthorProfile,
    Category,
    LiveBlogUpdate,
    LiveStream,
    Media,
    ProgrammeSlot,
    Tag,
)
from cms.services import articles as article_service
from cms.services import authors as author_service
from cms.services import categories as category_service
from cms.services import corrections as correction_service
from cms.services import live as live_service
from cms.services import live_blog as live_blog_service
from cms.services import media as media_service
from cms.services.articles import FeedKey
from cms.services.categories import CategoryTree
from cms.services.media import queries as media_queries
from cms.services.viewer import Viewer

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

NowOrLater: TypeAlias = T | Awaitable[T]
"""A resolver's answer: the value when it was already read, else an awaitable; graphql-core
takes either, and a resolver that is not `async` costs no task when it can answer at once."""

Sessions = async_sessionmaker[AsyncSession]


@dataclass(frozen=True, slots=True)
class RelatedKey:
    article_id: int
    count: int


@dataclass(frozen=True, slots=True)
class LiveUpdatesKey:
    article_id: int
    first: int
    after: FeedKey | None


class SharedLoader(DataLoader[K, V]):
    """A loader whose answers survive a waiter's cancellation. When a field fails, graphql-core
    cancels its siblings, and a cancelled task cancels the future it awaits; but a loader's
    future for a key is shared by every resolver that asked for it, and the others then got a
    CancelledError, which escaped execution as a 500. Each waiter gets a shield of its own."""

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))


def _loader(
    sessions: Sessions,
    fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Mapping[K, V]]],
    missing: Callable[[], V],
) -> DataLoader[K, V]:
    """A loader that fetches a batch in one session and fills absent keys with `missing()`."""

    async def load(keys: list[K]) -> list[V]:
        async with sessions() as session:
            found = await fetch(session, keys)
        return [found.get(key, missing()) for key in keys]

    return SharedLoader(load_fn=load)


def _none() -> None:
    return None


@dataclass
class Loaders:
    """The loaders of one request, named for what they map."""

    sessions: Sessions
    viewer: Viewer
    media_by_id: DataLoader[int, Media | None] = field(init=False)
    tags_by_article_id: DataLoader[int, list[Tag]] = field(init=False)
    authors_by_article_id: DataLoader[int, list[AuthorProfile]] = field(init=False)
    related_by_article: DataLoader[RelatedKey, list[Article]] = field(init=False)
    translations_by_group: DataLoader[str, list[Article]] = field(init=False)
    upcoming_slots_by_stream_id: DataLoader[int, list[ProgrammeSlot]] = field(init=False)
    stream_by_id: DataLoader[int, LiveStream | None] = field(init=False)
    author_by_user_id: DataLoader[int, AuthorProfile | None] = field(init=False)
    usages_by_media: DataLoader[tuple[int, str], media_service.Usages] = field(init=False)
    live_updates_by_key: DataLoader[LiveUpdatesKey, list[LiveBlogUpdate]] = field(init=False)
    live_update_count_by_article_id: DataLoader[int, int] = field(init=False)
    corrections_by_article_id: DataLoader[int, list[ArticleCorrection]] = field(init=False)
    pinned_live_updates_by_article_id: DataLoader[int, list[LiveBlogUpdate]] = field(init=False)
    _category_tree: asyncio.Task[CategoryTree] | None = field(default=None, init=False)
    _categories_seen: dict[int, Category] = field(default_factory=dict, init=False)
    _covers_seen: dict[int, Media] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        sessions, viewer = self.sessions, self.viewer
        self.media_by_id = _loader(
            sessions, lambda s, ids: media_service.media_by_ids(session=s, ids=ids), _none
        )
        self.tags_by_article_id = _loader(
            sessions,
            lambda s, ids: article_service.tags_by_article_ids(session=s, article_ids=ids),
            list,
        )
        self.authors_by_article_id = _loader(
            sessions,
            lambda s, ids: author_service.authors_by_article_ids(session=s, article_ids=ids),
            list,
        )
        self.translations_by_group = _loader(
            sessions,
            lambda s, groups: article_service.translations_by_group(
                session=s, viewer=viewer, groups=groups
            ),
            list,
        )
        self.related_by_article = SharedLoader(load_fn=self._related_by_article)
        self.upcoming_slots_by_stream_id = SharedLoader(load_fn=self._upcoming_slots)
        self.stream_by_id = _loader(
            sessions, lambda s, ids: live_service.streams_by_ids(session=s, ids=ids), _none
        )
        self.author_by_user_id = _loader(
            sessions,
            lambda s, ids: author_service.authors_by_user_ids(session=s, user_ids=ids),
            _none,
        )
        self.usages_by_media = SharedLoader(load_fn=self._usages)
        self.live_updates_by_key = SharedLoader(load_fn=self._live_updates)
        self.live_update_count_by_article_id = _loader(
            sessions,
            lambda s, ids: live_blog_service.update_counts(session=s, article_ids=ids),
            int,
        )
        self.corrections_by_article_id = _loader(
            sessions,
            lambda s, ids: correction_service.corrections_by_article_ids(
                session=s, article_ids=ids
            ),
            list,
        )
        self.pinned_live_updates_by_article_id = _loader(
            sessions,
            lambda s, ids: live_blog_service.pinned_updates(session=s, article_ids=ids),
            list,
        )

    def prime(self, shown: article_service.Shown) -> None:
        """Keep the categories and covers read with these articles, so showing them costs no
        further statement."""
        self._categories_seen.update(shown.categories)
        self._covers_seen.update(shown.covers)
        for media_id, media in shown.covers.items():
            self.media_by_id.prime(media_id, media)

    def seen_category(self, category_id: int) -> Category | None:
        """The category if it was read with an article, without waiting: a field that can
        answer at once spares graphql-core a task and a gather per article of a list."""
        return self._categories_seen.get(category_id)

    def seen_cover(self, media_id: int) -> Media | None:
        """The media item if it was read as an article's cover, without waiting."""
        return self._covers_seen.get(media_id)

    async def category(self, category_id: int) -> Category | None:
        """A category read with its article, or else from the tree."""
        seen = self.seen_category(category_id)
        if seen is not None:
            return seen
        return (await self.category_tree()).by_id.get(category_id)

    def category_tree(self) -> Awaitable[CategoryTree]:
        """All categories, read once per request however many fields ask; each asker waits
        behind a shield of its own, as with `SharedLoader`, so a cancelled one cancels no read."""
        if self._category_tree is None:
            self._category_tree = asyncio.ensure_future(self._read_category_tree())
        return asyncio.shield(self._category_tree)

    async def _read_category_tree(self) -> CategoryTree:
        async with self.sessions() as session:
            return await category_service.category_tree(session=session)

    async def _related_by_article(self, keys: list[RelatedKey]) -> list[list[Article]]:
        deepest = max(key.count for key in keys)
        async with self.sessions() as session:
            found = await article_service.related_by_shared_tags(
                session=session,
                viewer=self.viewer,
                article_ids=sorted({key.article_id for key in keys}),
                per_article=deepest,
            )
        return [found.get(key.article_id, [])[: key.count] for key in keys]

    async def _usages(self, items: list[tuple[int, str]]) -> list[media_service.Usages]:
        async with self.sessions() as session:
            found = await media_queries.usages_of(session, items, self.viewer)
        return [found[media_id] for media_id, _ in items]

    async def _upcoming_slots(self, stream_ids: list[int]) -> list[list[ProgrammeSlot]]:
        async with self.sessions() as session:
            found = await live_service.upcoming_slots(
                session=session, stream_ids=stream_ids, at=datetime.now(UTC)
            )
        return [found.get(stream_id, []) for stream_id in stream_ids]

    async def _live_updates(self, keys: list[LiveUpdatesKey]) -> list[list[LiveBlogUpdate]]:
        """One statement per distinct page shape (usually one): every article asks the same."""
        found: dict[LiveUpdatesKey, list[LiveBlogUpdate]] = {}
        async with self.sessions() as session:
            for first, after in dict.fromkeys((key.first, key.after) for key in keys):
                ids = [key.article_id for key in keys if (key.first, key.after) == (first, after)]
                pages = await live_blog_service.updates_page(
                    session=session, article_ids=ids, first=first, after=after
                )
                for article_id in ids:
                    found[LiveUpdatesKey(article_id, first, after)] = pages.get(article_id, [])
        return [found[key] for key in keys]
