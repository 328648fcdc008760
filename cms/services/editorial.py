"""Writing articles: create, update with optimistic locking, status transitions, revisions.

Every function runs as one transaction: it validates everything first, writes, records a
revision and an audit entry, and commits; an error anywhere leaves the database as it was.

Checks read before they write, so a concurrent editor can get in between: the unique slug
constraint or the version check then refuses the late write, the transaction rolls back whole,
and the action runs again from a fresh read (`retried`), where the check sees the winner and
answers as if the winner had come first: "slug taken", "already published", or a slug made from
the title with the next free number.
"""

import re
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, delete, select, update

from cms import invalidation
from cms.errors import CmsError, NotFound
from cms.events import Event, Topic, emit
from cms.models import (
    Article,
    ArticleAuthor,
    ArticleSlugHistory,
    ArticleTag,
    Category,
    Media,
    MediaKind,
    Revision,
    Tag,
    User,
)
from cms.models.columns import utcnow
from cms.services import audit
from cms.services.articles import visible_articles
from cms.services.categories import category_tree
from cms.services.html import BodyFormat, prepare_body
from cms.services.lifecycle import (
    EDITORS,
    Forbidden,
    Transition,
    check_can_edit,
    check_can_read_history,
    check_can_transition,
    target_status,
)
from cms.services.slugs import slugify, with_suffix
from cms.services.text import plain_text, reading_time_minutes
from cms.services.viewer import Viewer
from cms.settings import Settings

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LIMITS = {"title": 300, "lead": 1000, "source_name": 200, "seo_title": 300, "seo_description": 500}
SNAPSHOT_FIELDS = (
    "title",
    "slug",
    "lead",
    "body",
    "category_id",
    "source_name",
    "source_url",
    "seo_title",
    "seo_description",
    "cover_id",
)
SCHEDULE_MARGIN = timedelta(seconds=30)
# Each lost race means another editor's write went in, so N editors racing need N attempts.
ATTEMPTS = 5
T = TypeVar("T")


class Conflict(CmsError):
    code = "CONFLICT"


@dataclass(frozen=True, slots=True)
class EditorialContext:
    session: AsyncSession
    settings: Settings
    viewer: Viewer

    @property
    def user(self) -> User:
        if self.viewer.user is None:
            raise Forbidden("Sign in first.")
        return self.viewer.user


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


async def _slug_taken(
    session: AsyncSession, locale: str, slug: str, article_id: int | None
) -> bool:
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


