"""The audit log: who did what to which object, written in the mutation's own transaction."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from cms.models import AuditEntry
from cms.services.viewer import Viewer


def record(
    session: AsyncSession,
    viewer: Viewer,
    action: str,
    entity_type: str,
    entity_id: int | None,
    **details: Any,
) -> None:
    session.add(
        AuditEntry(
            actor_id=viewer.user.id if viewer.user else None,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            details=details,
        )
    )


async def entries(*, session: AsyncSession, first: int, before_id: int | None) -> list[AuditEntry]:
    """The newest entries first, older than `before_id` when given."""
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(first)
    if before_id is not None:
        query = query.where(col(AuditEntry.id) < before_id)
    return list((await session.scalars(query)).all())
