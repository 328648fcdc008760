"""Failed sign-ins, counted per account and per address in the database so every worker agrees:
after a few failures each attempt is slowed, after more the key is refused for a while."""

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, delete, select

from cms.errors import CmsError
from cms.models import LoginFailure
from cms.models.columns import utcnow
from cms.settings import Settings


def throttle_keys(email: str, address: str | None) -> list[str]:
    keys = [f"account:{email.strip().lower()}"]
    if address:
        keys.append(f"address:{address}")
    return keys


async def check_allowed(*, session: AsyncSession, settings: Settings, keys: list[str]) -> None:
    """Refuse a locked key; wait a little before checking a key that has failed before."""
    rows = (
        await session.scalars(select(LoginFailure).where(col(LoginFailure.key).in_(keys)))
    ).all()
    now = utcnow()
    for row in rows:
        if row.locked_until is not None and row.locked_until > now:
            minutes = max(1, round((row.locked_until - now).total_seconds() / 60))
            raise CmsError(
                f"Too many failed sign-ins. Try again in {minutes} minute(s).",
                field="password",
            )
    worst = max((row.failures for row in rows), default=0)
    if worst >= settings.login_slowdown_after:
        await asyncio.sleep(
            settings.login_slowdown_seconds * (worst - settings.login_slowdown_after + 1)
        )


async def record_failure(*, session: AsyncSession, settings: Settings, keys: list[str]) -> None:
    now = utcnow()
    window = timedelta(minutes=settings.login_lockout_minutes)
    for key in keys:
        row = await session.get(LoginFailure, key, with_for_update=True)
        if row is None:
            row = LoginFailure(key=key, failures=0)
        elif now - row.last_failure_at > window and row.locked_until is None:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= settings.login_lockout_after:
            row.locked_until = now + window
            row.failures = 0
        session.add(row)


async def clear(*, session: AsyncSession, keys: list[str]) -> None:
    await session.execute(delete(LoginFailure).where(col(LoginFailure.key).in_(keys)))
