"""Password reset by email.

Asking answers the same, after the same work, whether or not the address has an account: the
statements run either way, and the mail goes out after the answer (`Outbox`), so neither the body
nor the time of the answer tells. The link carries a random token of which only the SHA-256 is
stored, as an `AuthToken` with its own purpose (it never signs anyone in). It expires after
`CMS_PASSWORD_RESET_MINUTES`, works once (consumed by one atomic UPDATE, so two tabs cannot both
use it), and a newer request voids older links. Using it sets the password, ends every session of
the account and lifts a sign-in lockout. Requests and reset attempts are throttled like sign-ins.
"""

import secrets
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select, update

from cms.errors import CmsError
from cms.models import AuthToken, User
from cms.models.columns import utcnow
from cms.services import audit, throttle
from cms.services.auth import revoke_all, token_digest
from cms.services.mail import Mail
from cms.services.passwords import check_strength, hash_password
from cms.services.users import normalise_email
from cms.services.viewer import Viewer
from cms.settings import Settings

PURPOSE = "password_reset"
INVALID_TOKEN = "This reset link is invalid, used or expired. Ask for a new one."
EMPTY_TOKEN = "The token is empty: paste the one from the link in the reset email."


def sent_message(settings: Settings) -> str:
    """The one answer to every valid request, whether or not the address has an account."""
    return (
        "If an account uses this address, we have sent it a link to choose a new password. "
        f"The link works once, within {settings.password_reset_minutes} minutes."
    )


def _mail(settings: Settings, user: User, token: str) -> Mail:
    text = (
        f"Someone (we hope you) asked to reset the password of the {settings.site_name} "
        f"account {user.email}.\n\n"
        f"Choose a new password here; the link works once, within "
        f"{settings.password_reset_minutes} minutes:\n{settings.password_reset_link(token)}\n\n"
        "If you did not ask, ignore this mail: your password stays as it is.\n"
    )
    return Mail(user.email, f"{settings.site_name}: choose a new password", text)


async def request_reset(
    *, session: AsyncSession, settings: Settings, email: str, address: str | None
) -> Mail | None:
    """The mail to send for an active account, or None; the caller answers the same for both."""
    normalised = normalise_email(email)
    keys = [throttle.key("reset-account", normalised)]
    if address:
        keys.append(throttle.key("reset-address", address))
    policy = throttle.reset_request_policy(settings)
    await throttle.count_attempt(session=session, policy=policy, keys=keys)
    token = secrets.token_urlsafe(32)
    query = select(User).where(col(User.email) == normalised, col(User.is_active))
    user = (await session.scalars(query)).first()
    now = utcnow()
    await session.execute(
        update(AuthToken)
        .where(
            col(AuthToken.user_id) == (user.id if user else None),
            col(AuthToken.purpose) == PURPOSE,
            col(AuthToken.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    if user is not None:
        assert user.id is not None
        session.add(
            AuthToken(
                user_id=user.id,
                token_hash=token_digest(token),
                purpose=PURPOSE,
                expires_at=now + timedelta(minutes=settings.password_reset_minutes),
            )
        )
        audit.record(
            session, Viewer(user), "user.password_reset_requested", "user", user.id, address=address
        )
    await session.commit()
    return _mail(settings, user, token) if user is not None else None


async def reset_password(
    *, session: AsyncSession, settings: Settings, token: str, password: str, address: str | None
) -> User:
    """Set a new password with a live reset token, which is used up; every session ends."""
    token = token.strip()
    if not token:
        raise CmsError(EMPTY_TOKEN, field="token")
    check_strength(password)
    client = [throttle.key("reset-token-address", address)] if address else []
    policy = throttle.reset_token_policy(settings)
    await throttle.count_attempt(session=session, policy=policy, keys=client)
    now = utcnow()
    consumed = await session.execute(
        update(AuthToken)
        .where(
            col(AuthToken.token_hash) == token_digest(token),
            col(AuthToken.purpose) == PURPOSE,
            col(AuthToken.revoked_at).is_(None),
            col(AuthToken.expires_at) > now,
        )
        .values(revoked_at=now)
        .returning(col(AuthToken.user_id))
    )
    user_id = consumed.scalar_one_or_none()
    user = await session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        await session.rollback()
        raise CmsError(INVALID_TOKEN, field="token")
    assert user.id is not None
    user.password_hash = hash_password(password)
    await revoke_all(session=session, user_id=user.id)
    await throttle.clear(session=session, keys=[throttle.key("account", user.email)])
    await throttle.give_back(session=session, keys=client)
    audit.record(session, Viewer(user), "user.password_reset", "user", user.id, address=address)
    await session.commit()
    return user
