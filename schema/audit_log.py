"""The audit log, for admins: who did what to which object, and when."""

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from cms.models import AuditEntry as AuditEntryEntity
from cms.services import audit as audit_service
from schema.author import Author
from schema.context import Info
from schema.errors import bad_input
from schema.node_ids import row_id
from schema.pagination import check_first
from schema.permissions import ADMINS


@strawberry.type(description="One recorded action: who did what to which object, and when.")
class AuditEntry:
    id: int = strawberry.field(description="The entry's number; pass as `beforeId` to page on.")
    action: str = strawberry.field(description="What was done, e.g. `article.publish`.")
    entity_type: str = strawberry.field(description="The kind of object: article, category, tag.")
    entity_id: int | None = strawberry.field(description="The object's internal number.")
    details: dict[str, Any] = strawberry.field(
        graphql_type=JSON, description="Particulars of the action."
    )
    created_at: datetime = strawberry.field(description="When, in UTC.")
    actor_id: strawberry.Private[int | None]

    @classmethod
    def from_entity(cls, entry: AuditEntryEntity) -> "AuditEntry":
        assert entry.id is not None
        return cls(
            id=entry.id,
            action=entry.action,
            entity_type=entry.entity_type,
            entity_id=entry.entity_id,
            details=entry.details,
            created_at=entry.created_at,
            actor_id=entry.actor_id,
        )

    @strawberry.field(
        description="Who did it, by their author profile; null for the scheduler or an account "
        "without a profile."
    )
    async def actor(self, info: Info) -> Author | None:
        if self.actor_id is None:
            return None
        author = await info.context.loaders.author_by_user_id.load(self.actor_id)
        locale = info.context.settings.default_locale
        return Author.from_entity(author, locale) if author is not None else None


@strawberry.type
class AuditLogQueries:
    @strawberry.field(
        description="Recorded actions, newest first (admins); the filters combine.",
        permission_classes=[ADMINS],
    )
    async def audit_log(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="How many, at most 100.")] = 50,
        before_id: Annotated[
            int | None, strawberry.argument(description="Only entries older than this one.")
        ] = None,
        actor: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Only what this staff member did (a StaffMember id)."),
        ] = None,
        entity_type: Annotated[
            str | None,
            strawberry.argument(description="Only entries on this kind of object, e.g. `article`."),
        ] = None,
        entity_id: Annotated[
            int | None, strawberry.argument(description="Only entries on the object numbered so.")
        ] = None,
        action: Annotated[
            str | None,
            strawberry.argument(
                description="Only this action, e.g. `article.publish`; ending in a dot, every "
                "action that starts so, e.g. `user.`."
            ),
        ] = None,
        since: Annotated[
            datetime | None,
            strawberry.argument(name="from", description="Only entries at or after this time."),
        ] = None,
        until: Annotated[
            datetime | None,
            strawberry.argument(name="to", description="Only entries before this time."),
        ] = None,
    ) -> list[AuditEntry]:
        check_first(first, info.context.settings.page_size_max)
        actor_id = None
        if actor is not None:
            actor_id = row_id(actor.node_id) if actor.type_name == "StaffMember" else None
            if actor_id is None:
                raise bad_input("`actor` takes the `id` of a StaffMember; see `staff`.")
        filters = audit_service.AuditFilter(
            actor_id=actor_id,
            entity_type=entity_type,
            entity_id=entity_id,
            action=action,
            since=since,
            until=until,
        )
        async with info.context.sessions() as session:
            rows = await audit_service.entries(
                session=session, first=first, before_id=before_id, filters=filters
            )
        return [AuditEntry.from_entity(row) for row in rows]
