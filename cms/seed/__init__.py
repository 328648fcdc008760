"""The demo newsroom behind `cms seed` and `cms serve --demo`: a bilingual business portal.

It fills an empty, migrated database in one transaction and refuses to touch one that already has
categories, so calling it on every start is safe. Times are relative to `now`, so the demo always
looks fresh; everything else (covers, views, order) is deterministic.
"""

import asyncio
import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from cms.models import (
    Article,
    ArticleStatus,
    ArticleTag,
    Category,
    LiveStream,
    Media,
    MediaKind,
    ProgrammeSlot,
    Tag,
    User,
)
from cms.seed.articles import STORIES, check_stories
from cms.seed.backgrounds import BACKGROUNDS
from cms.seed.bylines import bylines, front_pages
from cms.seed.categories import CATEGORIES, TAGS
from cms.seed.covers import PALETTES, Cover, render_cover
from cms.seed.live import STREAMS, day_schedule
from cms.seed.people import AUTHORS, DESKS
from cms.seed.stories import Story, render_body
from cms.seed.timeline import plan
from cms.services.slugs import slugify
from cms.services.text import plain_text, reading_time_minutes
from cms.settings import Settings
from cms.storage import Storage, content_key, storage_for

__all__ = ["SEED", "seed_demo"]

SEED = 2026
CREDIT = "Newsroom Graphics"
BREAKING_FOR = timedelta(hours=6)


async def seed_demo(
    session: AsyncSession, settings: Settings, *, now: datetime | None = None
) -> dict[str, int]:
    """Seed the demo newsroom into an empty database; return how many of each entity were made."""
    if (await session.scalars(select(Category.id).limit(1))).first() is not None:
        return {}
    now = datetime.now(UTC) if now is None else now
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    now = now.astimezone(UTC)
    check_stories(
        STORIES,
        categories={seed.slug for seed in CATEGORIES},
        tags={seed.slug for seed in TAGS},
        authors={seed.key for seed in AUTHORS},
        desks={desk.key for desk in DESKS},
    )
    rng = random.Random(SEED)
    try:
        categories = await _categories(session, now)
        tags = await _tags(session, now)
        authors = await _authors(session, now)
        covers = await _covers(session, storage_for(settings), categories, now)
        articles = await _articles(session, now, rng, categories, tags, authors, covers)
        profiles = await bylines(session, STORIES, articles, authors)
        home_slots = await front_pages(session, now, STORIES, articles, categories)
        streams, slots = await _live(session, settings, now, covers["live:tv-live"])
        await session.commit()
    except Exception:
        await session.rollback()
        raise
    return {
        "categories": len(categories),
        "tags": len(tags),
        "authors": len(authors),
        "author_profiles": profiles,
        "home_slots": home_slots,
        "media": len({id(media) for media in covers.values()}),
        "articles": len(articles),
        "published": sum(a.status == ArticleStatus.PUBLISHED for a in articles),
        "live_streams": streams,
        "programme_slots": slots,
    }


def _id(entity: Article | Tag | User | LiveStream) -> int:
    """The primary key of a flushed row."""
    if entity.id is None:
        raise RuntimeError(f"{type(entity).__name__} has not been flushed")
    return entity.id


async def _categories(session: AsyncSession, now: datetime) -> dict[str, Category]:
    """Parents first, so that children can point at them."""
    made: dict[str, Category] = {}
    for seeds in (
        [seed for seed in CATEGORIES if seed.parent is None],
        [seed for seed in CATEGORIES if seed.parent is not None],
    ):
        for seed in seeds:
            made[seed.slug] = Category(
                slug=seed.slug,
                names=dict(seed.names),
                descriptions=dict(seed.descriptions),
                parent_id=made[seed.parent].id if seed.parent else None,
                position=seed.position,
                show_in_menu=seed.show_in_menu,
                created_at=now - timedelta(days=120),
            )
            session.add(made[seed.slug])
        await session.flush()
    return made


async def _tags(session: AsyncSession, now: datetime) -> dict[str, Tag]:
    made = {
        seed.slug: Tag(slug=seed.slug, names=dict(seed.names), created_at=now - timedelta(days=90))
        for seed in TAGS
    }
    session.add_all(made.values())
    await session.flush()
    return made


async def _authors(session: AsyncSession, now: datetime) -> dict[str, User]:
    made = {
        seed.key: User(
            email=seed.email,
            display_name=seed.display_name,
            bio=seed.bio,
            password_hash="",
            role=seed.role,
            is_active=True,
            created_at=now - timedelta(days=150),
        )
        for seed in AUTHORS
    }
    session.add_all(made.values())
    await session.flush()
    return made


def _draw(jobs: Sequence[tuple[str, str]]) -> dict[str, Cover]:
    """Render each (key, palette) cover; runs in a worker thread."""
    return {key: render_cover(f"{SEED}:{key}", PALETTES[palette]) for key, palette in jobs}


