"""Staff accounts as admins see them, and the admins' searchable list of them."""

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from cms.models import Role as RoleEntity
from cms.models import User
from cms.services import staff as staff_service
from cms.services import users as user_service
from cms.services.roles import ADMINS as ADMIN_ROLES
from cms.services.staff import StaffFilter
from schema.article_feed import AfterArgument, FirstArgument
from schema.context import Info
from schema.enums import Role
from schema.node_ids import row_id
from schema.pagination import check_first, created_at_page, decode_cursor
from schema.permissions import ADMINS


@strawberry.type(description="A staff account as an admin sees it (admins only).")
class StaffMember(relay.Node):
    id: relay.NodeID[int]
    email: str = strawberry.field(description="Email address, used to sign in.")
    display_name: str = strawberry.field(description="Name shown in bylines.")
    role: Role = strawberry.field(description="What the person may do.")
    is_active: bool = strawberry.field(
        description="Inactive accounts cannot sign in; their bylines and history stay."
    )
    created_at: datetime = strawberry.field(description="When the account was made, in UTC.")
    last_login_at: datetime | None = strawberry.field(description="Last sign-in, in UTC.")

    @classmethod
    def from_entity(cls, user: User) -> "StaffMember":
        assert user.id is not None
        return cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            role=Role(user.role.value),
            is_active=user.is_active,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list["StaffMember | None"]:
        ids = [row_id(i) for i in node_ids]
        user = info.context.viewer.user
        if user is None or user.role not in ADMIN_ROLES:
            return [None for _ in ids]
        async with info.context.sessions() as session:
            found = await user_service.users_by_ids(
                session=session, ids=[i for i in ids if i is not None]
            )
        return [cls.from_entity(found[i]) if i in found else None for i in ids]


@strawberry.type(description="A staff account in a list, with the cursor to continue after it.")
class StaffMemberEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the accounts after this.")
    node: StaffMember = strawberry.field(description="The account.")


@strawberry.type(description="A page of staff accounts, newest first.")
class StaffMemberConnection:
    edges: list[StaffMemberEdge] = strawberry.field(description="The accounts of this page.")
    page_info: relay.PageInfo = strawberry.field(description="Where this page sits in the list.")
    filters: strawberry.Private[StaffFilter]

    @strawberry.field(description="How many accounts match, across all pages.")
    async def total_count(self, info: Info) -> int:
        async with info.context.sessions() as session:
            return await staff_service.staff_count(session=session, filters=self.filters)


@strawberry.type
class StaffQueries:
    @strawberry.field(
        description="Staff accounts, newest first (admins): search names and email addresses, "
        "filter by role and by active or not.",
        permission_classes=[ADMINS],
    )
    async def staff(
        self,
        info: Info,
        search: Annotated[
            str | None, strawberry.argument(description="Words in the name or email address.")
        ] = None,
        role: Annotated[
            Role | None, strawberry.argument(description="Only accounts with this role.")
        ] = None,
        active: Annotated[
            bool | None,
            strawberry.argument(description="true: active accounts only; false: inactive only."),
        ] = None,
        first: FirstArgument = 20,
        after: AfterArgument = None,
    ) -> StaffMemberConnection:
        check_first(first, info.context.settings.page_size_max)
        position = decode_cursor(after) if after is not None else None
        filters = StaffFilter(
            search=search,
            role=RoleEntity[role.name] if role is not None else None,
            active=active,
        )
        async with info.context.sessions() as session:
            rows, has_next = await staff_service.staff_page(
                session=session, filters=filters, first=first, after=position
            )
        edges, page_info = created_at_page(
            rows,
            lambda cursor, row: StaffMemberEdge(cursor=cursor, node=StaffMember.from_entity(row)),
            has_next=has_next,
            after_given=position is not None,
        )
        return StaffMemberConnection(edges=edges, page_info=page_info, filters=filters)
