"""Reading articles: the one visibility rule, feeds paged by keyset, lookups and batch loads.

Feeds are ordered newest first by `(published_at, id)` (staff lists by `updated_at`), both
descending, and paged by keyset on that pair: a deep page costs the same as the first, and a
story published while a reader scrolls does not shift the pages they have yet to see.

Longer than our other modules on purpose: the visibility rule and every read that goes through
it stay together, so that no reader of articles can be written beside the rule.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Row, Select, func, literal, or_, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute, aliased, defer
from sqlmodel import col, select

from cms.models import (
    Article,
    ArticleAuthor,
    ArticleSlugHistory,
    ArticleStatus,
    ArticleTag,
    Category,
    Media,
)
from cms.models import Tag as TagEntity
from cms.services.viewer import Viewer


class FeedOrder(StrEnum):
    """The time a feed is ordered by, newest first."""

    PUBLISHED = "published_at"
    UPDATED = "updated_at"


@dataclass(frozen=True, slots=True)
class FeedKey:
    """The position of an article in a feed: its time in the feed's order, then its id."""

    moment: datetime
    id: int

    @classmethod
    def of(cls, article: Article, order: FeedOrder = FeedOrder.PUBLISHED) -> "FeedKey":
        moment = getattr(article, order.value)
        assert moment is not None
        assert article.id is not None
        return cls(moment, article.id)


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """What a feed holds. Feeds list published articles unless a staff list asks for others."""

    locale: str | None = None
    category_ids: tuple[int, ...] | None = None
    tag_id: int | None = None
    author_id: int | None = None
    featured: bool | None = None
    statuses: tuple[ArticleStatus, ...] = (ArticleStatus.PUBLISHED,)
    created_by_id: int | None = None
    scheduled_before: datetime | None = None
    order: FeedOrder = FeedOrder.PUBLISHED


@dataclass(frozen=True, slots=True)
class Shown:
    """Articles with the category and cover each one shows, read in the same statement as the
    articles: every page of articles shows both, and a statement saved is a round trip saved."""

    articles: list[Article]
    categories: dict[int, Category]
    covers: dict[int, Media]

    @classmethod
    def of(cls, rows: Sequence[Row[Article, Category | None, Media | None]]) -> "Shown":
        categories = {c.id: c for _, c, _ in rows if c is not None and c.id is not None}
        covers = {m.id: m for _, _, m in rows if m is not None and m.id is not None}
        return cls([row[0] for row in rows], categories, covers)


def _with_category_and_cover(
    query: Select[Article],
) -> Select[Article, Category | None, Media | None]:
    return (
        query.add_columns(Category, Media)
        .outerjoin(Category, col(Category.id) == col(Article.category_id))
        .outerjoin(Media, col(Media.id) == col(Article.cover_id))
    )


# SQLModel types a column attribute as its value; `defer` takes the attribute it is.
_BODIES: tuple[QueryableAttribute[str], ...] = (Article.body, Article.body_text)  # type: ignore[assignment]
_WITHOUT_BODIES = tuple(defer(column, raiseload=True) for column in _BODIES)


def visible_articles(viewer: Viewer) -> Select[Article]:
    """Every query that can reach an article starts here: readers see published articles,
    writers also their own, editors everything."""
    query = select(Article)
    if viewer.sees_unpublished:
        return query
    published = col(Article.status) == ArticleStatus.PUBLISHED
    if viewer.user is not None and viewer.user.is_active:
        return query.where(or_(published, col(Article.created_by_id) == viewer.user.id))
    return query.where(published)


def feed_query(viewer: Viewer, filters: ArticleFilter) -> Select[Article]:
    moment = getattr(Article, filters.order.value)
    query = visible_articles(viewer).where(
        col(moment).is_not(None), col(Article.status).in_(filters.statuses)
    )
    if filters.locale is not None:
        query = query.where(col(Article.locale) == filters.locale)
    if filters.category_ids is not None:
        query = query.where(col(Article.category_id).in_(filters.category_ids))
    if filters.tag_id is not None:
        query = query.join(ArticleTag, col(ArticleTag.article_id) == col(Article.id)).where(
            col(ArticleTag.tag_id) == filters.tag_id
        )
    if filters.author_id is not None:
        query = query.join(ArticleAuthor, col(ArticleAuthor.article_id) == col(Article.id)).where(
            col(ArticleAuthor.author_id) == filters.author_id
        )
    if filters.featured is not None:
        query = query.where(col(Article.is_featured) == filters.featured)
    if filters.created_by_id is not None:
        query = query.where(col(Article.created_by_id) == filters.created_by_id)
    if filters.scheduled_before is not None:
        query = query.where(col(Article.scheduled_at) < filters.scheduled_before)
    return query


