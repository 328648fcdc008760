"""Signing in and out: tokens, the GraphiQL session cookie, throttling, and the CLI."""

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cms.models import AuthToken, Role, User
from cms.services.auth import WRONG_CREDENTIALS as WRONG
from cms.services.passwords import hash_password
from cms.settings import Settings
from cms.web.app import create_app
from tests.conftest import Gql

LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) {
    token user { email role } errors { field message code }
  }
}
"""
ME = "{ me { email displayName role } }"
LOGOUT = "mutation { logout { signedOut } }"
PASSWORD = "correct horse battery staple"


async def _editor(session: AsyncSession) -> User:
    user = User(
        email="nino@newsroom.example",
        display_name="Nino",
        role=Role.EDITOR,
        password_hash=hash_password(PASSWORD),
    )
    session.add(user)
    await session.commit()
    return user


async def _login(client: httpx.AsyncClient, password: str = PASSWORD) -> dict[str, object]:
    response = await client.post(
        "/graphql",
        json={
            "query": LOGIN,
            "variables": {"email": "Nino@Newsroom.example", "password": password},
        },
    )
    assert response.status_code == 200
    payload: dict[str, object] = response.json()["data"]["login"]
    return payload


async def test_login_returns_a_token_that_signs_requests_in(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _editor(session)

    payload = await _login(client)
    client.cookies.clear()
    me = await client.post(
        "/graphql", json={"query": ME}, headers={"authorization": f"Bearer {payload['token']}"}
    )

    assert payload["errors"] == []
    assert me.json()["data"]["me"] == {
        "email": "nino@newsroom.example",
        "displayName": "Nino",
        "role": "EDITOR",
    }


async def test_tokens_are_stored_only_as_hashes(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _editor(session)

    token = (await _login(client))["token"]

    stored = (await session.scalars(select(col(AuthToken.token_hash)))).all()
    assert len(stored) == 1
    assert token not in stored
    assert len(stored[0]) == 64


async def test_login_sets_a_strict_http_only_cookie_for_graphiql(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _editor(session)

    response = await client.post(
        "/graphql",
        json={
            "query": LOGIN,
            "variables": {"email": "nino@newsroom.example", "password": PASSWORD},
        },
    )
    me = await client.post("/graphql", json={"query": ME})

    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert me.json()["data"]["me"]["email"] == "nino@newsroom.example"


async def test_the_cookie_is_ignored_on_cross_site_requests(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _editor(session)
    await _login(client)

    forged = await client.post(
        "/graphql",
        json={"query": 'mutation { createArticle(input: {title: "Forged"}) { errors { code } } }'},
        headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )

    assert forged.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_logout_revokes_the_token(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await _editor(session)
    token = (await _login(client))["token"]
    client.cookies.clear()
    headers = {"authorization": f"Bearer {token}"}

    await client.post("/graphql", json={"query": LOGOUT}, headers=headers)
    me = await client.post("/graphql", json={"query": ME}, headers=headers)

    assert me.json()["data"]["me"] is None


async def test_wrong_password_and_unknown_email_get_the_same_answer(
    session: AsyncSession, gql: Gql
) -> None:
    await _editor(session)

    wrong = await gql(LOGIN, {"email": "nino@newsroom.example", "password": "not the password"})
    unknown = await gql(LOGIN, {"email": "nobody@newsroom.example", "password": "whatever pass"})

    assert wrong.data["login"] == unknown.data["login"]
    assert wrong.data["login"]["token"] is None
    assert wrong.data["login"]["errors"][0]["message"] == "Wrong email or password."


async def test_repeated_failures_lock_the_account_for_a_while(
    session: AsyncSession, gql: Gql, settings: Settings
) -> None:
    await _editor(session)
    attempts = settings.login_lockout_after

    for _ in range(attempts):
        await gql(LOGIN, {"email": "nino@newsroom.example", "password": "guess guess guess"})
    locked = await gql(LOGIN, {"email": "nino@newsroom.example", "password": PASSWORD})

    assert locked.data["login"]["token"] is None
    assert "Too many failed sign-ins" in locked.data["login"]["errors"][0]["message"]
    assert await session.scalar(select(func.count()).select_from(AuthToken)) == 0


async def test_an_expired_or_forged_token_is_not_signed_in(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _editor(session)

    response = await client.post(
        "/graphql",
        json={"query": 'mutation { createArticle(input: {title: "X"}) { errors { code } } }'},
        headers={"authorization": "Bearer forged-token"},
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_cli_creates_an_admin_reading_the_password_from_stdin(tmp_path: Path) -> None:
    env = os.environ | {"CMS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cli.db"}
    cms = [sys.executable, "-m", "cms.cli"]

    created = subprocess.run(
        [*cms, "user", "create", "--email", "Chief@Newsroom.example", "--role", "ADMIN"],
        input=f"{PASSWORD}\n",
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    weak = subprocess.run(
        [*cms, "user", "create", "--email", "b@newsroom.example", "--role", "EDITOR"],
        input="short\n",
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert created.returncode == 0, created.stderr
    assert "Created ADMIN chief@newsroom.example" in created.stdout
    assert weak.returncode == 1
    assert "at least 10 characters" in weak.stderr


@pytest.fixture(autouse=True)
def _fast_throttle(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slow-down waits are real but short in tests."""
    monkeypatch.setattr(settings, "login_slowdown_seconds", 0.001)


