"""Signing a staff member in over HTTP, for tests that go through the app and its caches."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import Role, User
from cms.services.passwords import hash_password
from tests.builders import make_user

PASSWORD = "correct horse battery staple"
LOGIN = (
    "mutation L($e: String!, $p: String!) "
    "{ login(input: {email: $e, password: $p}) { token errors { message } } }"
)


async def sign_in(
    session: AsyncSession, client: httpx.AsyncClient, role: Role = Role.EDITOR
) -> tuple[User, dict[str, str]]:
    """A new account of `role`, signed in: the account and the headers that carry its token."""
    user = await make_user(session, role=role, password_hash=hash_password(PASSWORD))
    await session.commit()
    token = await login(client, user.email)
    return user, {"authorization": f"Bearer {token}"}


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> str:
    response = await client.post(
        "/graphql", json={"query": LOGIN, "variables": {"e": email, "p": password}}
    )
    client.cookies.clear()
    token: str = response.json()["data"]["login"]["token"]
    return token
