"""Author profiles and bylines.

A profile is who readers see in a byline: a name per language, a slug for the author's page and
feed, a short biography per language, a photo and links. A staff account gets its profile the
first time it writes (`profile_for_user`); a contributor or a wire agency without an account is
a profile an editor creates. Editors create and edit profiles, and choose an article's authors,
in order.
"""

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, delete, select

from cms import cache_tags
from cms.after_commit import invalidate
from cms.errors import CmsError, NotFound
from cms.models import Article, ArticleAuthor, AuthorProfile, Media, MediaKind, User
from cms.services import audit
from cms.services.article_slugs import SLUG_PATTERN
from cms.services.editorial import (
    EditorialContext,
    conflict,
    get_for_editing,
    retried,
    revise,
    save,
)
from cms.services.roles import EDITORS, Forbidden
from cms.services.slugs import slugify, with_suffix

NAME_MAX = 200
BIO_MAX = 2000
LINKS_MAX = 10
AUTHORS_MAX = 10
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


async def profile_for_user(
    session: AsyncSession, user: User, locales: Sequence[str]
) -> AuthorProfile:
    """The account's own profile, made from its display name and bio when it has none."""
    found = (
        await session.scalars(select(AuthorProfile).where(col(AuthorProfile.user_id) == user.id))
    ).first()
    if found is not None:
        return found
    taken = set(await session.scalars(select(AuthorProfile.slug)))
    slug = with_suffix(slugify(user.display_name) or f"author-{user.id}", taken)
    names = dict.fromkeys(locales, user.display_name)
    profile = AuthorProfile(
        slug=slug, names=names, bios=dict.fromkeys(names, user.bio) if user.bio else {}
    )
    profile.user_id = user.id
    session.add(profile)
    await session.flush()
    return profile


async def authors_by_article_ids(
    *, session: AsyncSession, article_ids: Sequence[int]
) -> dict[int, list[AuthorProfile]]:
    """Each article's bylines, in order."""
    query = (
        select(col(ArticleAuthor.article_id), AuthorProfile)
        .join(AuthorProfile, col(AuthorProfile.id) == col(ArticleAuthor.author_id))
        .where(col(ArticleAuthor.article_id).in_(article_ids))
        .order_by(col(ArticleAuthor.article_id), col(ArticleAuthor.position), col(AuthorProfile.id))
    )
    grouped: dict[int, list[AuthorProfile]] = defaultdict(list)
    for article_id, author in await session.execute(query):
        grouped[article_id].append(author)
    return grouped


async def authors_by_user_ids(
    *, session: AsyncSession, user_ids: Sequence[int]
) -> dict[int, AuthorProfile]:
    """The profiles of these staff accounts, those that have one."""
    query = select(AuthorProfile).where(col(AuthorProfile.user_id).in_(user_ids))
    return {a.user_id: a for a in await session.scalars(query) if a.user_id is not None}


async def author_by_slug(*, session: AsyncSession, slug: str) -> AuthorProfile | None:
    query = select(AuthorProfile).where(col(AuthorProfile.slug) == slug)
    return (await session.scalars(query)).first()


async def authors_by_ids(*, session: AsyncSession, ids: Sequence[int]) -> dict[int, AuthorProfile]:
    query = select(AuthorProfile).where(col(AuthorProfile.id).in_(ids))
    return {a.id: a for a in await session.scalars(query) if a.id is not None}


def _texts(
    ec: EditorialContext, texts: Mapping[str, str], field: str, limit: int
) -> dict[str, str]:
    cleaned = {locale: text.strip() for locale, text in texts.items() if text and text.strip()}
    unknown = sorted(set(cleaned) - set(ec.settings.locales))
    if unknown:
        raise CmsError(
            f"Unknown locale {unknown[0]!r}: use {', '.join(ec.settings.locales)}.", field=field
        )
    if any(len(text) > limit for text in cleaned.values()):
        raise CmsError(f"At most {limit} characters per language.", field=field)
    return cleaned