async def _choose_slug(
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
        if await _slug_taken(ec.session, locale, slug, article_id):
            raise CmsError(f"The slug {slug!r} is taken by another article.", field="slug")
        return slug
    return await _free_slug(ec.session, locale, slugify(title) or "article")


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
        tag = (await session.scalars(select(Tag).where(col(Tag.slug) == slug))).first()
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
    text = plain_text(body)
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


async def _tag_slugs(session: AsyncSession, article_id: int) -> list[str]:
    query = (
        select(Tag.slug)
        .join(ArticleTag, col(ArticleTag.tag_id) == col(Tag.id))
        .where(col(ArticleTag.article_id) == article_id)
        .order_by(col(ArticleTag.position))
    )
    return list((await session.scalars(query)).all())


async def _revise(ec: EditorialContext, article: Article, action: str) -> None:
    """Store the saved state as a revision, with the fields that differ from the last one,
    and the act in the audit log."""
    assert article.id is not None
    await ec.session.flush()
    await mark_stale(ec.session, article)
    content = {name: getattr(article, name) for name in SNAPSHOT_FIELDS}
    content["status"] = article.status.value
    content["tags"] = await _tag_slugs(ec.session, article.id)
    last = select(Revision.content).where(col(Revision.article_id) == article.id)
    before = (await ec.session.scalars(last.order_by(col(Revision.id).desc()).limit(1))).first()
    changed = [k for k, v in content.items() if (before or {}).get(k) != v and (before or v)]
    ec.session.add(
        Revision(
            article_id=article.id,
            version=article.version,
            author_id=ec.user.id,
            changed_fields=sorted(changed),
            content=content,
        )
    )
    audit.record(ec.session, ec.viewer, action, "article", article.id, version=article.version)


async def mark_stale(session: AsyncSession, article: Article) -> None:
    """Announce, on commit, every cached response that shows this article as it is now."""
    assert article.id is not None
    tree = await category_tree(session=session)
    tag_ids = await session.scalars(
        select(ArticleTag.tag_id).where(col(ArticleTag.article_id) == article.id)
    )
    invalidation.touch(
        session,
        invalidation.article_tags(article, tree.with_ancestors(article.category_id), tag_ids),
    )


async def get_for_editing(ec: EditorialContext, public_id: str) -> Article:
    found = (
        await ec.session.scalars(select(Article).where(col(Article.public_id) == public_id))
    ).first()
    if found is None:
        raise NotFound(f"No article with public id {public_id!r}.", field="id")
    return found


def _sqlite_locked(error: Exception) -> bool:
    """SQLite has one writer: a transaction that read before another one committed cannot
    write (SQLITE_BUSY_SNAPSHOT, at once), and a writer can wait past the busy timeout. Both
    are told `database is locked`, and both succeed when run again from a fresh read."""
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


async def retried(
    ec: EditorialContext, write: Callable[[], Awaitable[T]], *lost_race: type[Exception]
) -> T:
    """`write()`, run again from a fresh read after losing a race to a concurrent transaction."""
    for _ in range(ATTEMPTS - 1):
        try:
            return await write()
        except Exception as error:
            if not (isinstance(error, lost_race) or _sqlite_locked(error)):
                raise
            await ec.session.rollback()
    return await write()


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
        slug=await _choose_slug(ec, locale, title, changes.get("slug"), None),
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
    ec.session.add(ArticleAuthor(article_id=article.id, user_id=user.id))
    await ec.session.flush()
    await _revise(ec, article, "article.create")
    await ec.session.commit()
    return article


async def _conflict(session: AsyncSession, article: Article) -> Conflict:
    editor = await session.get(User, article.updated_by_id) if article.updated_by_id else None
    who = editor.display_name if editor else "someone"
    return Conflict(
        f"This article was changed by {who} since you opened it; it is now at version "
        f"{article.version}. Reload it and apply your changes again.",
        field="version",
    )


async def _save(
    ec: EditorialContext, article: Article, values: dict[str, Any], expected_version: int
) -> None:
    """Write `values` only if nobody saved since `expected_version`; bump the version."""
    assert article.id is not None
    await mark_stale(ec.session, article)
    values |= {"version": expected_version + 1, "updated_at": utcnow(), "updated_by_id": ec.user.id}
    result = await ec.session.execute(
        update(Article)
        .where(col(Article.id) == article.id, col(Article.version) == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await ec.session.rollback()
        await ec.session.refresh(article)
        raise await _conflict(ec.session, article)
    await ec.session.refresh(article)
    await mark_stale(ec.session, article)


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
        raise await _conflict(ec.session, article)
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
        values["slug"] = await _choose_slug(
            ec, article.locale, article.title, changes["slug"], article.id
        )
        await _retire_slug(ec.session, article, values["slug"])
    tags = await _tags(ec.session, changes["tags"], article.locale) if "tags" in changes else None
    await _save(ec, article, values, version)
    if tags is not None:
        await _set_tags(ec.session, article.id, tags)
    await _revise(ec, article, "article.update")
    await ec.session.commit()
    return article


async def _retire_slug(session: AsyncSession, article: Article, new_slug: str) -> None:
    """Keep the old slug resolving; a slug the article takes back is no longer "old"."""
    await session.execute(
        delete(ArticleSlugHistory).where(
            col(ArticleSlugHistory.locale) == article.locale,
            col(ArticleSlugHistory.slug) == new_slug,
        )
    )
    assert article.id is not None
    session.add(ArticleSlugHistory(article_id=article.id, locale=article.locale, slug=article.slug))


async def transition(
    ec: EditorialContext,
    public_id: str,
    step: Transition,
    *,
    scheduled_at: datetime | None = None,
) -> Article:
    """Move the article to the step's status. A transition names no version, so a save that
    slips in first is no conflict for the editor: the step is decided again on the saved row."""
    return await retried(
        ec, lambda: _transition(ec, public_id, step, scheduled_at=scheduled_at), Conflict
    )


async def _transition(
    ec: EditorialContext,
    public_id: str,
    step: Transition,
    *,
    scheduled_at: datetime | None = None,
) -> Article:
    article = await get_for_editing(ec, public_id)
    check_can_transition(ec.viewer, article, step)
    status = target_status(article, step)
    values: dict[str, Any] = {"status": status}
    if step is Transition.SCHEDULE:
        if scheduled_at is None or scheduled_at.tzinfo is None:
            raise CmsError(
                "Give the time with its offset, e.g. 2026-12-01T09:00:00+04:00.",
                field="scheduled_at",
            )
        if scheduled_at < utcnow() + SCHEDULE_MARGIN:
            raise CmsError(
                "The scheduled time is in the past; choose a later time.", field="scheduled_at"
            )
        values["scheduled_at"] = scheduled_at
    elif step is Transition.PUBLISH:
        values |= {"published_at": article.published_at or utcnow(), "scheduled_at": None}
    elif step is Transition.UNPUBLISH:
        values["scheduled_at"] = None
    await _save(ec, article, values, article.version)
    await _revise(ec, article, f"article.{step.name.lower()}")
    if step is Transition.PUBLISH:
        emit(ec.session, published_event(article))
    await ec.session.commit()
    return article


def published_event(article: Article) -> Event:
    return Event(
        Topic.ARTICLE_PUBLISHED,
        article=article.public_id,
        locale=article.locale,
        category_id=article.category_id,
    )


def breaking_event(public_id: str, locale: str) -> Event:
    return Event(Topic.BREAKING_CHANGED, article=public_id, locale=locale)


async def set_flags(
    ec: EditorialContext,
    public_id: str,
    *,
    featured: bool | None = None,
    breaking: bool | None = None,
    breaking_until: datetime | None = None,
) -> Article:
    """Feature or mark breaking; like a transition, on the saved row if a save slips in first."""
    return await retried(
        ec,
        lambda: _set_flags(
            ec, public_id, featured=featured, breaking=breaking, breaking_until=breaking_until
        ),
        Conflict,
    )


async def _set_flags(
    ec: EditorialContext,
    public_id: str,
    *,
    featured: bool | None = None,
    breaking: bool | None = None,
    breaking_until: datetime | None = None,
) -> Article:
    if ec.user.role not in EDITORS:
        raise Forbidden("Only editors feature articles or mark breaking news.")
    article = await get_for_editing(ec, public_id)
    values: dict[str, Any] = {}
    if featured is not None:
        values["is_featured"] = featured
    if breaking is not None:
        if breaking and breaking_until is not None and breaking_until <= utcnow():
            raise CmsError("The breaking flag must expire in the future.", field="until")
        values |= {"is_breaking": breaking, "breaking_until": breaking_until if breaking else None}
    await _save(ec, article, values, article.version)
    audit.record(
        ec.session,
        ec.viewer,
        "article.flags",
        "article",
        article.id,
        **{
            k: v.isoformat() if isinstance(v, datetime) else v
            for k, v in values.items()
            if k in ("is_featured", "is_breaking", "breaking_until")
        },
    )
    if breaking is not None:
        emit(ec.session, breaking_event(article.public_id, article.locale))
    await ec.session.commit()
    return article


async def delete_article(ec: EditorialContext, public_id: str) -> None:
    if ec.user.role not in EDITORS:
        raise Forbidden("Only editors delete articles.")
    article = await get_for_editing(ec, public_id)
    audit.record(
        ec.session,
        ec.viewer,
        "article.delete",
        "article",
        article.id,
        title=article.title,
        public_id=article.public_id,
    )
    await mark_stale(ec.session, article)
    await ec.session.delete(article)
    await ec.session.commit()


async def revisions(session: AsyncSession, article_id: int, viewer: Viewer) -> list[Revision]:
    """An article's saved states, newest first, for those who may read its history."""
    article = await session.get(Article, article_id)
    if article is None:
        raise NotFound("No such article.")
    check_can_read_history(viewer, article)
    query = (
        select(Revision)
        .where(col(Revision.article_id) == article_id)
        .order_by(col(Revision.version).desc(), col(Revision.id).desc())
    )
    return list((await session.scalars(query)).all())


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
        if await _slug_taken(ec.session, article.locale, values["slug"], article.id):
            values.pop("slug")
        else:
            await _retire_slug(ec.session, article, values["slug"])
    values["body_text"] = plain_text(values.get("body", article.body))
    values["reading_time_minutes"] = reading_time_minutes(values["body_text"])
    tags = (
        await ec.session.scalars(select(Tag).where(col(Tag.slug).in_(content.get("tags", []))))
    ).all()
    await _save(ec, article, values, article.version)
    order = {slug: n for n, slug in enumerate(content.get("tags", []))}
    await _set_tags(ec.session, article.id, sorted(tags, key=lambda t: order[t.slug]))
    await _revise(ec, article, "article.restore")
    await ec.session.commit()
    return article
