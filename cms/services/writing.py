"""Writing an article's content: create, update, restore an earlier revision."""

import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, delete, select

from cms.errors import CmsError, NotFound
from cms.models import (
    Article,
    ArticleAuthor,
    ArticleTag,
    Category,
    Media,
    MediaKind,
    Revision,
    Tag,
)
from cms.services.article_slugs import choose_slug, retire_slug, slug_taken
from cms.services.articles import visible_articles
from cms.services.authors import profile_for_user
from cms.services.categories import tag_by_slug
from cms.services.editorial import (
    SNAPSHOT_FIELDS,
    EditorialContext,
    conflict,
    get_for_editing,
    mark_stale,
    retried,
    revise,
    save,
)
from cms.services.html import BodyFormat, prepare_body
from cms.services.roles import check_can_edit
from cms.services.slugs import slugify
from cms.services.text import plain_text, reading_time_minutes, sanitised_text
from cms.services.webhooks import outbox

LIMITS = {"title": 300, "lead": 1000, "source_name": 200, "seo_title": 300, "seo_description": 500}


def _text(changes: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    if name not in changes:
        return None
    value = (changes[name] or "").strip()
    if required and not value:
        raise CmsError(f"The {name.replace('_', ' ')} cannot be empty.", field=name)
    limit = LIMITS.get(name)
    if limit is not None and len(value) > limit:
        raise CmsError(
            f"The {name.replace('_', ' ')} is {len(value)} characters long; the limit is {limit}.",
            field=name,
        )
    return str(value)


def _url(value: str | None) -> str | None:
    if not value:
        return None
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE) or len(value) > 2000:
        raise CmsError("The source URL must be an http(s) address.", field="source_url")
    return value


async def _category_id(session: AsyncSession, slug: str | None) -> int | None:
    if not slug:
        return None
    found = (await session.scalars(select(Category.id).where(col(Category.slug) == slug))).first()
    if found is None:
        raise CmsError(f"No category with slug {slug!r}; see `categories`.", field="category")
    return int(found)


async def _cover_id(session: AsyncSession, media_id: int | None) -> int | None:
    if media_id is None:
        return None
    media = await session.get(Media, media_id)
    if media is None:
        raise CmsError("No media item with this id; see `mediaLibrary`.", field="cover")
    if media.kind is not MediaKind.IMAGE:
        raise CmsError(f"A cover must be an image, not {media.kind.value}.", field="cover")
    return media_id


async def _tags(session: AsyncSession, names: Sequence[str], locale: str) -> list[Tag]:
    """Tags by name, created when new, so an editor can just type them."""
    tags: list[Tag] = []
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        slug = slugify(name)
        if not slug:
            raise CmsError(f"The tag {name!r} has no letters or digits.", field="tags")
        tag = await tag_by_slug(session=session, slug=slug)  # or the tag it was merged into
        if tag is None:
            tag = Tag(slug=slug, names={locale: name})
            session.add(tag)
            await session.flush()
        tags.append(tag)
    return tags


async def _set_tags(session: AsyncSession, article_id: int, tags: Sequence[Tag]) -> None:
    await session.execute(delete(ArticleTag).where(col(ArticleTag.article_id) == article_id))
    for position, tag in enumerate(tags):
        assert tag.id is not None
        session.add(ArticleTag(article_id=article_id, tag_id=tag.id, position=position))


def _body(ec: EditorialContext, changes: Mapping[str, Any]) -> dict[str, Any]:
    if "body" not in changes:
        return {}
    body = prepare_body(
        changes["body"] or "",
        BodyFormat(changes.get("body_format") or BodyFormat.HTML),
        media_url_prefix=ec.settings.media_url_for(""),
        embed_hosts=frozenset(ec.settings.embed_hosts),
    )
    text = sanitised_text(body)
    return {"body": body, "body_text": text, "reading_time_minutes": reading_time_minutes(text)}


async def _translation_group(
    ec: EditorialContext, public_id: str | None, locale: str
) -> str | None:
    """The group of the article `public_id` names, which the writer must be able to see:
    linking to another writer's draft would change it and show that it exists."""
    if not public_id:
        return None
    query = visible_articles(ec.viewer).where(col(Article.public_id) == public_id)
    other = (await ec.session.scalars(query)).first()
    if other is None:
        raise NotFound(f"No article with public id {public_id!r}.", field="translation_of")
    if other.locale == locale:
        raise CmsError("A translation must be in another locale.", field="translation_of")
    if other.translation_group is None:
        other.translation_group = str(uuid.uuid4())
        ec.session.add(other)
    return other.translation_group


async def create_article(ec: EditorialContext, changes: Mapping[str, Any]) -> Article:
    return await retried(ec, lambda: _create_article(ec, changes), IntegrityError)