def _alt_and_caption(story: Story, categories: dict[str, Category]) -> tuple[str, str]:
    words = PALETTES[story.category].words[story.locale]
    section = categories[story.category].names[story.locale]
    if story.locale == "ka":
        return (
            f"აბსტრაქტული გრაფიკა {words} ტონებში სტატიისთვის „{story.title}“",
            f"ილუსტრაცია: რუბრიკა „{section}“",
        )
    return (
        f"Abstract {words} graphic illustrating the story “{story.title}”",
        f"Illustration for the {section} section",
    )


async def _covers(
    session: AsyncSession, storage: Storage, categories: dict[str, Category], now: datetime
) -> dict[str, Media]:
    """One cover a story plus the TV Live poster; a design repeated by chance reuses its row."""
    jobs = [(story.key, story.category) for story in STORIES] + [("live:tv-live", "live")]
    drawn = await asyncio.to_thread(_draw, jobs)
    for cover in {cover.checksum: cover for cover in drawn.values()}.values():
        await storage.put(content_key(cover.data, "jpg"), cover.data, "image/jpeg")
    texts = {story.key: _alt_and_caption(story, categories) for story in STORIES}
    texts["live:tv-live"] = ("TV Live — პირდაპირი ეთერი", "TV Live")
    by_checksum: dict[str, Media] = {}
    made: dict[str, Media] = {}
    for key, cover in drawn.items():
        if cover.checksum not in by_checksum:
            alt, caption = texts[key]
            by_checksum[cover.checksum] = Media(
                kind=MediaKind.IMAGE,
                storage_key=content_key(cover.data, "jpg"),
                checksum=cover.checksum,
                mime_type="image/jpeg",
                size_bytes=len(cover.data),
                width=cover.width,
                height=cover.height,
                alt=alt[:500],
                caption=caption,
                credit=CREDIT,
                dominant_color=cover.dominant_color,
                original_filename=f"{key.replace(':', '-')}.jpg",
                created_at=now - timedelta(days=45),
            )
        made[key] = by_checksum[cover.checksum]
    session.add_all(by_checksum.values())
    await session.flush()
    return made


async def _articles(
    session: AsyncSession,
    now: datetime,
    rng: random.Random,
    categories: dict[str, Category],
    tags: dict[str, Tag],
    authors: dict[str, User],
    covers: dict[str, Media],
) -> list[Article]:
    timings = plan(STORIES, now, rng)
    groups = {story.pair for story in STORIES if story.pair is not None}
    translation_groups = {
        pair: str(uuid.UUID(int=rng.getrandbits(128), version=4)) for pair in sorted(groups)
    }
    desks = {desk.key: desk for desk in DESKS}
    articles: list[Article] = []
    for story in STORIES:
        desk, timing = desks[story.desk], timings[story.key]
        body = render_body(
            story, BACKGROUNDS[(story.category, story.locale)], desk.attribution(story.locale)
        )
        text = plain_text(body)
        author_id = authors[story.author].id
        slug = slugify(story.title)
        articles.append(
            Article(
                locale=story.locale,
                translation_group=translation_groups.get(story.pair or ""),
                slug=slug,
                title=story.title,
                lead=" ".join(story.lead.split()),
                body=body,
                body_text=text,
                reading_time_minutes=reading_time_minutes(text),
                status=story.status,
                published_at=timing.published_at,
                scheduled_at=timing.scheduled_at,
                created_at=timing.created_at,
                updated_at=timing.updated_at,
                category_id=categories[story.category].id,
                source_name=desk.names[story.locale],
                source_url=f"{desk.url}/{story.locale}/{slug}",
                cover_id=covers[story.key].id,
                is_featured=story.featured,
                is_breaking=story.breaking,
                breaking_until=now + BREAKING_FOR if story.breaking else None,
                views=timing.views,
                created_by_id=author_id,
                updated_by_id=author_id,
            )
        )
    session.add_all(articles)
    await session.flush()
    for story, article in zip(STORIES, articles, strict=True):
        article_id = _id(article)
        for position, tag in enumerate(story.tags):
            session.add(ArticleTag(article_id=article_id, tag_id=_id(tags[tag]), position=position))
    await session.flush()
    return articles


async def _live(
    session: AsyncSession, settings: Settings, now: datetime, poster: Media
) -> tuple[int, int]:
    """The channels, TV Live on air for a few hours, and its programme for the whole local day."""
    streams = [
        LiveStream(
            slug=seed.slug,
            title=seed.title,
            description=seed.description,
            status=seed.status,
            playback_url=seed.playback_url,
            poster_id=poster.id if seed.is_primary else None,
            started_at=now - timedelta(hours=3, minutes=12) if seed.is_primary else None,
            is_primary=seed.is_primary,
            position=seed.position,
            created_at=now - timedelta(days=60),
            updated_at=now - timedelta(hours=3, minutes=12),
        )
        for seed in STREAMS
    ]
    session.add_all(streams)
    await session.flush()
    primary = next(stream for stream in streams if stream.is_primary)
    slots = [
        ProgrammeSlot(
            stream_id=_id(primary),
            title=slot.title,
            description=slot.description,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )
        for slot in day_schedule(now, settings.zone)
    ]
    session.add_all(slots)
    await session.flush()
    return len(streams), len(slots)
