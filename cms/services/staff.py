"""Managing staff accounts: the admins' list, roles, deactivation, and changing one's password.

A deactivated account cannot sign in and its sessions end in the same transaction; its bylines
and the history it left stay. The newsroom never loses its last active admin: the check reads
the active admins with a row lock (PostgreSQL) or, on SQLite, as the one writer, so two admins
demoting each other at once cannot both succeed.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select, update

from cms.errors import CmsError, NotFound
from cms.models import AuthToken, Role, User
from cms.models.columns import utcnow
from cms.services import audit
from cms.services.articles import FeedKey
from cms.services.auth import revoke_all, token_digest
from cms.services.editorial import EditorialContext, retried
from cms.services.newest_first import newest_first_page
from cms.services.passwords import check_strength, hash_password, verify_password
from cms.services.roles import ADMINS, Forbidden


@dataclass(frozen=True, slots=True)
class StaffFilter:
    search: str | None = None
    role: Role | None = None
    active: bool | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.search and self.search.strip():
            pattern = f"%{self.search.strip().lower()}%"
            found.append(
                or_(
                    func.lower(col(User.display_name)).like(pattern),
                    func.lower(col(User.email)).like(pattern),
                )
            )
        if self.role is not None:
            found.append(col(User.role) == self.role)
        if self.active is not None:
            found.append(col(User.is_active) == self.active)
        return found


async def staff_page(
    *, session: AsyncSession, filters: StaffFilter, first: int, after: FeedKey | None
) -> tuple[list[User], bool]:
    """Newest accounts first, in keyset pages on (created_at, id)."""
    query = select(User).where(*filters.conditions())
    return await newest_first_page(session, query, col(User.created_at), col(User.id), first, after)


async def staff_count(*, session: AsyncSession, filters: StaffFilter) -> int:
    query = select(func.count()).select_from(User).where(*filters.conditions())
    return int(await session.scalar(query) or 0)


def _require_admin(ec: EditorialContext) -> None:
    if ec.user.role not in ADMINS:
        raise Forbidden("Only admins manage staff accounts.")


async def _account(ec: EditorialContext, user_id: int) -> User:
    user = await ec.session.get(User, user_id)
    if user is None:
        raise NotFound("No staff account with this id.", field="id")
    return user


async def _keep_an_admin(ec: EditorialContext, leaving: User, message: str) -> None:
    """Refuse when `leaving` is the only active admin left."""
    if leaving.role is not Role.ADMIN or not leaving.is_active:
        return
    admins = select(User.id).where(col(User.role) == Role.ADMIN, col(User.is_active))
    ids = set((await ec.session.scalars(admins.with_for_update())).all())
    if ids - {leaving.id} == set():
        raise CmsError(message, field="id")


async def set_role(ec: EditorialContext, user_id: int, role: Role) -> User:
    return await retried(ec, lambda: _set_role(ec, user_id, role))


async def _set_role(ec: EditorialContext, user_id: int, role: Role) -> User:
    _require_admin(ec)
    user = await _account(ec, user_id)
    if role is not Role.ADMIN:
        await _keep_an_admin(
            ec, user, "This is the last active admin; make someone else an admin first."
        )
    before = user.role
    user.role = role
    ec.session.add(user)
    audit.record(ec.session, ec.viewer, "user.role", "user", user.id, was=before, now=role)
    await ec.session.commit()
    return user


async def set_active(ec: EditorialContext, user_id: int, active: bool) -> User:
    return await retried(ec, lambda: _set_active(ec, user_id, active))


async def _set_active(ec: EditorialContext, user_id: int, active: bool) -> User:
    _require_admin(ec)
    user = await _account(ec, user_id)
    if not active:
        if user.id == ec.user.id:
            raise CmsError("You cannot deactivate your own account; another admin can.", field="id")
        await _keep_an_admin(ec, user, "This is the last active admin; it stays active.")
        assert user.id is not None
        await revoke_all(session=ec.session, user_id=user.id)
    user.is_active = active
    ec.session.add(user)
    action = "user.reactivate" if active else "user.deactivate"
    audit.record(ec.session, ec.viewer, action, "user", user.id)
    await ec.session.commit()
    return user


async def change_password(
    ec: EditorialContext, current: str, new: str, keep_token: str | None
) -> None:
    """Set a new password for the signed-in account; every other session of it ends."""
    user = await _account(ec, ec.user.id or 0)
    if not verify_password(user.password_hash, current):
        raise CmsError("This is not your current password.", field="current_password")
    try:
        check_strength(new)
    except CmsError as error:
        raise CmsError(error.message, field="new_password") from error
    if new == current:
        raise CmsError("Choose a password different from the current one.", field="new_password")
    user.password_hash = hash_password(new)
    ec.session.add(user)
    others = [col(AuthToken.user_id) == user.id, col(AuthToken.revoked_at).is_(None)]
    if keep_token is not None:
        others.append(col(AuthToken.token_hash) != token_digest(keep_token))
    await ec.session.execute(update(AuthToken).where(*others).values(revoked_at=utcnow()))
    audit.record(ec.session, ec.viewer, "user.password_change", "user", user.id)
    await ec.session.commit()
