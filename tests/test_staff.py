"""Managing staff over HTTP with real sign-ins: the admins' list, roles, deactivating a leaver
(sessions end, bylines stay), the last admin, and changing one's own password."""

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import Role
from tests.builders import make_article, make_user
from tests.signing_in import PASSWORD, login, sign_in

STAFF = """
query Staff($search: String, $role: Role, $active: Boolean, $after: String) {
  staff(search: $search, role: $role, active: $active, first: 1, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id email displayName role isActive } }
  }
}
"""
MEMBER = "id email role isActive"
SET_ROLE = f"""
mutation R($input: SetUserRoleInput!) {{
  setUserRole(input: $input) {{ staffMember {{ {MEMBER} }} errors {{ field message code }} }}
}}
"""
DEACTIVATE = f"""
mutation D($input: StaffMemberRefInput!) {{
  deactivateUser(input: $input) {{ staffMember {{ {MEMBER} }} errors {{ field message code }} }}
}}
"""
REACTIVATE = f"""
mutation A($input: StaffMemberRefInput!) {{
  reactivateUser(input: $input) {{ staffMember {{ {MEMBER} }} errors {{ field message code }} }}
}}
"""
CHANGE_PASSWORD = """
mutation P($input: ChangePasswordInput!) {
  changePassword(input: $input) { passwordChanged errors { field message code } }
}
"""
ME = "{ me { email } }"
LOGIN_TOKEN = (
    "mutation L($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token } }"
)
NEW_PASSWORD = "a much longer new passphrase"


async def call(
    client: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body: dict[str, Any] = response.json()
    return body


def staff_id(user_id: int | None) -> str:
    from strawberry import relay

    return str(relay.GlobalID("StaffMember", str(user_id)))


async def test_admins_search_and_page_through_staff(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, email="nino@newsroom.example", display_name="Nino Beridze")
    await make_user(session, email="giorgi@newsroom.example", display_name="Giorgi")
    await make_user(
        session, email="ninoshvili@newsroom.example", display_name="Tamar", is_active=False
    )
    _, admin = await sign_in(session, client, Role.ADMIN)

    first = (await call(client, admin, STAFF, search="NINO"))["data"]["staff"]
    after = first["pageInfo"]["endCursor"]
    second = (await call(client, admin, STAFF, search="nino", after=after))["data"]["staff"]
    inactive = (await call(client, admin, STAFF, active=False))["data"]["staff"]

    assert first["totalCount"] == 2
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["displayName"] for e in first["edges"] + second["edges"]] == [
        "Tamar",
        "Nino Beridze",
    ]
    assert second["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["email"] for e in inactive["edges"]] == ["ninoshvili@newsroom.example"]


async def test_only_admins_see_the_staff_list(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    _, editor = await sign_in(session, client, Role.EDITOR)

    refused = await call(client, editor, STAFF)

    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_deactivated_leaver_is_signed_out_at_once_and_keeps_the_bylines(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    leaver, leaver_headers = await sign_in(session, client, Role.AUTHOR)
    article = await make_article(session, authors=[leaver])
    await session.commit()
    _, admin = await sign_in(session, client, Role.ADMIN)
    byline = "query A($id: String) { article(publicId: $id) { authors { name } } }"
    assert (await call(client, leaver_headers, ME))["data"]["me"] == {"email": leaver.email}

    result = await call(client, admin, DEACTIVATE, input={"id": staff_id(leaver.id)})

    assert result["data"]["deactivateUser"]["errors"] == []
    assert result["data"]["deactivateUser"]["staffMember"]["isActive"] is False
    assert (await call(client, leaver_headers, ME))["data"]["me"] is None
    relogin = await client.post(
        "/graphql",
        json={"query": LOGIN_TOKEN, "variables": {"e": leaver.email, "p": PASSWORD}},
    )
    assert relogin.json()["data"]["login"]["token"] is None
    shown = await call(client, {}, byline, id=article.public_id)
    assert shown["data"]["article"]["authors"] == [{"name": leaver.display_name}]

    back = await call(client, admin, REACTIVATE, input={"id": staff_id(leaver.id)})

    assert back["data"]["reactivateUser"]["staffMember"]["isActive"] is True
    assert await login(client, leaver.email)


async def test_the_last_active_admin_is_never_demoted_or_deactivated(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    admin, headers = await sign_in(session, client, Role.ADMIN)
    other = await make_user(session, role=Role.ADMIN, is_active=False)
    await session.commit()

    demoted = await call(
        client, headers, SET_ROLE, input={"id": staff_id(admin.id), "role": "EDITOR"}
    )
    itself = await call(client, headers, DEACTIVATE, input={"id": staff_id(admin.id)})
    await call(client, headers, REACTIVATE, input={"id": staff_id(other.id)})
    now_allowed = await call(
        client, headers, SET_ROLE, input={"id": staff_id(admin.id), "role": "EDITOR"}
    )

    assert demoted["data"]["setUserRole"]["errors"] == [
        {
            "field": "id",
            "message": "This is the last active admin; make someone else an admin first.",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert itself["data"]["deactivateUser"]["errors"][0]["field"] == "id"
    assert now_allowed["data"]["setUserRole"]["staffMember"]["role"] == "EDITOR"


async def test_a_role_change_applies_to_the_next_request(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    author, author_headers = await sign_in(session, client, Role.AUTHOR)
    _, admin = await sign_in(session, client, Role.ADMIN)
    categories = (
        'mutation { createTag(input: {names: [{locale: "en", text: "Port"}]}) { errors { code } } }'
    )
    assert (await call(client, author_headers, categories))["errors"][0]["extensions"][
        "code"
    ] == "FORBIDDEN"

    await call(client, admin, SET_ROLE, input={"id": staff_id(author.id), "role": "EDITOR"})

    assert (await call(client, author_headers, categories))["data"]["createTag"]["errors"] == []


async def test_changing_ones_password_ends_the_other_sessions_only(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    user, here = await sign_in(session, client, Role.CONTRIBUTOR)
    elsewhere = {"authorization": f"Bearer {await login(client, user.email)}"}

    wrong = await call(
        client,
        here,
        CHANGE_PASSWORD,
        input={"currentPassword": "not it at all", "newPassword": NEW_PASSWORD},
    )
    short = await call(
        client, here, CHANGE_PASSWORD, input={"currentPassword": PASSWORD, "newPassword": "short"}
    )
    done = await call(
        client,
        here,
        CHANGE_PASSWORD,
        input={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
    )

    assert wrong["data"]["changePassword"]["errors"] == [
        {
            "field": "currentPassword",
            "message": "This is not your current password.",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert short["data"]["changePassword"]["errors"][0]["field"] == "newPassword"
    assert done["data"]["changePassword"] == {"passwordChanged": True, "errors": []}
    assert (await call(client, here, ME))["data"]["me"] == {"email": user.email}
    assert (await call(client, elsewhere, ME))["data"]["me"] is None
    assert await login(client, user.email, NEW_PASSWORD)


async def test_a_staff_node_is_null_for_anyone_but_admins(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    _, editor = await sign_in(session, client, Role.EDITOR)
    admin_user, admin = await sign_in(session, client, Role.ADMIN)
    node = f'{{ node(id: "{staff_id(admin_user.id)}") {{ ... on StaffMember {{ email }} }} }}'

    assert (await call(client, {}, node))["data"]["node"] is None
    assert (await call(client, editor, node))["data"]["node"] is None
    assert (await call(client, admin, node))["data"]["node"] == {"email": admin_user.email}
