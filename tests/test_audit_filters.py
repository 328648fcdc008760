"""Filtering the audit log: by actor, object, action (or a prefix of it) and time, combined."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from cms.models import AuditEntry, Role
from cms.services.viewer import Viewer
from tests.builders import make_user
from tests.conftest import Gql

AUDIT = """
query Audit($actor: ID, $type: String, $entity: Int, $action: String,
            $from: DateTime, $to: DateTime) {
  auditLog(actor: $actor, entityType: $type, entityId: $entity, action: $action,
           from: $from, to: $to) { action entityId }
}
"""


def at(day: int) -> datetime:
    return datetime(2026, 12, day, 9, tzinfo=UTC)


async def _entries(session: AsyncSession) -> tuple[Viewer, int | None]:
    admin = await make_user(session, role=Role.ADMIN)
    editor = await make_user(session, role=Role.EDITOR)
    rows = [
        (editor.id, "article.publish", "article", 1, at(1)),
        (editor.id, "article.archive", "article", 2, at(2)),
        (admin.id, "user.deactivate", "user", editor.id, at(3)),
        (editor.id, "tag.merge", "tag", 1, at(4)),
    ]
    for actor_id, action, entity_type, entity_id, when in rows:
        session.add(
            AuditEntry(
                actor_id=actor_id,
                action=action,
                entity_type=entity_type,
                entity_id=entity_id,
                created_at=when,
            )
        )
    await session.commit()
    return Viewer(admin), editor.id


async def actions(gql: Gql, viewer: Viewer, **variables: Any) -> list[str]:
    result = await gql(AUDIT, variables, viewer=viewer)
    assert result.errors is None, result.errors
    return [entry["action"] for entry in result.data["auditLog"]]


async def test_the_filters_narrow_the_log_and_combine(gql: Gql, session: AsyncSession) -> None:
    admin, editor_id = await _entries(session)
    editor = str(relay.GlobalID("StaffMember", str(editor_id)))

    assert await actions(gql, admin, actor=editor) == [
        "tag.merge",
        "article.archive",
        "article.publish",
    ]
    assert await actions(gql, admin, action="article.") == ["article.archive", "article.publish"]
    assert await actions(gql, admin, action="article.publish") == ["article.publish"]
    assert await actions(gql, admin, type="user", entity=editor_id) == ["user.deactivate"]
    assert await actions(
        gql, admin, actor=editor, **{"from": at(2).isoformat(), "to": at(4).isoformat()}
    ) == ["article.archive"]


async def test_an_actor_that_is_not_a_staff_id_is_refused(gql: Gql, session: AsyncSession) -> None:
    admin, _ = await _entries(session)

    result = await gql(AUDIT, {"actor": str(relay.GlobalID("Article", "1"))}, viewer=admin)

    assert result.errors is not None
    assert result.errors[0].message == "`actor` takes the `id` of a StaffMember; see `staff`."
