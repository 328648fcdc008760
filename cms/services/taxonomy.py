"""Editing categories (a tree) and tags. Editors and admins only; every change is audited."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select, update

from cms import cache_tags
from cms.after_commit import invalidate
from cms.errors import CmsError, NotFound
from cms.models import Article, ArticleTag, Category, Tag, WebhookTopic
from cms.services import audit
from cms.services.article_slugs import SLUG_PATTERN
from cms.services.categories import category_tree
from cms.services.editorial import EditorialContext, retried
from cms.services.roles import EDITORS, Forbidden
from cms.services.slugs import slugify
from cms.services.webhooks import outbox


def _check_editor(ec: EditorialContext) -> None:
    if ec.user.role not in EDITORS:
        raise Forbidden("Only editors change categories and tags.")


def _names(ec: EditorialContext, names: Mapping[str, str], field: str) -> dict[str, str]:
    cleaned = {locale: text.strip() for locale, text in names.items() if text and text.strip()}
    unknown = sorted(set(cleaned) - set(ec.settings.locales))
    if unknown:
        raise CmsError(
            f"Unknown locale {unknown[0]!r}: use {', '.join(ec.settings.locales)}.", field=field
        )
    if field == "names" and not cleaned:
        raise CmsError("Give a name in at least one language.", field=field)
    if any(len(text) > 200 for text in cleaned.values()):
        raise CmsError("Names are at most 200 characters long.", field=field)
    return cleaned


def _slug(value: str, fallback_from: Mapping[str, str]) -> str:
    slug = (value or "").strip().lower() or slugify(next(iter(fallback_from.values()), ""))
    if not SLUG_PATTERN.match(slug) or len(slug) > 100:
        raise CmsError(
            "A slug uses lowercase Latin letters, digits and single hyphens.", field="slug"
        )
    return slug


async def _category(ec: EditorialContext, slug: str, field: str = "slug") -> Category:
    found = (await ec.session.scalars(select(Category).where(col(Category.slug) == slug))).first()
    if found is None:
        raise NotFound(f"No category with slug {slug!r}.", field=field)
    return found


async def _free_category_slug(ec: EditorialContext, slug: str, own_id: int | None) -> None:
    query = select(Category.id).where(col(Category.slug) == slug, col(Category.id) != own_id)
    if (await ec.session.scalars(query)).first() is not None:
        raise CmsError(f"The slug {slug!r} is taken by another category.", field="slug")


async def _parent_id(
    ec: EditorialContext, parent: str | None, moving: Category | None
) -> int | None:
    if not parent:
        return None
    found = await _category(ec, parent, field="parent")
    if moving is not None and moving.id is not None:
        tree = await category_tree(session=ec.session)
        if found.id in tree.with_descendants(moving):
            raise CmsError(
                "A category cannot move under itself or its own sub-category.", field="parent"
            )
    return found.id


async def create_category(ec: EditorialContext, data: Mapping[str, Any]) -> Category:
    """A new category; a concurrent create of the same slug makes this one "slug taken"."""
    return await retried(ec, lambda: _create_category(ec, data), IntegrityError)


async def _create_category(ec: EditorialContext, data: Mapping[str, Any]) -> Category:
    _check_editor(ec)
    names = _names(ec, data.get("names") or {}, "names")
    slug = _slug(data.get("slug") or "", names)
    await _free_category_slug(ec, slug, None)
    category = Category(
        slug=slug,
        names=names,
        descriptions=_names(ec, data.get("descriptions") or {}, "descriptions"),
        parent_id=await _parent_id(ec, data.get("parent"), None),
        position=data.get("position") or 0,
        show_in_menu=data.get("show_in_menu", True) is not False,
    )
    ec.session.add(category)
    await ec.session.flush()
    audit.record(ec.session, ec.viewer, "category.create", "category", category.id, slug=slug)
    invalidate(ec.session, {cache_tags.CATEGORIES})
    outbox.record(ec.session, WebhookTopic.CATEGORY_CREATED, id=category.id, slug=slug)
    await ec.session.commit()
    return category


async def update_category(ec: EditorialContext, slug: str, data: Mapping[str, Any]) -> Category:
    """Rename, move in the tree, reorder or hide a category."""
    _check_editor(ec)
    category = await _category(ec, slug)
    if "names" in data:
        category.names = category.names | _names(ec, data["names"] or {}, "names")
    if "descriptions" in data:
        category.descriptions = category.descriptions | _names(
            ec, data["descriptions"] or {}, "descriptions"
        )
    if data.get("new_slug"):
        new_slug = _slug(data["new_slug"], category.names)
        await _free_category_slug(ec, new_slug, category.id)
        category.slug = new_slug
    if "parent" in data:
        tree = await category_tree(session=ec.session)
        moved = set(tree.with_ancestors(category.parent_id))
        category.parent_id = await _parent_id(ec, data["parent"], category)
        moved |= set(tree.with_ancestors(category.parent_id))
        invalidate(ec.session, {cache_tags.category_feed(i) for i in moved})
    if data.get("position") is not None:
        category.position = data["position"]
    if data.get("show_in_menu") is not None:
        category.show_in_menu = data["show_in_menu"]
    ec.session.add(category)
    audit.record(
        ec.session, ec.viewer, "category.update", "category", category.id, fields=sorted(data)
    )
    invalidate(ec.session, {cache_tags.CATEGORIES, cache_tags.category_feed(category.id)})
    outbox.record(ec.session, WebhookTopic.CATEGORY_UPDATED, id=category.id, slug=category.slug)
    await ec.session.commit()
    return category


async def delete_category(ec: EditorialContext, slug: str, reassign_to: str | None) -> None:
    """Refused while articles use it, unless they are moved to `reassign_to`."""
    _check_editor(ec)
    category = await _category(ec, slug)
    count_query = select(func.count()).where(col(Article.category_id) == category.id)
    in_use = (await ec.session.scalar(count_query)) or 0
    if in_use and not reassign_to:
        raise CmsError(
            f"{in_use} article(s) are in {slug!r}. Give `reassignTo` to move them first.",
            field="reassign_to",
        )
    target_id = None
    if reassign_to:
        target = await _category(ec, reassign_to, field="reassign_to")
        target_id = target.id
        if target.id == category.id:
            raise CmsError("Move the articles to another category.", field="reassign_to")
        await ec.session.execute(
            update(Article)
            .where(col(Article.category_id) == category.id)
            .values(category_id=target.id)
        )
    await ec.session.execute(
        update(Category)
        .where(col(Category.parent_id) == category.id)
        .values(parent_id=category.parent_id)
    )
    audit.record(
        ec.session,
        ec.viewer,
        "category.delete",
        "category",
        category.id,
        slug=slug,
        reassigned=in_use,
        reassign_to=reassign_to,
    )
    stale = {cache_tags.CATEGORIES, cache_tags.category_feed(category.id)}
    invalidate(ec.session, stale | ({cache_tags.category_feed(target_id)} if target_id else set()))
    outbox.record(ec.session, WebhookTopic.CATEGORY_DELETED, id=category.id, slug=slug)
    await ec.session.delete(category)
    await ec.session.commit()


async def _tag(ec: EditorialContext, slug: str) -> Tag:
    found = (await ec.session.scalars(select(Tag).where(col(Tag.slug) == slug))).first()
    if found is None:
        raise NotFound(f"No tag with slug {slug!r}.", field="slug")
    return found


async def create_tag(ec: EditorialContext, data: Mapping[str, Any]) -> Tag:
    """A new tag; a concurrent create of the same slug makes this one "exists already"."""
    return await retried(ec, lambda: _create_tag(ec, data), IntegrityError)


async def _create_tag(ec: EditorialContext, data: Mapping[str, Any]) -> Tag:
    _check_editor(ec)
    names = _names(ec, data.get("names") or {}, "names")
    slug = _slug(data.get("slug") or "", names)
    if (await ec.session.scalars(select(Tag.id).where(col(Tag.slug) == slug))).first():
        raise CmsError(f"The tag {slug!r} exists already.", field="slug")
    tag = Tag(slug=slug, names=names)
    ec.session.add(tag)
    await ec.session.flush()
    audit.record(ec.session, ec.viewer, "tag.create", "tag", tag.id, slug=slug)
    invalidate(ec.session, {cache_tags.TAGS})
    outbox.record(ec.session, WebhookTopic.TAG_CREATED, id=tag.id, slug=slug)
    await ec.session.commit()
    return tag


async def rename_tag(ec: EditorialContext, slug: str, names: Mapping[str, str]) -> Tag:
    _check_editor(ec)
    tag = await _tag(ec, slug)
    tag.names = tag.names | _names(ec, names, "names")
    ec.session.add(tag)
    audit.record(ec.session, ec.viewer, "tag.update", "tag", tag.id)
    invalidate(ec.session, {cache_tags.tag(tag.id)})
    outbox.record(ec.session, WebhookTopic.TAG_UPDATED, id=tag.id, slug=tag.slug)
    await ec.session.commit()
    return tag


async def delete_tag(ec: EditorialContext, slug: str) -> None:
    _check_editor(ec)
    tag = await _tag(ec, slug)
    await ec.session.execute(delete(ArticleTag).where(col(ArticleTag.tag_id) == tag.id))
    audit.record(ec.session, ec.viewer, "tag.delete", "tag", tag.id, slug=slug)
    invalidate(ec.session, {cache_tags.tag(tag.id), cache_tags.tag_feed(tag.id)})
    outbox.record(ec.session, WebhookTopic.TAG_DELETED, id=tag.id, slug=slug)
    await ec.session.delete(tag)
    await ec.session.commit()