def _after(
    query: Select[Article], filters: ArticleFilter, after: FeedKey | None
) -> Select[Article]:
    """Keyset as one row-value comparison, which both databases turn into a range of the feed
    index; the equivalent `a < x OR (a = x AND id < y)` is only a filter on PostgreSQL."""
    if after is None:
        return query
    moment = col(getattr(Article, filters.order.value))
    return query.where(tuple_(moment, col(Article.id)) < tuple_(after.moment, after.id))


def _newest_first(query: Select[Any], filters: ArticleFilter) -> Select[Any]:
    moment = col(getattr(Article, filters.order.value))
    return query.order_by(moment.desc(), col(Article.id).desc())


def _page_ids(
    filters: ArticleFilter, viewer: Viewer, after: FeedKey | None, limit: int, dialect: str
) -> Any:
    """The ids of a page over several categories (a category and those below it): one index
    range per category, merged in order, so no category is read further than the page. With
    `category_id IN (…)` a database either sorts every article of the categories or walks the
    whole feed filtering by category. PostgreSQL gets a LIMIT per category, without which it
    may sort whole categories; SQLite's merge stops early by itself, and would sort each
    limited arm again."""
    assert filters.category_ids is not None
    moment = col(getattr(Article, filters.order.value))
    arms: list[Select[*tuple[Any, ...]]] = []
    for category_id in filters.category_ids:
        arm: Select[*tuple[Any, ...]] = _after(
            feed_query(viewer, replace(filters, category_ids=(category_id,))), filters, after
        ).with_only_columns(col(Article.id).label("id"), moment.label("moment"))
        if dialect == "postgresql":
            arm = _newest_first(arm, filters).limit(limit).subquery().select()
        arms.append(arm)
    merged = union_all(*arms)
    columns = merged.selected_columns
    return merged.order_by(columns.moment.desc(), columns.id.desc()).limit(limit).subquery()


async def feed_page(
    *,
    session: AsyncSession,
    viewer: Viewer,
    filters: ArticleFilter,
    first: int,
    after: FeedKey | None = None,
    bodies: bool = True,
) -> tuple[Shown, bool]:
    """Up to `first` articles after `after`, and whether more follow. Without `bodies`, the
    bodies (most of an article's bytes, which lists rarely show) stay unread, and reading
    one raises rather than sending a statement per article."""
    query: Select[Article]
    if filters.category_ids is not None and len(filters.category_ids) > 1:
        dialect = session.get_bind().dialect.name
        ids = _page_ids(filters, viewer, after, first + 1, dialect)
        # The page's few rows are put in order here: an ORDER BY over the join would make
        # SQLite sort them in a temporary B-tree, which reads as a table sort in a plan.
        query = select(Article).join(ids, ids.c.id == col(Article.id))
    else:
        query = _newest_first(_after(feed_query(viewer, filters), filters, after), filters)
        query = query.limit(first + 1)
    if not bodies:
        query = query.options(*_WITHOUT_BODIES)
    rows = list((await session.execute(_with_category_and_cover(query))).all())
    rows.sort(key=lambda row: (getattr(row[0], filters.order.value), row[0].id), reverse=True)
    return Shown.of(rows[:first]), len(rows) > first


async def feed_count(*, session: AsyncSession, viewer: Viewer, filters: ArticleFilter) -> int:
    query = feed_query(viewer, filters).with_only_columns(func.count()).order_by(None)
    return (await session.scalar(query)) or 0


async def article_by_public_id(*, session: AsyncSession, viewer: Viewer, public_id: str) -> Shown:
    """The article (none or one) with its category and cover."""
    query = visible_articles(viewer).where(col(Article.public_id) == public_id)
    return Shown.of((await session.execute(_with_category_and_cover(query))).all())


