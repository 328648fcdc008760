"""Authors as readers see them: a public byline, never an email or a role."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from cms import cache_tags
from cms.models import User
from cms.services import users as user_service
from schema.context import Info
from schema.node_ids import row_id


@strawberry.type(description="A person who writes for the newsroom, as shown in a byline.")
class Author(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Public display name.")
    bio: str = strawberry.field(description="A short public biography.")

    @classmethod
    def from_entity(cls, user: User) -> "Author":
        assert user.id is not None
        return cls(id=user.id, name=user.display_name, bio=user.bio)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list["Author | None"]:
        ids = [row_id(i) for i in node_ids]
        info.context.shows(*(cache_tags.user(i) for i in ids if i is not None))
        async with info.context.sessions() as session:
            found = await user_service.users_by_ids(
                session=session, ids=[i for i in ids if i is not None]
            )
        return [cls.from_entity(found[i]) if i in found else None for i in ids]
