"""Password reset by email, through the app and a real SMTP server: one hashed token that expires,
works once and ends every session; the same answer for every address."""

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select, update

from cms.models import AuditEntry, AuthToken, Role, User
from cms.models.columns import utcnow
from cms.services.auth import token_digest
from cms.services.mail import Outbox
from cms.services.password_reset import request_reset
from cms.services.passwords import hash_password
from cms.settings import Settings
from cms.web.app import create_app
from tests.builders import make_token
from tests.conftest import Mailroom
from tests.mailroom import text_of
from tests.polling import until

EMAIL = "nino@newsroom.example"
OLD_PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase"
REQUEST = """
mutation Request($email: String!) {
  requestPasswordReset(input: {email: $email}) { message errors { field message code } }
}
"""
RESET = """
mutation Reset($input: ResetPasswordInput!) {
  resetPassword(input: $input) { passwordChanged errors { field message code } }
}
"""
LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { token errors { message } }
}
"""
ME = "{ me { email } }"


@pytest.fixture
async def web(mailroom: Mailroom, session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    """The app sending through the test's SMTP server, with an editor who forgot her password."""
    session.add(
        User(
            email=EMAIL,
            display_name="Nino",
            role=Role.EDITOR,
            password_hash=hash_password(OLD_PASSWORD),
        )
    )
    await session.commit()
    app = create_app(mailroom.settings.model_copy(update={"login_slowdown_seconds": 0.001}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://news.example") as client:
        yield client
    await app.state.outbox.close()
    await app.state.engine.dispose()


async def _post(web: httpx.AsyncClient, query: str, variables: Any, **headers: str) -> Any:
    response = await web.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _request(web: httpx.AsyncClient, email: str = EMAIL) -> dict[str, Any]:
    body = await _post(web, REQUEST, {"email": email})
    payload: dict[str, Any] = body["data"]["requestPasswordReset"]
    return payload


async def _reset(
    web: httpx.AsyncClient, token: str, password: str = NEW_PASSWORD
) -> dict[str, Any]:
    body = await _post(web, RESET, {"input": {"token": token, "password": password}})
    payload: dict[str, Any] = body["data"]["resetPassword"]
    return payload


async def _mailed_token(mailroom: Mailroom, count: int = 1) -> str:
    """The token in the newest reset mail, once `count` mails have arrived."""
    await until(lambda: len(mailroom.inbox.to(EMAIL)) >= count, what=f"{count} reset mail(s)")
    found = re.search(
        r"https://news\.example/reset-password\?token=(\S+)", text_of(mailroom.inbox.to(EMAIL)[-1])
    )
    assert found is not None
    return found.group(1)


async def _signs_in(web: httpx.AsyncClient, password: str) -> bool:
    body = await _post(web, LOGIN, {"email": EMAIL, "password": password})
    web.cookies.clear()
    return body["data"]["login"]["token"] is not None


async def test_the_mailed_link_sets_a_new_password(
    web: httpx.AsyncClient, mailroom: Mailroom
) -> None:
    asked = await _request(web)
    token = await _mailed_token(mailroom)

    done = await _reset(web, token)

    assert asked["errors"] == []
    assert done == {"passwordChanged": True, "errors": []}
    assert await _signs_in(web, NEW_PASSWORD)
    assert not await _signs_in(web, OLD_PASSWORD)


async def test_known_and_unknown_addresses_get_the_same_answer(
    web: httpx.AsyncClient, mailroom: Mailroom
) -> None:
    known = await web.post("/graphql", json={"query": REQUEST, "variables": {"email": EMAIL}})
    unknown = await web.post(
        "/graphql", json={"query": REQUEST, "variables": {"email": "nobody@newsroom.example"}}
    )

    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)
    assert "set-cookie" not in known.headers
    await _mailed_token(mailroom)
    assert mailroom.inbox.to("nobody@newsroom.example") == []


async def test_the_answer_does_not_wait_for_the_mail_server(
    web: httpx.AsyncClient, mailroom: Mailroom
) -> None:
    """Were the mail sent before answering, a known address would answer later than an unknown
    one; here the mail server holds every message, and the answer still comes."""
    mailroom.inbox.open.clear()
    try:
        answer = await asyncio.wait_for(_request(web), timeout=10)
        assert answer["errors"] == []
        assert mailroom.inbox.to(EMAIL) == []
    finally:
        mailroom.inbox.open.set()
    await _mailed_token(mailroom)


async def test_the_token_is_stored_only_as_a_hash(
    web: httpx.AsyncClient, mailroom: Mailroom, session: AsyncSession
) -> None:
    await _request(web)
    token = await _mailed_token(mailroom)

    rows = (await session.execute(select(AuthToken))).scalars().all()

    assert [row.token_hash for row in rows] == [token_digest(token)]
    assert token not in orjson.dumps([row.model_dump(mode="json") for row in rows]).decode()


async def test_a_link_works_once(web: httpx.AsyncClient, mailroom: Mailroom) -> None:
    await _request(web)
    token = await _mailed_token(mailroom)

    first = await _reset(web, token)
    second = await _reset(web, token, "yet another passphrase")

    assert first["passwordChanged"] is True
    assert second["passwordChanged"] is False
    assert second["errors"][0]["field"] == "token"
    assert "invalid, used or expired" in second["errors"][0]["message"]
    assert await _signs_in(web, NEW_PASSWORD)


async def test_a_link_expires(
    web: httpx.AsyncClient, mailroom: Mailroom, session: AsyncSession
) -> None:
    await _request(web)
    token = await _mailed_token(mailroom)
    await session.execute(update(AuthToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    await session.commit()

    late = await _reset(web, token)

    assert late["passwordChanged"] is False
    assert "invalid, used or expired" in late["errors"][0]["message"]
    assert await _signs_in(web, OLD_PASSWORD)


async def test_a_new_request_voids_older_links(web: httpx.AsyncClient, mailroom: Mailroom) -> None:
    await _request(web)
    older = await _mailed_token(mailroom)
    await _request(web)
    newer = await _mailed_token(mailroom, count=2)

    stale = await _reset(web, older)
    fresh = await _reset(web, newer)

    assert stale["passwordChanged"] is False
    assert fresh["passwordChanged"] is True


async def test_resetting_ends_every_session(
    web: httpx.AsyncClient, mailroom: Mailroom, session: AsyncSession
) -> None:
    user = (await session.scalars(select(User))).one()
    laptop, phone = await make_token(session, user), await make_token(session, user)
    await session.commit()
    await _request(web)

    await _reset(web, await _mailed_token(mailroom))

    for token in (laptop, phone):
        me = await _post(web, ME, None, authorization=f"Bearer {token}")
        assert me["data"]["me"] is None


async def test_a_reset_token_does_not_sign_anyone_in(
    web: httpx.AsyncClient, mailroom: Mailroom
) -> None:
    await _request(web)
    token = await _mailed_token(mailroom)

    me = await _post(web, ME, None, authorization=f"Bearer {token}")

    assert me["data"]["me"] is None


BAD_VALUES = ["{}", "[]", '""', "null", "42", "true", '["x"]']


async def test_values_of_the_wrong_kind_are_refused_and_change_nothing(
    web: httpx.AsyncClient, mailroom: Mailroom
) -> None:
    await _request(web)
    token = await _mailed_token(mailroom)
    refusals = []

    for value in BAD_VALUES:
        literal = (
            f'mutation {{ resetPassword(input: {{token: {value}, password: "{NEW_PASSWORD}"}}) '
            "{ passwordChanged errors { field message } } }"
        )
        refusals.append(await _post(web, literal, None))
        decoded = orjson.loads(value)
        refusals.append(
            await _post(web, RESET, {"input": {"token": decoded, "password": NEW_PASSWORD}})
        )
        refusals.append(await _post(web, RESET, {"input": {"token": token, "password": decoded}}))
        refusals.append(await _post(web, RESET, {"input": decoded}))

    for value, body in zip([v for v in BAD_VALUES for _ in range(4)], refusals, strict=True):
        payload = (body.get("data") or {}).get("resetPassword")
        if payload is None:
            message = body["errors"][0]["message"]
            assert re.search(r"String|ResetPasswordInput|token|password", message), (value, body)
        else:
            assert payload["passwordChanged"] is False, (value, body)
            assert payload["errors"][0]["field"] in ("token", "password"), (value, body)
    assert not await _signs_in(web, NEW_PASSWORD)
    assert (await _reset(web, token))["passwordChanged"] is True


async def test_an_empty_or_weak_password_is_refused_and_keeps_the_link(
    web: httpx.AsyncClient, mailroom: Mailroom
) -> None:
    await _request(web)
    token = await _mailed_token(mailroom)

    weak = await _reset(web, token, "short")
    empty_token = await _reset(web, "   ")

    assert weak["errors"][0]["field"] == "password"
    assert "at least 10 characters" in weak["errors"][0]["message"]
    assert empty_token["errors"][0] == {
        "field": "token",
        "message": "The token is empty: paste the one from the link in the reset email.",
        "code": "BAD_USER_INPUT",
    }
    assert (await _reset(web, token))["passwordChanged"] is True


async def test_bad_addresses_are_refused_with_a_clear_error(web: httpx.AsyncClient) -> None:
    for value in ["", "not an address", "@newsroom.example"]:
        answer = await _request(web, value)
        assert answer["message"] is None
        assert answer["errors"][0]["field"] == "email"
        assert "not a valid email address" in answer["errors"][0]["message"]
    wrong_kinds: list[object] = [{}, [], None, 42]
    for wrong_kind in wrong_kinds:
        body = await _post(web, REQUEST, {"email": wrong_kind})
        assert body["data"] is None
        assert "$email" in body["errors"][0]["message"]


async def test_a_reset_is_audited_without_any_secret(
    web: httpx.AsyncClient, mailroom: Mailroom, session: AsyncSession
) -> None:
    await _request(web)
    token = await _mailed_token(mailroom)
    await _reset(web, token)

    entries = (await session.scalars(select(AuditEntry).order_by(col(AuditEntry.id)))).all()
    user = (await session.scalars(select(User))).one()
    dumped = orjson.dumps([entry.model_dump(mode="json") for entry in entries]).decode()

    assert [entry.action for entry in entries][-2:] == [
        "user.password_reset_requested",
        "user.password_reset",
    ]
    assert entries[-1].actor_id == entries[-1].entity_id == user.id
    for secret in (token, token_digest(token), NEW_PASSWORD, user.password_hash):
        assert secret not in dumped


async def test_reset_requests_are_limited_per_address_also_in_one_batch(
    web: httpx.AsyncClient, mailroom: Mailroom, settings: Settings, session: AsyncSession
) -> None:
    """Nobody can flood a mailbox: a batch is counted per operation, not per HTTP request."""
    limit = settings.password_reset_max_requests
    batch = [{"query": REQUEST, "variables": {"email": EMAIL}} for _ in range(limit + 2)]

    answers = [
        a["data"]["requestPasswordReset"] for a in (await web.post("/graphql", json=batch)).json()
    ]
    links = (await session.scalars(select(AuthToken))).all()

    refused = [answer["errors"][0]["message"] for answer in answers if answer["errors"]]
    assert len(refused) == 2
    assert all(message.startswith("Too many password reset requests") for message in refused)
    assert len(links) == limit
    await until(lambda: len(mailroom.inbox.to(EMAIL)) == limit, what="the allowed mails")


async def test_without_smtp_production_logs_carry_no_reset_link(
    settings: Settings, session: AsyncSession, caplog: pytest.LogCaptureFixture
) -> None:
    production = settings.model_copy(update={"env": "production", "secret_key": "s" * 40})
    session.add(User(email=EMAIL, display_name="Nino", role=Role.EDITOR))
    await session.commit()
    mail = await request_reset(session=session, settings=production, email=EMAIL, address=None)
    assert mail is not None
    outbox = Outbox(production)

    with caplog.at_level(logging.WARNING):
        outbox.post(mail)
        await outbox.close()

    assert EMAIL in caplog.text
    assert "reset-password" not in caplog.text
