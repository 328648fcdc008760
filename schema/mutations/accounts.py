"""Signing in and out, resetting a forgotten password, and managing staff accounts (admins)."""

from typing import Annotated

import strawberry

from cms.errors import CmsError
from cms.models import Role as RoleEntity
from cms.services import auth as auth_service
from cms.services import password_reset as password_reset_service
from cms.services import users as user_service
from cms.services.auth import SESSION_COOKIE
from schema.context import Info
from schema.enums import Role
from schema.me import Me
from schema.permissions import ADMINS
from schema.user_errors import UserError

INPUT = strawberry.argument(description="What to do; see the input type's fields.")


@strawberry.input(description="Credentials of a staff account.")
class LoginInput:
    email: str = strawberry.field(description="Your email address.")
    password: str = strawberry.field(description="Your password.")


@strawberry.type(description="The result of signing in.")
class LoginPayload:
    token: str | None = strawberry.field(
        description="Send as `Authorization: Bearer <token>`. GraphiQL needs nothing: a session "
        "cookie was set as well."
    )
    user: Me | None = strawberry.field(description="Who you are now signed in as.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type(description="The result of signing out.")
class LogoutPayload:
    signed_out: bool = strawberry.field(description="True when a session was ended.")


@strawberry.input(description="A new staff account.")
class CreateUserInput:
    email: str = strawberry.field(description="Email address, used to sign in.")
    password: str = strawberry.field(description="At least 10 characters.")
    role: Role = strawberry.field(description="What the person may do.")
    display_name: str | None = strawberry.field(default=None, description="Name shown in bylines.")


@strawberry.type(description="The result of creating an account.")
class UserPayload:
    user: Me | None = strawberry.field(description="The account as saved.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.input(description="Ask for a link to choose a new password.")
class RequestPasswordResetInput:
    email: str = strawberry.field(description="The email address of your account.")


@strawberry.type(description="The result of asking for a password reset link.")
class RequestPasswordResetPayload:
    message: str | None = strawberry.field(
        description="What to tell the person; the same whether or not the address has an "
        "account, so it never reveals who has one."
    )
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.input(description="A new password, with the token from a reset link.")
class ResetPasswordInput:
    token: str = strawberry.field(
        description="The `token` parameter of the link in the reset email."
    )
    password: str = strawberry.field(description="The new password: at least 10 characters.")


@strawberry.type(description="The result of choosing a new password.")
class ResetPasswordPayload:
    password_changed: bool = strawberry.field(
        description="True when the new password is set. Every session of the account has "
        "ended: sign in again with `login`."
    )
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type
class AccountMutations:
    @strawberry.mutation(
        description="Sign in. Returns a token and sets a session cookie for this browser. "
        "After several wrong passwords, attempts are slowed, then refused for a while."
    )
    async def login(self, info: Info, input: Annotated[LoginInput, INPUT]) -> LoginPayload:
        settings = info.context.settings
        async with info.context.sessions() as session:
            try:
                token, user = await auth_service.login(
                    session=session,
                    settings=settings,
                    email=input.email,
                    password=input.password,
                    address=info.context.client_address,
                )
            except CmsError as error:
                return LoginPayload(token=None, user=None, errors=[UserError.of(error)])
        if info.context.response is not None:
            info.context.response.set_cookie(
                SESSION_COOKIE,
                token,
                max_age=settings.session_ttl_hours * 3600,
                path="/",
                secure=settings.site_url.startswith("https://"),
                httponly=True,
                samesite="strict",
            )
        return LoginPayload(token=token, user=Me.from_entity(user), errors=[])

    @strawberry.mutation(description="Sign out: the token and the session cookie stop working.")
    async def logout(self, info: Info) -> LogoutPayload:
        token = info.context.token
        if token:
            async with info.context.sessions() as session:
                await auth_service.logout(session=session, token=token, viewer=info.context.viewer)
        if info.context.response is not None:
            info.context.response.delete_cookie(SESSION_COOKIE, path="/")
        return LogoutPayload(signed_out=token is not None)

    @strawberry.mutation(
        description="Forgot your password? Mails a link to choose a new one, valid once for "
        "a short while (a newer request voids older links). Always answers the same, whether "
        "or not the address has an account."
    )
    async def request_password_reset(
        self, info: Info, input: Annotated[RequestPasswordResetInput, INPUT]
    ) -> RequestPasswordResetPayload:
        settings = info.context.settings
        async with info.context.sessions() as session:
            try:
                mail = await password_reset_service.request_reset(
                    session=session,
                    settings=settings,
                    email=input.email,
                    address=info.context.client_address,
                )
            except CmsError as error:
                return RequestPasswordResetPayload(message=None, errors=[UserError.of(error)])
        if mail is not None:
            info.context.mail_outbox.post(mail)
        message = password_reset_service.sent_message(settings)
        return RequestPasswordResetPayload(message=message, errors=[])

    @strawberry.mutation(
        description="Choose a new password with the token from a reset email. The token is "
        "used up, and every session of the account ends."
    )
    async def reset_password(
        self, info: Info, input: Annotated[ResetPasswordInput, INPUT]
    ) -> ResetPasswordPayload:
        async with info.context.sessions() as session:
            try:
                await password_reset_service.reset_password(
                    session=session,
                    settings=info.context.settings,
                    token=input.token,
                    password=input.password,
                    address=info.context.client_address,
                )
            except CmsError as error:
                return ResetPasswordPayload(password_changed=False, errors=[UserError.of(error)])
        return ResetPasswordPayload(password_changed=True, errors=[])

    @strawberry.mutation(
        description="Create a staff account (admins).", permission_classes=[ADMINS]
    )
    async def create_user(
        self, info: Info, input: Annotated[CreateUserInput, INPUT]
    ) -> UserPayload:
        async with info.context.sessions() as session:
            try:
                user = await user_service.create_user(
                    session=session,
                    email=input.email,
                    password=input.password,
                    role=RoleEntity[input.role.name],
                    display_name=input.display_name,
                    actor=info.context.viewer,
                )
            except CmsError as error:
                return UserPayload(user=None, errors=[UserError.of(error)])
        return UserPayload(user=Me.from_entity(user), errors=[])
