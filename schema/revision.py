"""Saved states of an article, for editors to compare and restore."""

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from cms.models import Revision as RevisionEntity
from schema.author import Author
from schema.context import Info


@strawberry.type(description="One saved state of an article.")
class Revision:
    version: int = strawberry.field(description="The article's version this save produced.")
    created_at: datetime = strawberry.field(description="When it was saved, in UTC.")
    changed_fields: list[str] = strawberry.field(description="The fields this save changed.")
    content: dict[str, Any] = strawberry.field(
        graphql_type=JSON,
        description="The saved content: title, slug, lead, body, category, tags, source, status.",
    )
    author_id: strawberry.Private[int | None]

    @classmethod
    def from_entity(cls, revision: RevisionEntity) -> "Revision":
        return cls(
            version=revision.version,
            created_at=revision.created_at,
            changed_fields=revision.changed_fields,
            content=revision.content,
            author_id=revision.author_id,
        )

    @strawberry.field(
        description="Who saved it, by their author profile; null for the scheduler or an account "
        "without a profile."
    )
    async def author(self, info: Info) -> Author | None:
        if self.author_id is None:
            return None
        author = await info.context.loaders.author_by_user_id.load(self.author_id)
        locale = info.context.settings.default_locale
        return Author.from_entity(author, locale) if author is not None else None
