"""Reading the curated home page of a language, and emptying slots whose time is over.

The layout is fixed by settings: one lead story, `CMS_HOME_TOP_SLOTS` top stories, and
`CMS_HOME_CATEGORY_SLOTS` picks for each top-level category shown in the menu. A slot shows its
article only while the article is published and the slot has not expired, checked as the page
is read, so neither ever shows for a moment too long; the scheduler then deletes such slots and
announces the change (`expire_home_slots`). Every slot left empty is filled with the newest
published articles not already on the page: of the language for the lead and top stories, of
the category and those below it for its picks.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, delete, or_, select

from cms import cache_tags
from cms.after_commit import emit, invalidate
from cms.cache_tags import CacheTag
from cms.events import Event, Topic
from cms.models import Article, ArticleStatus, Category, HomeSlot, HomeZone
from cms.models.columns import utcnow
from cms.services.articles import ArticleFilter, feed_query, visible_articles
from cms.services.categories import category_tree
from cms.services.viewer import ANONYMOUS
from cms.settings import Settings


@dataclass(frozen=True, slots=True)
class PlacedArticle:
    """An article in a slot, `curated` when an editor put it there, else the newest fill-in."""

    position: int
    article: Article
    curated: bool
    expires_at: datetime | None = None


@dataclass(slots=True)
class HomePageData:
    locale: str
    lead: PlacedArticle | None = None
    top: list[PlacedArticle] = field(default_factory=list)
    sections: list[tuple[Category, list[PlacedArticle]]] = field(default_factory=list)
    tags: set[CacheTag] = field(default_factory=set)
    """What the page shows, for the response cache."""


def zone_size(settings: Settings, zone: HomeZone) -> int:
    sizes = {
        HomeZone.LEAD: 1,
        HomeZone.TOP: settings.home_top_slots,
        HomeZone.CATEGORY: settings.home_category_slots,
    }
    return sizes[zone]


def home_changed(locale: str) -> Event:
    return Event(topic=Topic.HOME_CHANGED, locale=locale)


def showing(slot: HomeSlot, now: datetime) -> bool:
    return slot.expires_at is None or slot.expires_at > now


async def _curated(
    session: AsyncSession, locale: str, now: datetime
) -> list[tuple[HomeSlot, Article]]:
    """The locale's live slots with their articles, published ones only."""
    query = (
        visible_articles(ANONYMOUS)
        .add_columns(HomeSlot)
        .join(HomeSlot, col(HomeSlot.article_id) == col(Article.id))
        .where(
            col(HomeSlot.locale) == locale,
            or_(col(HomeSlot.expires_at).is_(None), col(HomeSlot.expires_at) > now),
        )
        .order_by(col(HomeSlot.position))
    )
    return [(slot, article) for article, slot in (await session.execute(query)).all()]


async def _newest(
    session: AsyncSession, filters: ArticleFilter, skip: set[int], count: int
) -> list[Article]:
    if count <= 0:
        return []
    query = (
        feed_query(ANONYMOUS, filters)
        .where(col(Article.id).not_in(skip))
        .order_by(col(Article.published_at).desc(), col(Article.id).desc())
        .limit(count)
    )
    return list((await session.scalars(query)).all())


async def _fill(
    session: AsyncSession,
    size: int,
    placed: dict[int, tuple[HomeSlot, Article]],
    filters: ArticleFilter,
    used: set[int],
) -> list[PlacedArticle]:
    """Positions 1..size: the curated article where there is one, else the newest unused."""
    spare = iter(await _newest(session, filters, used, size - len(placed)))
    filled = []
    for position in range(1, size + 1):
        if position in placed:
            slot, article = placed[position]
            filled.append(PlacedArticle(position, article, True, slot.expires_at))
            continue
        fallback = next(spare, None)
        if fallback is not None:
            assert fallback.id is not None
            used.add(fallback.id)
            filled.append(PlacedArticle(position, fallback, False))
    return filled


async def home_page(*, session: AsyncSession, settings: Settings, locale: str) -> HomePageData:
    now = utcnow()
    curated = await _curated(session, locale, now)
    used = {article.id for _, article in curated if article.id is not None}
    page = HomePageData(locale=locale, tags={cache_tags.home(locale), cache_tags.CATEGORIES})

    def zone(name: HomeZone, category_id: int | None = None) -> dict[int, tuple[HomeSlot, Article]]:
        return {
            slot.position: (slot, article)
            for slot, article in curated
            if slot.zone is name and slot.category_id == category_id
        }

    page.tags |= {cache_tags.ALL_FEED, cache_tags.locale_feed(locale)}
    everything = ArticleFilter(locale=locale)
    leads = await _fill(session, 1, zone(HomeZone.LEAD), everything, used)
    page.lead = leads[0] if leads else None
    page.top = await _fill(session, settings.home_top_slots, zone(HomeZone.TOP), everything, used)
    tree = await category_tree(session=session)
    for root in tree.roots:
        if not root.show_in_menu:
            continue
        assert root.id is not None
        page.tags.add(cache_tags.category_feed(root.id))
        inside = ArticleFilter(locale=locale, category_ids=tree.with_descendants(root))
        picks = zone(HomeZone.CATEGORY, root.id)
        filled = await _fill(session, settings.home_category_slots, picks, inside, used)
        page.sections.append((root, filled))
    shown = [page.lead, *page.top, *(p for _, picks in page.sections for p in picks)]
    page.tags |= {cache_tags.article(p.article.public_id) for p in shown if p is not None}
    return page


async def expire_home_slots(*, session: AsyncSession, now: datetime | None = None) -> int:
    """Delete the slots that expired or whose article left the site, and announce each page
    that changed; the read already hides them, this empties them for editors too."""
    now = now or utcnow()
    unpublished = select(Article.id).where(col(Article.status) != ArticleStatus.PUBLISHED)
    done = await session.execute(
        delete(HomeSlot)
        .where(or_(col(HomeSlot.expires_at) <= now, col(HomeSlot.article_id).in_(unpublished)))
        .returning(col(HomeSlot.locale))
        .execution_options(synchronize_session=False)
    )
    locales = [locale for (locale,) in done.all()]
    invalidate(session, {cache_tags.home(locale) for locale in locales})
    for locale in sorted(set(locales)):
        emit(session, home_changed(locale))
    await session.commit()
    return len(locales)