async def _create_article(ec: EditorialContext, changes: Mapping[str, Any]) -> Article:
    user = ec.user
    locale = changes.get("locale") or ec.settings.default_locale
    if locale not in ec.settings.locales:
        raise CmsError(
            f"Unknown locale {locale!r}: use one of {', '.join(ec.settings.locales)}.",
            field="locale",
        )
    title = _text(changes, "title", required=True)
    assert title is not None
    article = Article(
        locale=locale,
        title=title,
        slug=await choose_slug(ec, locale, title, changes.get("slug"), None),
        lead=_text(changes, "lead") or "",
        source_name=_text(changes, "source_name"),
        source_url=_url(changes.get("source_url")),
        seo_title=_text(changes, "seo_title"),
        seo_description=_text(changes, "seo_description"),
        category_id=await _category_id(ec.session, changes.get("category")),
        cover_id=await _cover_id(ec.session, changes.get("cover")),
        translation_group=await _translation_group(ec, changes.get("translation_of"), locale),
        created_by_id=user.id,
        updated_by_id=user.id,
        **_body(ec, changes),
    )
    tags = await _tags(ec.session, changes.get("tags") or [], locale)
    ec.session.add(article)
    await ec.session.flush()
    assert article.id is not None
    assert user.id is not None
    await _set_tags(ec.session, article.id, tags)
    byline = await profile_for_user(ec.session, user, ec.settings.locales)
    assert byline.id is not None
    ec.session.add(ArticleAuthor(article_id=article.id, author_id=byline.id))
    await ec.session.flush()
    await mark_stale(ec.session, article)
    await revise(ec, article, "article.create")
    await ec.session.commit()
    return article


async def update_article(
    ec: EditorialContext, public_id: str, version: int, changes: Mapping[str, Any]
) -> Article:
    return await retried(
        ec, lambda: _update_article(ec, public_id, version, changes), IntegrityError
    )


async def _update_article(
    ec: EditorialContext, public_id: str, version: int, changes: Mapping[str, Any]
) -> Article:
    article = await get_for_editing(ec, public_id)
    check_can_edit(ec.viewer, article)
    if article.version != version:
        raise await conflict(ec.session, article)
    assert article.id is not None
    values: dict[str, Any] = {}
    for name in ("lead", "source_name", "seo_title", "seo_description"):
        if name in changes:
            values[name] = _text(changes, name)
    if "title" in changes:
        values["title"] = _text(changes, "title", required=True)
    if "source_url" in changes:
        values["source_url"] = _url(changes["source_url"])
    if "category" in changes:
        values["category_id"] = await _category_id(ec.session, changes["category"])
    if "cover" in changes:
        values["cover_id"] = await _cover_id(ec.session, changes["cover"])
    if "translation_of" in changes:
        values["translation_group"] = await _translation_group(
            ec, changes["translation_of"], article.locale
        )
    values |= _body(ec, changes)
    if changes.get("slug") and changes["slug"] != article.slug:
        values["slug"] = await choose_slug(
            ec, article.locale, article.title, changes["slug"], article.id
        )
        await retire_slug(ec.session, article, values["slug"])
    tags = await _tags(ec.session, changes["tags"], article.locale) if "tags" in changes else None
    tag_ids = None if tags is None else [tag.id for tag in tags if tag.id is not None]
    await save(ec, article, values, version, tag_ids=tag_ids)
    if tags is not None:
        await _set_tags(ec.session, article.id, tags)
    await revise(ec, article, "article.update")
    outbox.article_updated(ec.session, article)
    await ec.session.commit()
    return article


async def restore_revision(ec: EditorialContext, public_id: str, version: int) -> Article:
    """Bring back the content of an earlier revision, saved as a new revision."""
    article = await get_for_editing(ec, public_id)
    check_can_edit(ec.viewer, article)
    assert article.id is not None
    query = select(Revision).where(
        col(Revision.article_id) == article.id, col(Revision.version) == version
    )
    revision = (await ec.session.scalars(query.order_by(col(Revision.id).desc()))).first()
    if revision is None:
        raise NotFound(f"The article has no revision {version}.", field="version")
    content = revision.content
    values = {name: content[name] for name in SNAPSHOT_FIELDS if name in content}
    if values.get("cover_id") and await ec.session.get(Media, values["cover_id"]) is None:
        values.pop("cover_id")
    if values.get("slug") and values["slug"] != article.slug:
        if await slug_taken(ec.session, article.locale, values["slug"], article.id):
            values.pop("slug")
        else:
            await retire_slug(ec.session, article, values["slug"])
    values["body_text"] = plain_text(values.get("body", article.body))
    values["reading_time_minutes"] = reading_time_minutes(values["body_text"])
    tags = (
        await ec.session.scalars(select(Tag).where(col(Tag.slug).in_(content.get("tags", []))))
    ).all()
    order = {slug: n for n, slug in enumerate(content.get("tags", []))}
    restored = sorted(tags, key=lambda t: order[t.slug])
    await save(
        ec, article, values, article.version, tag_ids=[t.id for t in restored if t.id is not None]
    )
    await _set_tags(ec.session, article.id, restored)
    await revise(ec, article, "article.restore")
    outbox.article_updated(ec.session, article)
    await ec.session.commit()
    return article
