"""Async builders for test data: sensible defaults, any field overridable."""

import itertools
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import (
    Article,
    ArticleAuthor,
    ArticleStatus,
    ArticleTag,
    AuthorProfile,
    AuthToken,
    Category,
    LiveStream,
    LiveStreamStatus,
    Media,
    MediaKind,
    ProgrammeSlot,
    Role,
    Tag,
    User,
)
from cms.services.auth import token_digest
from cms.services.authors import profile_for_user

T = TypeVar("T")
_serial = itertools.count(1)
BASE_TIME = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


async def _add(session: AsyncSession, entity: T) -> T:
    session.add(entity)
    await session.flush()
    return entity


async def make_category(session: AsyncSession, **overrides: Any) -> Category:
    n = next(_serial)
    values: dict[str, Any] = {
        "slug": f"category-{n}",
        "names": {"ka": f"კატეგორია {n}", "en": f"Category {n}"},
        "position": n,
    }
    return await _add(session, Category(**(values | overrides)))


async def make_tag(session: AsyncSession, **overrides: Any) -> Tag:
    n = next(_serial)
    values: dict[str, Any] = {"slug": f"tag-{n}", "names": {"ka": f"თეგი {n}", "en": f"Tag {n}"}}
    return await _add(session, Tag(**(values | overrides)))


async def make_media(session: AsyncSession, **overrides: Any) -> Media:
    n = next(_serial)
    values: dict[str, Any] = {
        "kind": MediaKind.IMAGE,
        "storage_key": f"aa/bb/{n:064x}.jpg",
        "checksum": f"{n:064x}",
        "mime_type": "image/jpeg",
        "size_bytes": 1000,
        "width": 1200,
        "height": 675,
        "alt": f"Picture {n}",
    }
    return await _add(session, Media(**(values | overrides)))


async def make_user(session: AsyncSession, **overrides: Any) -> User:
    n = next(_serial)
    values: dict[str, Any] = {
        "email": f"author{n}@newsroom.example",
        "display_name": f"Author {n}",
        "role": Role.AUTHOR,
    }
    return await _add(session, User(**(values | overrides)))


async def make_token(session: AsyncSession, user: User) -> str:
    """A session token for `user`, as `login` would give, without the password round trip."""
    token = secrets.token_urlsafe(16)
    assert user.id is not None
    expires_at = datetime.now(UTC) + timedelta(hours=1)
    await _add(
        session, AuthToken(user_id=user.id, token_hash=token_digest(token), expires_at=expires_at)
    )
    return token


async def make_article(
    session: AsyncSession,
    *,
    tags: Sequence[Tag] = (),
    authors: Sequence[User | AuthorProfile] = (),
    **overrides: Any,
) -> Article:
    """A published article by default, each one a minute newer than the one before; `authors`
    are profiles, or accounts whose own profiles are used (made when missing)."""
    n = next(_serial)
    status = overrides.get("status", ArticleStatus.PUBLISHED)
    values: dict[str, Any] = {
        "locale": "en",
        "slug": f"article-{n}",
        "title": f"Article {n}",
        "lead": f"Lead of article {n}.",
        "body": f"<p>Body of article {n}.</p>",
        "body_text": f"Body of article {n}.",
        "status": status,
        "published_at": BASE_TIME + timedelta(minutes=n)
        if status == ArticleStatus.PUBLISHED
        else None,
    }
    article = await _add(session, Article(**(values | overrides)))
    assert article.id is not None
    for position, tag in enumerate(tags):
        assert tag.id is not None
        session.add(ArticleTag(article_id=article.id, tag_id=tag.id, position=position))
    for position, author in enumerate(authors):
        if isinstance(author, User):
            author = await profile_for_user(session, author, ("ka", "en"))
        assert author.id is not None
        session.add(ArticleAuthor(article_id=article.id, author_id=author.id, position=position))
    await session.flush()
    return article


async def make_author(session: AsyncSession, **overrides: Any) -> AuthorProfile:
    """An author profile without an account, like a contributor's or a wire agency's."""
    n = next(_serial)
    values: dict[str, Any] = {"slug": f"author-{n}", "names": {"en": f"Author {n}"}}
    return await _add(session, AuthorProfile(**(values | overrides)))


async def make_stream(session: AsyncSession, **overrides: Any) -> LiveStream:
    n = next(_serial)
    values: dict[str, Any] = {
        "slug": f"stream-{n}",
        "title": f"Stream {n}",
        "status": LiveStreamStatus.LIVE,
        "playback_url": f"https://live.example/{n}/index.m3u8",
    }
    return await _add(session, LiveStream(**(values | overrides)))


async def make_slot(session: AsyncSession, stream: LiveStream, **overrides: Any) -> ProgrammeSlot:
    n = next(_serial)
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "stream_id": stream.id,
        "title": f"Programme {n}",
        "starts_at": now - timedelta(minutes=30),
        "ends_at": now + timedelta(minutes=30),
    }
    return await _add(session, ProgrammeSlot(**(values | overrides)))
