"""The names of cached responses' contents: every tag a reader records and a write invalidates is
built here, so that both sides spell it alike (a typo would silently keep stale pages).

A tag is a `CacheTag`, never a bare string: mypy refuses a hand-written one on either side.
"""

from collections.abc import Iterable
from typing import NewType

from cms.models import Article, ArticleStatus

CacheTag = NewType("CacheTag", str)

# Constructors taking an entity's id accept the `int | None` of SQLModel ids: an entity a page
# shows or a write changes was saved, so it has one.

CATEGORIES = CacheTag("categories")
"""Any response listing or naming categories (the menu, an article's category)."""
TAGS = CacheTag("tags")
"""Any response listing tags or looking one up by slug."""
AUTHORS = CacheTag("authors")
"""Any response looking an author up by slug, also when none has it yet."""
LIVE = CacheTag("live")
"""Any response showing a stream or the programme."""
ALL_FEED = CacheTag("feed:all")
FEATURED_FEED = CacheTag("feed:featured")


def home(locale: str) -> CacheTag:
    """A language's curated home page: its slots, not the articles in them."""
    return CacheTag(f"home:{locale}")


def article(public_id: str) -> CacheTag:
    return CacheTag(f"article:{public_id}")


def article_slug(locale: str, slug: str) -> CacheTag:
    """An article looked up by slug, also when none has it yet (a cached "not found")."""
    return CacheTag(f"slug:{locale}:{slug}")


def translation_group(group: str) -> CacheTag:
    return CacheTag(f"group:{group}")


def locale_feed(locale: str) -> CacheTag:
    return CacheTag(f"feed:locale:{locale}")


def category_feed(category_id: int | None) -> CacheTag:
    assert category_id is not None, "an unsaved entity is on no page"
    return CacheTag(f"feed:category:{category_id}")


def tag_feed(tag_id: int | None) -> CacheTag:
    assert tag_id is not None, "an unsaved entity is on no page"
    return CacheTag(f"feed:tag:{tag_id}")


def tag(tag_id: int | None) -> CacheTag:
    """A tag's own fields (its names)."""
    assert tag_id is not None, "an unsaved entity is on no page"
    return CacheTag(f"tag:{tag_id}")


def author(author_id: int | None) -> CacheTag:
    """An author profile's own fields (names, biography, photo, links)."""
    assert author_id is not None, "an unsaved entity is on no page"
    return CacheTag(f"author:{author_id}")


def media(media_id: int | None) -> CacheTag:
    assert media_id is not None, "an unsaved entity is on no page"
    return CacheTag(f"media:{media_id}")


def showing_article(
    shown: Article, category_ids: Iterable[int], tag_ids: Iterable[int]
) -> set[CacheTag]:
    """Everything that shows this article: itself, and, once published, every list it can
    appear in (its category's and every ancestor's, whose pages include sub-categories)."""
    tags = {article(shown.public_id), article_slug(shown.locale, shown.slug)}
    if shown.status != ArticleStatus.PUBLISHED:
        return tags
    tags |= {ALL_FEED, locale_feed(shown.locale)}
    if shown.is_featured:
        tags.add(FEATURED_FEED)
    tags |= {category_feed(category_id) for category_id in category_ids}
    tags |= {tag_feed(tag_id) for tag_id in tag_ids}
    if shown.translation_group:
        tags.add(translation_group(shown.translation_group))
    return tags
