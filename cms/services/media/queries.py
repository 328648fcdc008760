"""Reading media: batches for the loaders, the editors' library pages, and where an item is used."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from cms.models import Article, LiveStream, Media, MediaKind
from cms.services.articles import FeedKey, visible_articles
from cms.services.newest_first import newest_first_page
from cms.services.viewer import Viewer


async def media_by_ids(*, session: AsyncSession, ids: Sequence[int]) -> dict[int, Media]:
    query = select(Media).where(col(Media.id).in_(ids))
    return {item.id: item for item in await session.scalars(query) if item.id is not None}


@dataclass(frozen=True, slots=True)
class MediaFilter:
    search: str | None = None
    kind: MediaKind | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


def _filtered(filters: MediaFilter) -> SelectOfScalar[Media]:
    query = select(Media)
    if filters.search and filters.search.strip():
        pattern = f"%{filters.search.strip().lower()}%"
        columns = (Media.alt, Media.caption, Media.credit, Media.original_filename)
        query = query.where(or_(*(func.lower(col(c)).like(pattern) for c in columns)))
    if filters.kind is not None:
        query = query.where(col(Media.kind) == filters.kind)
    if filters.created_from is not None:
        query = query.where(col(Media.created_at) >= filters.created_from)
    if filters.created_to is not None:
        query = query.where(col(Media.created_at) < filters.created_to)
    return query


async def media_page(
    *, session: AsyncSession, filters: MediaFilter, first: int, after: FeedKey | None
) -> tuple[list[Media], bool]:
    """Newest first, paged by the keyset (created_at, id) so uploads never shift later pages."""
    query = _filtered(filters)
    return await newest_first_page(
        session, query, col(Media.created_at), col(Media.id), first, after
    )


async def media_count(*, session: AsyncSession, filters: MediaFilter) -> int:
    subquery = _filtered(filters).subquery()
    return int((await session.scalar(select(func.count()).select_from(subquery))) or 0)


@dataclass
class Usages:
    """The articles (any status) and live streams that show a media item."""

    articles: list[Article] = field(default_factory=list)
    streams: list[LiveStream] = field(default_factory=list)

    def describe(self) -> str:
        names = [f"article “{a.title}” ({a.public_id})" for a in self.articles]
        names += [f"live stream “{s.title}”" for s in self.streams]
        return ", ".join(names)


def _digest(storage_key: str) -> str:
    return storage_key.rsplit("/", 1)[-1].split(".", 1)[0]


async def usages_of(
    session: AsyncSession, items: Sequence[tuple[int, str]], viewer: Viewer
) -> dict[int, Usages]:
    """Usages of `(media id, storage key)` pairs in two queries: covers and body images (their
    URLs carry the content digest), and stream posters. Only articles `viewer` may see are
    named: a writer learns nothing of another writer's drafts here either."""
    found = {media_id: Usages() for media_id, _ in items}
    if not items:
        return found
    ids = [media_id for media_id, _ in items]
    digests = {_digest(key): media_id for media_id, key in items}
    in_body: list[ColumnElement[bool]] = [col(Article.body).contains(d) for d in digests]
    query = (
        visible_articles(viewer)
        .where(or_(col(Article.cover_id).in_(ids), *in_body))
        .order_by(col(Article.updated_at).desc(), col(Article.id).desc())
    )
    for article in await session.scalars(query):
        for media_id, key in items:
            if article.cover_id == media_id or _digest(key) in article.body:
                found[media_id].articles.append(article)
    posters = select(LiveStream).where(col(LiveStream.poster_id).in_(ids))
    for stream in await session.scalars(posters.order_by(col(LiveStream.id))):
        assert stream.poster_id is not None
        found[stream.poster_id].streams.append(stream)
    return found
