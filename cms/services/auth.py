"""Signing in and out: opaque random tokens, stored only as SHA-256 hashes, expiring, revocable."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select, update

from cms.errors import CmsError
from cms.models import AuthToken, User
from cms.models.columns import utcnow
from cms.services import audit, throttle
from cms.services.passwords import dummy_hash, hash_password, needs_rehash, verify_password
from cms.services.viewer import Viewer
from cms.settings import Settings

WRONG_CREDENTIALS = "Wrong email or password."
SESSION = "session"
"""The purpose of a sign-in token; other tokens (password resets) never sign anyone in."""
SESSION_COOKIE = "cms_session"
"""The cookie GraphiQL signs in with; the edge reads it, `login` sets it."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def login(
    *, session: AsyncSession, settings: Settings, email: str, password: str, address: str | None
) -> tuple[str, User]:
    """A new session token for valid credentials; the same answer, after the same work (a
    password hash verified), for unknown and wrong ones. Every attempt is counted first."""
    account = throttle.key("account", email.strip().lower())
    client = [throttle.key("address", address)] if address else []
    policy = throttle.login_policy(settings)
    await throttle.count_attempt(session=session, policy=policy, keys=[account, *client])
    query = select(User).where(col(User.email) == email.strip().lower())
    user = (await session.scalars(query)).first()
    valid = verify_password(user.password_hash if user else dummy_hash(), password)
    if user is None or not valid or not user.is_active:
        raise CmsError(WRONG_CREDENTIALS, field="password")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    await throttle.clear(session=session, keys=[account])
    await throttle.give_back(session=session, keys=client)
    audit.record(session, Viewer(user), "user.login", "user", user.id, address=address)
    user.last_login_at = utcnow()
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(
        AuthToken(
            user_id=user.id,
            token_hash=token_digest(token),
            purpose=SESSION,
            expires_at=utcnow() + timedelta(hours=settings.session_ttl_hours),
        )
    )
    await session.commit()
    return token, user


async def user_for_token(*, session: AsyncSession, token: str) -> User | None:
    """The active user a live token belongs to, or None."""
    query = (
        select(User)
        .join(AuthToken, col(AuthToken.user_id) == col(User.id))
        .where(
            col(AuthToken.token_hash) == token_digest(token),
            col(AuthToken.purpose) == SESSION,
            col(AuthToken.revoked_at).is_(None),
            col(AuthToken.expires_at) > utcnow(),
            col(User.is_active),
        )
    )
    return (await session.scalars(query)).first()


async def logout(*, session: AsyncSession, token: str, viewer: Viewer) -> None:
    if viewer.user is not None:
        audit.record(session, viewer, "user.logout", "user", viewer.user.id)
    await session.execute(
        update(AuthToken)
        .where(col(AuthToken.token_hash) == token_digest(token))
        .values(revoked_at=utcnow())
    )
    await session.commit()


async def revoke_all(*, session: AsyncSession, user_id: int) -> None:
    """End every session and void every pending reset link of one account."""
    await session.execute(
        update(AuthToken)
        .where(col(AuthToken.user_id) == user_id, col(AuthToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
