"""Merging one tag into another: two spellings of one subject become one tag.

Every article of the merged tag gets the kept one (once, in the merged tag's place), the merged
tag's slug becomes an alias, so `tag(slug:)` with an old link finds the kept tag, and every
cached page that listed or named either tag is refreshed. One transaction: a failure keeps both.
"""

from sqlmodel import col, delete, select, update

from cms import cache_tags
from cms.after_commit import invalidate
from cms.errors import CmsError, NotFound
from cms.models import Article, ArticleTag, Tag, TagAlias
from cms.services import audit
from cms.services.editorial import EditorialContext
from cms.services.roles import EDITORS, Forbidden


async def _tag(ec: EditorialContext, slug: str, field: str) -> Tag:
    found = (await ec.session.scalars(select(Tag).where(col(Tag.slug) == slug))).first()
    if found is None:
        raise NotFound(f"No tag with slug {slug!r}.", field=field)
    return found


async def merge_tags(ec: EditorialContext, source_slug: str, target_slug: str) -> Tag:
    """Fold the tag `source_slug` into `target_slug`; the kept tag."""
    if ec.user.role not in EDITORS:
        raise Forbidden("Only editors merge tags.")
    source = await _tag(ec, source_slug.strip(), "source")
    target = await _tag(ec, target_slug.strip(), "target")
    if source.id == target.id:
        raise CmsError("A tag cannot be merged into itself; choose another tag.", field="target")
    assert target.id is not None
    has_target = select(ArticleTag.article_id).where(col(ArticleTag.tag_id) == target.id)
    public_ids = await ec.session.scalars(
        select(Article.public_id)
        .join(ArticleTag, col(ArticleTag.article_id) == col(Article.id))
        .where(col(ArticleTag.tag_id) == source.id)
    )
    touched = list(public_ids)
    await ec.session.execute(
        delete(ArticleTag).where(
            col(ArticleTag.tag_id) == source.id, col(ArticleTag.article_id).in_(has_target)
        )
    )
    await ec.session.execute(
        update(ArticleTag).where(col(ArticleTag.tag_id) == source.id).values(tag_id=target.id)
    )
    await ec.session.execute(
        update(TagAlias).where(col(TagAlias.tag_id) == source.id).values(tag_id=target.id)
    )
    await ec.session.execute(delete(TagAlias).where(col(TagAlias.slug) == source.slug))
    ec.session.add(TagAlias(slug=source.slug, tag_id=target.id))
    audit.record(
        ec.session,
        ec.viewer,
        "tag.merge",
        "tag",
        target.id,
        merged=source.slug,
        articles=len(touched),
    )
    invalidate(
        ec.session,
        {
            cache_tags.TAGS,
            cache_tags.tag(source.id),
            cache_tags.tag(target.id),
            cache_tags.tag_feed(source.id),
            cache_tags.tag_feed(target.id),
            *(cache_tags.article(public_id) for public_id in touched),
        },
    )
    await ec.session.delete(source)
    await ec.session.commit()
    return target