def _links(links: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    if len(links) > LINKS_MAX:
        raise CmsError(f"At most {LINKS_MAX} links.", field="links")
    cleaned = []
    for link in links:
        label, url = link["label"].strip(), link["url"].strip()
        if not label or len(label) > 100:
            raise CmsError("Each link needs a label of at most 100 characters.", field="links")
        if not URL.match(url) or len(url) > 2000:
            raise CmsError(f"{url!r} is not an http(s) address.", field="links")
        cleaned.append({"label": label, "url": url})
    return cleaned


async def _photo_id(session: AsyncSession, media_id: int | None) -> int | None:
    if media_id is None:
        return None
    media = await session.get(Media, media_id)
    if media is None:
        raise CmsError("No media item with this id; see `mediaLibrary`.", field="photo")
    if media.kind is not MediaKind.IMAGE:
        raise CmsError(f"A photo must be an image, not {media.kind.value}.", field="photo")
    return media_id


async def _slug(
    ec: EditorialContext, given: str | None, names: Mapping[str, str], own: int | None
) -> str:
    slug = (given or "").strip().lower() or slugify(next(iter(names.values()), ""))
    if not SLUG_PATTERN.match(slug) or len(slug) > 100:
        raise CmsError(
            "A slug uses lowercase Latin letters, digits and single hyphens.", field="slug"
        )
    taken = select(AuthorProfile.id).where(
        col(AuthorProfile.slug) == slug, col(AuthorProfile.id) != own
    )
    if (await ec.session.scalars(taken)).first() is not None:
        raise CmsError(f"The slug {slug!r} is taken by another author.", field="slug")
    return slug


def _check_editor(ec: EditorialContext) -> None:
    if ec.user.role not in EDITORS:
        raise Forbidden("Only editors create and edit author profiles.")


async def _apply(ec: EditorialContext, author: AuthorProfile, data: Mapping[str, Any]) -> None:
    """Validate every given field first, then set them: an error leaves the profile as it was."""
    names = author.names
    if "names" in data:
        names = names | _texts(ec, data["names"] or {}, "names", NAME_MAX)
    if not names:
        raise CmsError("Give a name in at least one language.", field="names")
    bios = author.bios | _texts(ec, data.get("bios") or {}, "bios", BIO_MAX)
    slug = author.slug
    if data.get("slug") or not slug:
        slug = await _slug(ec, data.get("slug"), names, author.id)
    links = _links(data["links"]) if data.get("links") is not None else author.links
    photo_id = await _photo_id(ec.session, data["photo"]) if "photo" in data else author.photo_id
    author.names, author.bios, author.slug, author.links = names, bios, slug, links
    author.photo_id = photo_id
    if data.get("is_organization") is not None:
        author.is_organization = data["is_organization"]


async def create_author(ec: EditorialContext, data: Mapping[str, Any]) -> AuthorProfile:
    """A profile for someone without an account: a contributor, a wire agency."""
    return await retried(ec, lambda: _create_author(ec, data), IntegrityError)


async def _create_author(ec: EditorialContext, data: Mapping[str, Any]) -> AuthorProfile:
    _check_editor(ec)
    author = AuthorProfile(slug="")
    await _apply(ec, author, data)
    ec.session.add(author)
    await ec.session.flush()
    audit.record(ec.session, ec.viewer, "author.create", "author", author.id, slug=author.slug)
    invalidate(ec.session, {cache_tags.AUTHORS})
    await ec.session.commit()
    return author


async def update_author(ec: EditorialContext, slug: str, data: Mapping[str, Any]) -> AuthorProfile:
    """Change a profile; a new slug moves the author's page and feed."""
    return await retried(ec, lambda: _update_author(ec, slug, data), IntegrityError)


async def _update_author(ec: EditorialContext, slug: str, data: Mapping[str, Any]) -> AuthorProfile:
    _check_editor(ec)
    author = await author_by_slug(session=ec.session, slug=slug)
    if author is None:
        raise NotFound(f"No author with slug {slug!r}.", field="slug")
    changes = {key: value for key, value in data.items() if key != "new_slug"}
    if data.get("new_slug"):
        changes["slug"] = data["new_slug"]
    await _apply(ec, author, changes)
    ec.session.add(author)
    audit.record(ec.session, ec.viewer, "author.update", "author", author.id, fields=sorted(data))
    invalidate(ec.session, {cache_tags.AUTHORS, cache_tags.author(author.id)})
    await ec.session.commit()
    return author


async def set_article_authors(
    ec: EditorialContext, public_id: str, version: int, slugs: Sequence[str]
) -> Article:
    """The article's bylines, in the order given, replacing those it had."""
    if ec.user.role not in EDITORS:
        raise Forbidden("Only editors choose an article's authors.")
    article = await get_for_editing(ec, public_id)
    if article.version != version:
        raise await conflict(ec.session, article)
    if len(slugs) > AUTHORS_MAX:
        raise CmsError(f"At most {AUTHORS_MAX} authors.", field="authors")
    if len(set(slugs)) != len(slugs):
        raise CmsError("An author is named twice.", field="authors")
    query = select(AuthorProfile).where(col(AuthorProfile.slug).in_(slugs))
    found = {a.slug: a for a in await ec.session.scalars(query)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise CmsError(f"No author with slug {missing[0]!r}; see `author`.", field="authors")
    assert article.id is not None
    await ec.session.execute(
        delete(ArticleAuthor).where(col(ArticleAuthor.article_id) == article.id)
    )
    for position, slug in enumerate(slugs):
        author_id = found[slug].id
        assert author_id is not None
        ec.session.add(ArticleAuthor(article_id=article.id, author_id=author_id, position=position))
    # The save marks stale every list showing the article; authors' pages are among them.
    await save(ec, article, {}, version)
    await revise(ec, article, "article.authors", changed=("authors",))
    await ec.session.commit()
    return article
