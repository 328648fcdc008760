"""Staff accounts: creating them, and reading them for their public bylines."""

from collections.abc import Sequence

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from cms.errors import CmsError
from cms.models import Role, User
from cms.services import audit
from cms.services.passwords import check_strength, hash_password
from cms.services.viewer import ANONYMOUS, Viewer


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise CmsError(f"{email!r} is not a valid email address: {error}", field="email") from error


async def create_user(
    *,
    session: AsyncSession,
    email: str,
    password: str,
    role: Role,
    display_name: str | None = None,
    actor: Viewer = ANONYMOUS,
) -> User:
    address = normalise_email(email)
    check_strength(password)
    taken = await session.scalars(select(User.id).where(col(User.email) == address))
    if taken.first() is not None:
        raise CmsError(f"An account for {address} already exists.", field="email")
    user = User(
        email=address,
        display_name=(display_name or address.split("@")[0]).strip(),
        password_hash=hash_password(password),
        role=role,
    )
    session.add(user)
    await session.flush()
    audit.record(session, actor, "user.create", "user", user.id, role=role.value)
    await session.commit()
    return user


async def users_by_ids(*, session: AsyncSession, ids: Sequence[int]) -> dict[int, User]:
    """Accounts by id, active or not: bylines and history keep naming whoever wrote or acted."""
    query = select(User).where(col(User.id).in_(ids))
    return {user.id: user for user in await session.scalars(query) if user.id is not None}
