"""The stable keys of the small tables, both ways: database id to key and key to id.

Loaded once per run and kept up to date as an import adds rows, so that an article's category,
tags, authors and cover are found without a query per article.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from cms.models import (
    Article,
    ArticleAuthor,
    ArticleCorrection,
    ArticleSlugHistory,
    ArticleTag,
    AuthorProfile,
    Category,
    LiveBlogUpdate,
    Media,
    Tag,
    User,
)
from cms.transfer.records import article_record, correction_record, live_entry_record


@dataclass(slots=True)
class KeyMap:
    by_id: dict[int, str] = field(default_factory=dict)
    by_key: dict[str, int] = field(default_factory=dict)

    def add(self, row_id: int | None, key: str) -> None:
        assert row_id is not None
        self.by_id[row_id] = key
        self.by_key[key] = row_id


@dataclass(slots=True)
class Keys:
    categories: KeyMap = field(default_factory=KeyMap)
    tags: KeyMap = field(default_factory=KeyMap)
    users: KeyMap = field(default_factory=KeyMap)
    media: KeyMap = field(default_factory=KeyMap)
    authors: KeyMap = field(default_factory=KeyMap)


async def load_keys(session: AsyncSession) -> Keys:
    keys = Keys()
    for target, query in (
        (keys.categories, select(Category.id, Category.slug)),
        (keys.tags, select(Tag.id, Tag.slug)),
        (keys.users, select(User.id, User.email)),
        (keys.media, select(Media.id, Media.checksum)),
        (keys.authors, select(AuthorProfile.id, AuthorProfile.slug)),
    ):
        for row_id, key in await session.execute(query):
            target.add(row_id, key)
    return keys


async def article_records(
    session: AsyncSession, articles: Sequence[Article], keys: Keys
) -> list[dict[str, Any]]:
    """The records of a batch of articles, with five queries for the whole batch."""
    ids = [article.id for article in articles]
    tags: dict[int, list[str]] = defaultdict(list)
    authors: dict[int, list[str]] = defaultdict(list)
    former: dict[int, list[str]] = defaultdict(list)
    tag_rows = select(ArticleTag.article_id, ArticleTag.tag_id).where(
        col(ArticleTag.article_id).in_(ids)
    )
    for article_id, tag_id in await session.execute(
        tag_rows.order_by(col(ArticleTag.article_id), col(ArticleTag.position))
    ):
        tags[article_id].append(keys.tags.by_id[tag_id])
    author_rows = select(ArticleAuthor.article_id, ArticleAuthor.author_id).where(
        col(ArticleAuthor.article_id).in_(ids)
    )
    for article_id, author_id in await session.execute(
        author_rows.order_by(col(ArticleAuthor.article_id), col(ArticleAuthor.position))
    ):
        authors[article_id].append(keys.authors.by_id[author_id])
    corrections: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for correction in await session.scalars(
        select(ArticleCorrection).where(col(ArticleCorrection.article_id).in_(ids))
    ):
        corrections[correction.article_id].append(
            correction_record(correction.text, correction.corrected_at)
        )
    entries: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in await session.scalars(
        select(LiveBlogUpdate).where(col(LiveBlogUpdate.article_id).in_(ids))
    ):
        entries[entry.article_id].append(
            live_entry_record(
                entry.body,
                entry.created_at,
                keys.users.by_id.get(entry.author_id or 0),
                entry.edited_at,
                entry.pinned_at,
            )
        )
    history = select(ArticleSlugHistory.article_id, ArticleSlugHistory.slug).where(
        col(ArticleSlugHistory.article_id).in_(ids)
    )
    for article_id, slug in await session.execute(history):
        former[article_id].append(slug)
    return [
        article_record(
            article,
            category=keys.categories.by_id.get(article.category_id or 0),
            tags=tags[article.id or 0],
            authors=authors[article.id or 0],
            former_slugs=former[article.id or 0],
            cover=keys.media.by_id.get(article.cover_id or 0),
            corrections=corrections[article.id or 0],
            live_blog=entries[article.id or 0],
        )
        for article in articles
    ]


async def articles_by_public_id(session: AsyncSession, public_ids: Sequence[str]) -> list[Article]:
    query = select(Article).where(col(Article.public_id).in_(public_ids))
    return list((await session.scalars(query)).all())
