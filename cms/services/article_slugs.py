"""An article's slug: the one the editor asks for if free, else one made from the title with the
next free number; a slug an article leaves keeps resolving to it."""

import re

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, delete, select

from cms.errors import CmsError
from cms.models import (
    Article,
    ArticleSlugHistory,
)
from cms.services.editorial import EditorialContext
from cms.services.slugs import slugify, with_suffix

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


async def slug_taken(session: AsyncSession, locale: str, slug: str, article_id: int | None) -> bool:
    current = select(Article.id).where(
        col(Article.locale) == locale, col(Article.slug) == slug, col(Article.id) != article_id
    )
    former = select(ArticleSlugHistory.article_id).where(
        col(ArticleSlugHistory.locale) == locale,
        col(ArticleSlugHistory.slug) == slug,
        col(ArticleSlugHistory.article_id) != article_id,
    )
    return (await session.scalars(current.union_all(former).limit(1))).first() is not None


async def _free_slug(session: AsyncSession, locale: str, base: str) -> str:
    prefix = base[:190]
    taken_now = select(Article.slug).where(
        col(Article.locale) == locale, col(Article.slug).startswith(prefix)
    )
    taken_before = select(ArticleSlugHistory.slug).where(
        col(ArticleSlugHistory.locale) == locale, col(ArticleSlugHistory.slug).startswith(prefix)
    )
    taken = set((await session.scalars(taken_now)).all())
    taken |= set((await session.scalars(taken_before)).all())
    return with_suffix(prefix, taken)


async def choose_slug(
    ec: EditorialContext, locale: str, title: str, requested: str | None, article_id: int | None
) -> str:
    if requested:
        slug = requested.strip().lower()
        if not SLUG_PATTERN.match(slug) or len(slug) > 200:
            raise CmsError(
                "A slug uses lowercase Latin letters, digits and single hyphens, like "
                "'wine-exports-rise'.",
                field="slug",
            )
        if await slug_taken(ec.session, locale, slug, article_id):
            raise CmsError(f"The slug {slug!r} is taken by another article.", field="slug")
        return slug
    return await _free_slug(ec.session, locale, slugify(title) or "article")


async def retire_slug(session: AsyncSession, article: Article, new_slug: str) -> None:
    """Keep the old slug resolving; a slug the article takes back is no longer "old"."""
    await session.execute(
        delete(ArticleSlugHistory).where(
            col(ArticleSlugHistory.locale) == article.locale,
            col(ArticleSlugHistory.slug) == new_slug,
        )
    )
    assert article.id is not None
    session.add(ArticleSlugHistory(article_id=article.id, locale=article.locale, slug=article.slug))
