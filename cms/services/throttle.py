"""Attempts counted per key (an account, a client address) in the database, so every worker and
every operation of an aliased or batched request agrees.

Each attempt is counted by one atomic upsert, committed *before* the credentials are checked:
operations that run at once (a batch is executed concurrently) each see the ones counted before
them, and none slips past the limit. After a few attempts each one is slowed; past the limit the
key is refused until the window ends. A success gives back what it cost, so the counts are of
failures.
"""

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, delete, literal, null, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cms.errors import CmsError
from cms.models import LoginFailure
from cms.models.columns import UTCDateTime, utcnow
from cms.settings import Settings

KEY_LENGTH = 400
"""The column's width; longer keys (an absurd email) are hashed to fit."""


@dataclass(frozen=True, slots=True)
class Policy:
    limit: int
    window: timedelta
    refusal: str
    """Shown once the limit is passed; `{minutes}` is the time left."""
    field: str
    slowdown_after: int | None = None
    slowdown_seconds: float = 0.0


def login_policy(settings: Settings) -> Policy:
    return Policy(
        limit=settings.login_lockout_after,
        window=timedelta(minutes=settings.login_lockout_minutes),
        refusal="Too many failed sign-ins. Try again in {minutes} minute(s).",
        field="password",
        slowdown_after=settings.login_slowdown_after,
        slowdown_seconds=settings.login_slowdown_seconds,
    )


def reset_request_policy(settings: Settings) -> Policy:
    return Policy(
        limit=settings.password_reset_max_requests,
        window=timedelta(minutes=settings.login_lockout_minutes),
        refusal="Too many password reset requests. Try again in {minutes} minute(s).",
        field="email",
    )


def reset_token_policy(settings: Settings) -> Policy:
    return Policy(
        limit=settings.login_lockout_after,
        window=timedelta(minutes=settings.login_lockout_minutes),
        refusal="Too many invalid reset links. Try again in {minutes} minute(s).",
        field="token",
        slowdown_after=settings.login_slowdown_after,
        slowdown_seconds=settings.login_slowdown_seconds,
    )


def key(kind: str, value: str) -> str:
    found = f"{kind}:{value}"
    if len(found) <= KEY_LENGTH:
        return found
    return f"{kind}:sha256:{hashlib.sha256(value.encode()).hexdigest()}"


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(LoginFailure)


def _upsert(session: AsyncSession, policy: Policy, name: str) -> Any:
    """One attempt on one key; the database evaluates it atomically against the stored row."""
    now = utcnow()
    table = LoginFailure.__table__  # type: ignore[attr-defined]
    until = literal(now + policy.window, UTCDateTime())
    locked: ColumnElement[bool] = table.c.locked_until > now
    count = case(
        (locked, table.c.failures),
        (table.c.last_failure_at <= now - policy.window, 1),
        else_=table.c.failures + 1,
    )
    insert = _insert(session).values(
        key=name,
        failures=1,
        last_failure_at=now,
        locked_until=now + policy.window if policy.limit < 1 else None,
    )
    return insert.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "failures": count,
            "last_failure_at": case(
                (locked, table.c.last_failure_at), else_=literal(now, UTCDateTime())
            ),
            "locked_until": case(
                (locked, table.c.locked_until), (count > policy.limit, until), else_=null()
            ),
        },
    ).returning(table.c.failures, table.c.locked_until)


async def count_attempt(*, session: AsyncSession, policy: Policy, keys: Sequence[str]) -> None:
    """Count one attempt against every key and commit; refuse a locked key, slow a busy one."""
    now = utcnow()
    worst, locked_until = 0, now
    for name in sorted(set(keys)):
        failures, until = (await session.execute(_upsert(session, policy, name))).one()
        worst = max(worst, failures)
        if until is not None:
            locked_until = max(locked_until, until)
    await session.commit()
    if locked_until > now:
        minutes = max(1, round((locked_until - now).total_seconds() / 60))
        raise CmsError(policy.refusal.format(minutes=minutes), field=policy.field)
    if policy.slowdown_after is not None and worst > policy.slowdown_after:
        await asyncio.sleep(policy.slowdown_seconds * (worst - policy.slowdown_after))


async def clear(*, session: AsyncSession, keys: Sequence[str]) -> None:
    """Forget every attempt on these keys (the account's owner proved who they are)."""
    await session.execute(delete(LoginFailure).where(col(LoginFailure.key).in_(keys)))


async def give_back(*, session: AsyncSession, keys: Sequence[str]) -> None:
    """Take back the attempt a success was counted as, so a shared address counts failures."""
    await session.execute(
        update(LoginFailure)
        .where(col(LoginFailure.key).in_(keys), col(LoginFailure.failures) > 0)
        .values(failures=col(LoginFailure.failures) - 1)
    )