@pytest.fixture
async def strict(settings: Settings, session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a lockout after 3 failures, and Nino's account."""
    await _editor(session)
    app = create_app(
        settings.model_copy(update={"login_lockout_after": 3, "login_slowdown_seconds": 0.001})
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client
    await app.state.engine.dispose()


def _answers(body: object) -> list[str]:
    """The message of each login in a response: batched, aliased, or both."""
    results = body if isinstance(body, list) else [body]
    messages = []
    for result in results:
        assert isinstance(result, dict)
        assert "errors" not in result, result
        for login in result["data"].values():
            messages.append(login["errors"][0]["message"] if login["errors"] else "signed in")
    return messages


LOCKED = "Too many failed sign-ins. Try again in 15 minute(s)."


def _op(email: str, password: str) -> dict[str, object]:
    return {"query": LOGIN, "variables": {"email": email, "password": password}}


async def test_a_batch_of_guesses_counts_every_attempt(strict: httpx.AsyncClient) -> None:
    """A batch runs its operations at once; each is still counted before its password is."""
    guesses = [_op("nino@newsroom.example", f"guess {n}") for n in range(6)]

    answers = _answers((await strict.post("/graphql", json=guesses)).json())
    owner = await strict.post("/graphql", json=_op("nino@newsroom.example", PASSWORD))

    assert sorted(answers) == [LOCKED] * 3 + [WRONG] * 3
    assert _answers(owner.json()) == [LOCKED]


async def test_aliased_guesses_in_one_document_count_every_attempt(
    strict: httpx.AsyncClient,
) -> None:
    aliases = " ".join(
        f'g{n}: login(input: {{email: "nino@newsroom.example", password: "guess {n}"}}) '
        "{ token errors { message } }"
        for n in range(6)
    )

    response = await strict.post("/graphql", json={"query": f"mutation {{ {aliases} }}"})

    assert _answers(response.json()) == [WRONG] * 3 + [LOCKED] * 3


async def test_guesses_spread_over_accounts_are_counted_per_address(
    strict: httpx.AsyncClient,
) -> None:
    """One client trying a common password on many accounts is stopped by its address."""
    guesses = [_op(f"staff{n}@newsroom.example", "Summer2026!") for n in range(5)]

    answers = _answers((await strict.post("/graphql", json=guesses)).json())
    owner = await strict.post("/graphql", json=_op("nino@newsroom.example", PASSWORD))

    assert sorted(answers) == [LOCKED] * 2 + [WRONG] * 3
    assert _answers(owner.json()) == [LOCKED]


async def test_an_absurdly_long_email_is_only_a_wrong_one(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"email": "a" * 5000 + "@x.example", "password": "x"}},
    )

    assert _answers(response.json()) == [WRONG]


async def test_unknown_addresses_cost_a_password_hash_too(
    session: AsyncSession, gql: Gql, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same work whoever is asked for, so timing does not tell who has an account: every
    attempt verifies one argon2 hash (tens of milliseconds), a dummy one for unknown addresses.
    The real verifier runs; the test only counts its calls."""
    await _editor(session)
    verified: list[str] = []
    real_verify = PasswordHasher.verify

    def counting(hasher: PasswordHasher, hash: str, password: str) -> bool:
        verified.append(password)
        return real_verify(hasher, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)

    await gql(LOGIN, {"email": "nino@newsroom.example", "password": "guess one"})
    await gql(LOGIN, {"email": "nobody@newsroom.example", "password": "guess two"})

    assert verified == ["guess one", "guess two"]
