"""Newsletter sign-up with double opt-in, through a real SMTP server and the app's links."""

import secrets
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import func, select

from cms.models import AuthToken, NewsletterSubscriber, Role, SubscriberStatus
from cms.models.columns import utcnow
from cms.services.auth import token_digest
from cms.services.newsletter import CONFIRM
from cms.services.viewer import ANONYMOUS, Viewer
from cms.web.app import create_app
from schema.context import Context
from tests.builders import make_user
from tests.conftest import GqlResult, Mailroom
from tests.mailroom import link_in, text_of

SUBSCRIBE = """
mutation S($email: String!, $locale: String!) {
  subscribeNewsletter(input: {email: $email, locale: $locale}) {
    message errors { field message code }
  }
}
"""
SUBSCRIBERS = (
    "{ newsletterSubscribers { totalCount edges { node { email locale status confirmedAt } } } }"
)


@pytest.fixture
async def web(
    mailroom: Mailroom, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(mailroom.settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://news.example") as client:
        yield client
    await app.state.engine.dispose()


async def _run(
    graphql_schema: Any,
    mailroom: Mailroom,
    sessions: async_sessionmaker[AsyncSession],
    query: str,
    variables: dict[str, Any] | None = None,
    viewer: Viewer = ANONYMOUS,
) -> GqlResult:
    context = Context(settings=mailroom.settings, sessions=sessions, viewer=viewer)
    result = await graphql_schema.execute(query, variable_values=variables, context_value=context)
    return GqlResult(data=result.data, errors=result.errors)


@pytest.fixture
def subscribe(
    graphql_schema: Any, mailroom: Mailroom, sessions: async_sessionmaker[AsyncSession]
) -> Any:
    async def run(email: str, locale: str = "en") -> dict[str, Any]:
        result = await _run(
            graphql_schema, mailroom, sessions, SUBSCRIBE, {"email": email, "locale": locale}
        )
        assert result.errors is None, result.errors
        payload: dict[str, Any] = result.data["subscribeNewsletter"]
        return payload

    return run


async def _subscriber(session: AsyncSession, email: str) -> NewsletterSubscriber | None:
    session.expire_all()
    query = select(NewsletterSubscriber).where(NewsletterSubscriber.email == email)
    return (await session.scalars(query)).first()


async def test_a_new_subscriber_confirms_through_the_mailed_link(
    subscribe: Any, mailroom: Mailroom, web: httpx.AsyncClient, session: AsyncSession
) -> None:
    payload = await subscribe("Nino@Example.COM", "ka")

    assert payload["errors"] == []
    [mail] = mailroom.inbox.to("nino@example.com")
    assert mail["Subject"] == "დაადასტურეთ გამოწერა"
    assert mail["List-Unsubscribe"].startswith(
        "<https://news.example/newsletter/unsubscribe?token="
    )
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    pending = await _subscriber(session, "nino@example.com")
    assert pending is not None
    assert pending.status is SubscriberStatus.PENDING

    page = await web.get(link_in(mail, "confirm"))

    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    confirmed = await _subscriber(session, "nino@example.com")
    assert confirmed is not None
    assert (confirmed.status, confirmed.locale) == (SubscriberStatus.CONFIRMED, "ka")


async def test_subscribing_twice_is_harmless_and_answers_alike(
    subscribe: Any, mailroom: Mailroom, web: httpx.AsyncClient, session: AsyncSession
) -> None:
    first = await subscribe("reader@example.com")
    await web.get(link_in(mailroom.inbox.to("reader@example.com")[0], "confirm"))
    again = await subscribe("reader@example.com")
    stranger = await subscribe("stranger@example.com")

    assert first == again == stranger
    count = await session.scalar(select(func.count()).select_from(NewsletterSubscriber))
    assert count == 2
    subscriber = await _subscriber(session, "reader@example.com")
    assert subscriber is not None
    assert subscriber.status is SubscriberStatus.CONFIRMED
    note = mailroom.inbox.to("reader@example.com")[-1]
    assert "already" in text_of(note)
    assert "/newsletter/confirm" not in text_of(note)


async def test_an_invalid_email_is_refused_and_nothing_stored_or_sent(
    subscribe: Any, mailroom: Mailroom, session: AsyncSession
) -> None:
    for address in ("not-an-email", "a@b", "x" * 400 + "@example.com", ""):
        payload = await subscribe(address)
        assert payload["message"] is None
        assert [error["field"] for error in payload["errors"]] == ["email"]
    unknown_locale = await subscribe("reader@example.com", "fr")

    assert unknown_locale["errors"][0]["field"] == "locale"
    assert await session.scalar(select(func.count()).select_from(NewsletterSubscriber)) == 0
    assert mailroom.inbox.messages == []


async def test_forged_and_expired_confirmation_links_are_refused(
    subscribe: Any, mailroom: Mailroom, web: httpx.AsyncClient, session: AsyncSession
) -> None:
    await subscribe("reader@example.com")
    subscriber = await _subscriber(session, "reader@example.com")
    assert subscriber is not None

    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 49 * 3600

    expired = URLSafeTimedSerializer(
        mailroom.settings.secret_key, salt=CONFIRM, signer=LongAgo
    ).dumps([subscriber.id, subscriber.email])
    forged = URLSafeTimedSerializer("another key", salt=CONFIRM).dumps(
        [subscriber.id, subscriber.email]
    )

    for token in (expired, forged, "garbage", ""):
        page = await web.get("/newsletter/confirm", params={"token": token})
        assert page.status_code == 400
        assert "invalid or has expired" in page.text
    still = await _subscriber(session, "reader@example.com")
    assert still is not None
    assert still.status is SubscriberStatus.PENDING


async def test_one_click_unsubscribe_posts_and_a_plain_visit_only_asks(
    subscribe: Any, mailroom: Mailroom, web: httpx.AsyncClient, session: AsyncSession
) -> None:
    await subscribe("reader@example.com")
    [mail] = mailroom.inbox.to("reader@example.com")
    await web.get(link_in(mail, "confirm"))
    unsubscribe = mail["List-Unsubscribe"].strip("<>").removeprefix("https://news.example")

    visit = await web.get(unsubscribe)
    after_visit = await _subscriber(session, "reader@example.com")
    one_click = await web.post(
        unsubscribe,
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert visit.status_code == 200
    assert '<form method="post">' in visit.text
    assert after_visit is not None
    assert after_visit.status is SubscriberStatus.CONFIRMED
    assert one_click.status_code == 200
    gone = await _subscriber(session, "reader@example.com")
    assert gone is not None
    assert gone.status is SubscriberStatus.UNSUBSCRIBED
    forged = await web.post("/newsletter/unsubscribe", params={"token": "x" + secrets.token_hex(8)})
    assert forged.status_code == 400


async def test_admins_list_and_export_subscribers_others_cannot(
    subscribe: Any,
    graphql_schema: Any,
    mailroom: Mailroom,
    sessions: async_sessionmaker[AsyncSession],
    web: httpx.AsyncClient,
    session: AsyncSession,
) -> None:
    await subscribe("b@example.com", "ka")
    await subscribe("a@example.com")
    admin = await make_user(session, role=Role.ADMIN)
    editor = await make_user(session, role=Role.EDITOR)
    tokens = {}
    for user in (admin, editor):
        assert user.id is not None
        tokens[user.role] = secrets.token_urlsafe(16)
        session.add(
            AuthToken(
                user_id=user.id,
                token_hash=token_digest(tokens[user.role]),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    await session.commit()

    listed = await _run(graphql_schema, mailroom, sessions, SUBSCRIBERS, viewer=Viewer(admin))
    refused = await _run(graphql_schema, mailroom, sessions, SUBSCRIBERS, viewer=Viewer(editor))
    csv = await web.get(
        "/newsletter/subscribers.csv", headers={"authorization": f"Bearer {tokens[Role.ADMIN]}"}
    )
    csv_for_editor = await web.get(
        "/newsletter/subscribers.csv", headers={"authorization": f"Bearer {tokens[Role.EDITOR]}"}
    )
    csv_for_anyone = await web.get("/newsletter/subscribers.csv")

    assert [
        (e["node"]["email"], e["node"]["locale"], e["node"]["status"])
        for e in listed.data["newsletterSubscribers"]["edges"]
    ] == [
        ("b@example.com", "ka", "PENDING"),
        ("a@example.com", "en", "PENDING"),
    ]
    assert refused.errors is not None
    assert refused.errors[0].extensions == {"code": "FORBIDDEN"}
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    rows = csv.text.splitlines()
    assert rows[0] == "email,locale,status,created_at,confirmed_at,unsubscribed_at"
    assert [row.split(",")[:3] for row in rows[1:]] == [
        ["b@example.com", "ka", "PENDING"],
        ["a@example.com", "en", "PENDING"],
    ]
    assert (csv_for_editor.status_code, csv_for_anyone.status_code) == (403, 401)
