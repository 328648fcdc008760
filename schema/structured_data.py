"""`Article.jsonLd`: the parts the structured data names, read through the request's loaders (so a
list of articles costs one statement per part), handed to `cms.services.structured_data`."""

import asyncio
import json
from typing import TYPE_CHECKING, Any

from cms import cache_tags
from cms.models import Article as ArticleEntity
from cms.models import Media
from cms.services.structured_data import ArticleParts, news_article
from schema.context import Info

if TYPE_CHECKING:
    from schema.article import Article


async def _cover(info: Info, media_id: int | None) -> Media | None:
    if media_id is None:
        return None
    info.context.shows(cache_tags.media(media_id))
    return info.context.loaders.seen_cover(media_id) or await info.context.loaders.media_by_id.load(
        media_id
    )


def script_text(data: dict[str, Any]) -> str:
    """JSON that cannot end the `<script>` element it is put in, nor open a comment there:
    `<`, `>` and `&` are written as JSON escapes, which mean the same to a JSON parser."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


async def json_ld(info: Info, article: "Article") -> str:
    loaders = info.context.loaders
    authors, tags, corrections, cover = await asyncio.gather(
        loaders.authors_by_article_id.load(article.entity_id),
        loaders.tags_by_article_id.load(article.entity_id),
        loaders.corrections_by_article_id.load(article.entity_id),
        _cover(info, article.cover_id),
    )
    category = None
    if article.category_id is not None:
        info.context.shows(cache_tags.CATEGORIES)
        category = await loaders.category(article.category_id)
    info.context.shows(*(cache_tags.author(author.id) for author in authors))
    info.context.shows(*(cache_tags.tag(tag.id) for tag in tags))
    entity = ArticleEntity(
        id=article.entity_id,
        public_id=article.public_id,
        locale=article.locale,
        slug=article.slug,
        title=article.title,
        lead=article.lead,
        body_text=article.body_plain or "",
        published_at=article.published_at,
        updated_at=article.updated_at,
        seo_title=article.seo_title,
        seo_description=article.seo_description,
        source_name=article.source_name,
    )
    parts = ArticleParts(
        authors=authors, category=category, cover=cover, tags=tags, corrections=corrections
    )
    return script_text(news_article(info.context.settings, entity, parts))
