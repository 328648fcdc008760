"""The audit log: who did what to which object, written in the mutation's own transaction."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
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


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which entries: by whom, on what, which action (a prefix when it ends with a dot, e.g.
    `article.`), and when (from inclusive, to exclusive)."""

    actor_id: int | None = None
    entity_type: str | None = None
    entity_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.actor_id is not None:
            found.append(col(AuditEntry.actor_id) == self.actor_id)
        if self.entity_type:
            found.append(col(AuditEntry.entity_type) == self.entity_type)
        if self.entity_id is not None:
            found.append(col(AuditEntry.entity_id) == self.entity_id)
        if self.action and self.action.endswith("."):
            found.append(col(AuditEntry.action).startswith(self.action, autoescape=True))
        elif self.action:
            found.append(col(AuditEntry.action) == self.action)
        if self.since is not None:
            found.append(col(AuditEntry.created_at) >= self.since)
        if self.until is not None:
            found.append(col(AuditEntry.created_at) < self.until)
        return found


async def entries(
    *,
    session: AsyncSession,
    first: int,
    before_id: int | None,
    filters: AuditFilter = AuditFilter(),
) -> list[AuditEntry]:
    """The newest entries first, older than `before_id` when given."""
    query = select(AuditEntry).where(*filters.conditions())
    query = query.order_by(col(AuditEntry.id).desc()).limit(first)
    if before_id is not None:
        query = query.where(col(AuditEntry.id) < before_id)
    return list((await session.scalars(query)).all())
