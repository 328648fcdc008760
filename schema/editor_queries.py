"""Queries for staff: who am I, the editorial desk's article lists, and the audit log."""

from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from cms.models import ArticleStatus as ArticleStatusEntity
from cms.models import AuditEntry as AuditEntryEntity
from cms.services import audit as audit_service
from cms.services.articles import ArticleFilter, FeedOrder
from schema.article import (
    OVERDUE_AFTER,
    AfterArgument,
    ArticleConnection,
    FirstArgument,
    resolve_feed,
)
from schema.author import Author
from schema.context import Info
from schema.enums import ArticleStatus
from schema.me import Me
from schema.pagination import check_first
from schema.permissions import ADMINS, SIGNED_IN


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

    @strawberry.field(description="Who did it; null for the scheduler.")
    async def actor(self, info: Info) -> Author | None:
        if self.actor_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self.actor_id)
        return Author.from_entity(user) if user is not None else None


@strawberry.type
class EditorQueries:
    @strawberry.field(description="The signed-in staff member; null when not signed in.")
    def me(self, info: Info) -> Me | None:
        user = info.context.viewer.user
        return Me.from_entity(user) if user is not None else None

    @strawberry.field(
        description="The desk's article list for staff, most recently changed first: drafts, "
        "articles in review, scheduled ones (with `overdue: true`, those the scheduler missed).",
        permission_classes=[SIGNED_IN],
    )
    async def editorial_articles(
        self,
        info: Info,
        first: FirstArgument = 20,
        after: AfterArgument = None,
        status: Annotated[
            list[ArticleStatus] | None,
            strawberry.argument(description="Only these statuses; all when omitted."),
        ] = None,
        mine: Annotated[
            bool, strawberry.argument(description="Only articles you created.")
        ] = False,
        overdue: Annotated[
            bool, strawberry.argument(description="Only SCHEDULED articles past their time.")
        ] = False,
    ) -> ArticleConnection:
        user = info.context.viewer.user
        assert user is not None
        statuses = tuple(ArticleStatusEntity[s.name] for s in status or ArticleStatus)
        if overdue:
            statuses = (ArticleStatusEntity.SCHEDULED,)
        filters = ArticleFilter(
            statuses=statuses,
            created_by_id=user.id if mine or not info.context.viewer.sees_unpublished else None,
            scheduled_before=datetime.now(UTC) - OVERDUE_AFTER if overdue else None,
            order=FeedOrder.UPDATED,
        )
        return await resolve_feed(info, filters, first, after)

    @strawberry.field(
        description="Recorded actions, newest first (admins).", permission_classes=[ADMINS]
    )
    async def audit_log(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="How many, at most 100.")] = 50,
        before_id: Annotated[
            int | None, strawberry.argument(description="Only entries older than this one.")
        ] = None,
    ) -> list[AuditEntry]:
        check_first(first, info.context.settings.page_size_max)
        async with info.context.sessions() as session:
            rows = await audit_service.entries(session=session, first=first, before_id=before_id)
        return [AuditEntry.from_entity(row) for row in rows]
