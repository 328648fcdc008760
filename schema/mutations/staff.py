"""Managing staff (admins): roles, deactivating a leaver and reactivating; and, for everyone,
changing one's own password."""

from typing import Annotated, Any

import strawberry
from strawberry import relay

from cms.errors import CmsError
from cms.models import Role as RoleEntity
from cms.services import staff as staff_service
from cms.services.editorial import EditorialContext
from schema.context import Info
from schema.enums import Role
from schema.mutations.transaction import run_editorial
from schema.node_ids import row_id
from schema.permissions import ADMINS, SIGNED_IN
from schema.staff import StaffMember
from schema.user_errors import UserError

INPUT = strawberry.argument(description="What to do; see the input type's fields.")


@strawberry.input(description="A staff account and the role it gets.")
class SetUserRoleInput:
    id: relay.GlobalID = strawberry.field(description="The account's `id` (a StaffMember).")
    role: Role = strawberry.field(description="What the person may do from now on.")


@strawberry.input(description="Which staff account.")
class StaffMemberRefInput:
    id: relay.GlobalID = strawberry.field(description="The account's `id` (a StaffMember).")


@strawberry.input(description="Your current password and the new one.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password you signed in with.")
    new_password: str = strawberry.field(description="At least 10 characters.")


@strawberry.type(description="The result of changing a staff account.")
class StaffMemberPayload:
    staff_member: StaffMember | None = strawberry.field(description="The account as saved.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type(description="The result of changing your password.")
class ChangePasswordPayload:
    password_changed: bool = strawberry.field(
        description="True when the new password is set. This session goes on; every other "
        "session of your account has ended."
    )
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


def account_id(global_id: relay.GlobalID) -> int:
    found = row_id(global_id.node_id) if global_id.type_name == "StaffMember" else None
    if found is None:
        raise CmsError("This is not the `id` of a staff account.", field="id")
    return found


def _payload(result: Any) -> StaffMemberPayload:
    if isinstance(result, CmsError):
        return StaffMemberPayload(staff_member=None, errors=[UserError.of(result)])
    return StaffMemberPayload(staff_member=StaffMember.from_entity(result), errors=[])


@strawberry.type
class StaffMutations:
    @strawberry.mutation(
        description="Change what a staff member may do (admins). The last active admin "
        "cannot be given another role.",
        permission_classes=[ADMINS],
    )
    async def set_user_role(
        self, info: Info, input: Annotated[SetUserRoleInput, INPUT]
    ) -> StaffMemberPayload:
        async def change(ec: EditorialContext) -> Any:
            role = RoleEntity[input.role.name]
            return await staff_service.set_role(ec, account_id(input.id), role)

        return _payload(await run_editorial(info, change))

    @strawberry.mutation(
        description="Deactivate a leaver's account (admins): it cannot sign in, and every one "
        "of its sessions ends at once; its bylines and history stay. Not your own account, "
        "and not the last active admin.",
        permission_classes=[ADMINS],
    )
    async def deactivate_user(
        self, info: Info, input: Annotated[StaffMemberRefInput, INPUT]
    ) -> StaffMemberPayload:
        async def change(ec: EditorialContext) -> Any:
            return await staff_service.set_active(ec, account_id(input.id), False)

        return _payload(await run_editorial(info, change))

    @strawberry.mutation(
        description="Let a deactivated account sign in again (admins).",
        permission_classes=[ADMINS],
    )
    async def reactivate_user(
        self, info: Info, input: Annotated[StaffMemberRefInput, INPUT]
    ) -> StaffMemberPayload:
        async def change(ec: EditorialContext) -> Any:
            return await staff_service.set_active(ec, account_id(input.id), True)

        return _payload(await run_editorial(info, change))

    @strawberry.mutation(
        description="Change your own password; your current one is required. Every other "
        "session of your account ends; this one goes on.",
        permission_classes=[SIGNED_IN],
    )
    async def change_password(
        self, info: Info, input: Annotated[ChangePasswordInput, INPUT]
    ) -> ChangePasswordPayload:
        token = info.context.token
        result = await run_editorial(
            info,
            lambda ec: staff_service.change_password(
                ec, input.current_password, input.new_password, token
            ),
        )
        if isinstance(result, CmsError):
            return ChangePasswordPayload(password_changed=False, errors=[UserError.of(result)])
        return ChangePasswordPayload(password_changed=True, errors=[])
