"""The signed-in staff member, as they see themselves."""

from datetime import datetime

import strawberry

from cms.models import User
from schema.context import Info
from schema.enums import Role


@strawberry.type(description="A staff account, as its owner (or an admin) sees it.")
class Me:
    email: str = strawberry.field(description="Email address, used to sign in.")
    display_name: str = strawberry.field(description="Name shown in bylines.")
    role: Role = strawberry.field(description="What the person may do.")
    is_active: bool = strawberry.field(description="Inactive accounts cannot sign in.")
    last_login_at: datetime | None = strawberry.field(description="Last sign-in, in UTC.")

    @classmethod
    def from_entity(cls, user: User) -> "Me":
        return cls(
            email=user.email,
            display_name=user.display_name,
            role=Role(user.role.value),
            is_active=user.is_active,
            last_login_at=user.last_login_at,
        )


@strawberry.type
class MeQuery:
    @strawberry.field(description="The signed-in staff member; null when not signed in.")
    def me(self, info: Info) -> Me | None:
        user = info.context.viewer.user
        return Me.from_entity(user) if user is not None else None