async def articles_by_public_ids(
    *, session: AsyncSession, viewer: Viewer, public_ids: Sequence[str]
) -> dict[str, Article]:
    query = visible_articles(viewer).where(col(Article.public_id).in_(public_ids))
    return {article.public_id: article for article in await session.scalars(query)}


async def article_by_slug(
    *, session: AsyncSession, viewer: Viewer, locale: str, slug: str
) -> Shown:
    """The article with this slug now, or else the one that used to have it (old links
    resolve), with its category and cover."""
    current = visible_articles(viewer).where(
        col(Article.locale) == locale, col(Article.slug) == slug
    )
    found = Shown.of((await session.execute(_with_category_and_cover(current))).all())
    if found.articles:
        return found
    former = (
        visible_articles(viewer)
        .join(ArticleSlugHistory, col(ArticleSlugHistory.article_id) == col(Article.id))
        .where(col(ArticleSlugHistory.locale) == locale, col(ArticleSlugHistory.slug) == slug)
        .limit(1)
    )
    return Shown.of((await session.execute(_with_category_and_cover(former))).all())


_OWN_TAG = aliased(ArticleTag)
_OTHER_TAG = aliased(ArticleTag)
_SOURCE = aliased(Article)


def _related_ids(viewer: Viewer, source_id: int, per_article: int) -> Select[*tuple[Any, ...]]:
    """Walk the source's category newest first through its feed index and keep the articles
    that share a tag with it (one primary-key probe each), stopping at `per_article`. Starting
    from the tags instead reads every article of each tag and sorts them."""
    own, other, source = _OWN_TAG, _OTHER_TAG, _SOURCE
    shares_a_tag = (
        select(other.article_id)
        .where(
            col(other.article_id) == col(Article.id),
            col(other.tag_id).in_(
                select(own.tag_id).where(col(own.article_id) == source_id).scalar_subquery()
            ),
        )
        .exists()
    )
    category = select(source.category_id).where(col(source.id) == source_id).scalar_subquery()
    query = feed_query(viewer, ArticleFilter()).where(
        col(Article.category_id) == category, col(Article.id) != source_id, shares_a_tag
    )
    related: Select[*tuple[Any, ...]] = (
        _newest_first(query, ArticleFilter())
        .with_only_columns(col(Article.id).label("id"), literal(source_id).label("source_id"))
        .limit(per_article)
    )
    return related


async def related_by_shared_tags(
    *, session: AsyncSession, viewer: Viewer, article_ids: Sequence[int], per_article: int
) -> dict[int, list[Article]]:
    """For each article, the newest visible others of its category that share a tag with it,
    in one statement for many articles (one limited arm each)."""
    if not article_ids:
        return {}
    arms = [
        _related_ids(viewer, source_id, per_article).subquery().select()
        for source_id in article_ids
    ]
    ids = union_all(*arms).subquery()
    query = select(Article, ids.c.source_id).join(ids, ids.c.id == col(Article.id))
    grouped: dict[int, list[Article]] = defaultdict(list)
    for article, source_id in await session.execute(query):
        grouped[source_id].append(article)
    for related in grouped.values():
        related.sort(key=lambda article: (article.published_at, article.id), reverse=True)
    return grouped


async def translations_by_group(
    *, session: AsyncSession, viewer: Viewer, groups: Sequence[str]
) -> dict[str, list[Article]]:
    query = (
        visible_articles(viewer)
        .where(col(Article.translation_group).in_(groups))
        .order_by(col(Article.locale))
    )
    grouped: dict[str, list[Article]] = defaultdict(list)
    for article in await session.scalars(query):
        assert article.translation_group is not None
        grouped[article.translation_group].append(article)
    return grouped


async def tags_by_article_ids(
    *, session: AsyncSession, article_ids: Sequence[int]
) -> dict[int, list[TagEntity]]:
    query = (
        select(col(ArticleTag.article_id), TagEntity)
        .join(TagEntity, col(TagEntity.id) == col(ArticleTag.tag_id))
        .where(col(ArticleTag.article_id).in_(article_ids))
        .order_by(col(ArticleTag.article_id), col(ArticleTag.position), col(TagEntity.id))
    )
    grouped: dict[int, list[TagEntity]] = defaultdict(list)
    for article_id, tag in await session.execute(query):
        grouped[article_id].append(tag)
    return grouped
