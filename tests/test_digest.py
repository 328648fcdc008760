"""The daily digest: chosen articles, mailed once a day per subscriber over real SMTP."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from cms.cli import app as cli
from cms.models import ArticleViewBucket, NewsletterSubscriber, Role, SubscriberStatus
from cms.services import digest
from cms.services.viewer import ANONYMOUS, Viewer
from cms.web.app import create_app
from schema.context import Context
from tests.builders import make_article, make_user
from tests.conftest import Gql, Mailroom
from tests.mailroom import html_of, link_in, text_of

PICK = """
mutation P($id: String!, $day: Date) {
  setArticleDigestPick(input: {id: $id, day: $day}) { article { title } errors { message } }
}
"""
SUBSCRIBE = """
mutation S($email: String!) {
  subscribeNewsletter(input: {email: $email, locale: "en"}) { message errors { message } }
}
"""


def _today(mailroom: Mailroom) -> date:
    return datetime.now(mailroom.settings.zone).date()


async def _confirmed(session: AsyncSession, *emails: str, locale: str = "en") -> None:
    for email in emails:
        session.add(
            NewsletterSubscriber(email=email, locale=locale, status=SubscriberStatus.CONFIRMED)
        )
    await session.commit()


async def _chosen(sessions: async_sessionmaker[AsyncSession], mailroom: Mailroom) -> list[str]:
    async with sessions() as session:
        articles = await digest.digest_articles(
            session=session, settings=mailroom.settings, locale="en", day=_today(mailroom)
        )
    return [article.title for article in articles]


async def test_editor_picks_make_the_digest_of_their_day(
    session: AsyncSession, gql: Gql, mailroom: Mailroom, sessions: async_sessionmaker[AsyncSession]
) -> None:
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    picked = await make_article(session, title="Picked")
    await make_article(session, title="Featured", is_featured=True, published_at=datetime.now(UTC))
    tomorrow = await make_article(session, title="For tomorrow")
    await session.commit()
    today = _today(mailroom)

    for article, day in ((picked, today), (tomorrow, today + timedelta(days=1))):
        result = await gql(PICK, {"id": article.public_id, "day": day.isoformat()}, viewer=editor)
        assert result.data["setArticleDigestPick"]["errors"] == []

    assert await _chosen(sessions, mailroom) == ["Picked"]


async def test_without_picks_the_days_featured_then_the_most_read(
    session: AsyncSession, mailroom: Mailroom, sessions: async_sessionmaker[AsyncSession]
) -> None:
    now = datetime.now(UTC)
    await make_article(session, title="Featured", is_featured=True, published_at=now)
    await make_article(
        session, title="Old featured", is_featured=True, published_at=now - timedelta(days=3)
    )
    popular = await make_article(session, title="Popular", published_at=now - timedelta(hours=5))
    quiet = await make_article(session, title="Quiet", published_at=now - timedelta(hours=4))
    for article, views in ((popular, 90), (quiet, 3)):
        assert article.id is not None
        session.add(ArticleViewBucket(article_id=article.id, day=now.date(), views=views))
    await session.commit()

    assert await _chosen(sessions, mailroom) == ["Featured", "Popular", "Quiet"]


@pytest.fixture
async def web(
    mailroom: Mailroom, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(mailroom.settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://news.example") as client:
        yield client
    await app.state.engine.dispose()


async def test_a_new_subscriber_confirms_by_mail_and_gets_one_digest_a_day(
    graphql_schema: Any,
    mailroom: Mailroom,
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    web: httpx.AsyncClient,
) -> None:
    await make_article(
        session, title="Lari steadies", is_featured=True, published_at=datetime.now(UTC)
    )
    await session.commit()
    context = Context(settings=mailroom.settings, sessions=sessions, viewer=ANONYMOUS)
    await graphql_schema.execute(
        SUBSCRIBE, variable_values={"email": "nino@example.com"}, context_value=context
    )
    [confirmation] = mailroom.inbox.to("nino@example.com")
    assert (await web.get(link_in(confirmation, "confirm"))).status_code == 200

    runs = [await digest.send_digest(sessions, mailroom.settings) for _ in range(2)]
    runs += await asyncio.gather(
        *(digest.send_digest(sessions, mailroom.settings) for _ in range(3))
    )

    assert [run.sent for run in runs] == [1, 0, 0, 0, 0]
    [_, mail] = mailroom.inbox.to("nino@example.com")
    assert mail["Subject"] == f"Main news of the day: {_today(mailroom).isoformat()}"
    assert "Lari steadies" in text_of(mail)
    assert "Lari steadies" in html_of(mail)
    assert 'href="https://news.example/en/' in html_of(mail)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (await web.post(link_in(mail, "unsubscribe"))).status_code == 200
    tomorrow = _today(mailroom) + timedelta(days=1)
    assert (await digest.send_digest(sessions, mailroom.settings, tomorrow)).sent == 0


async def test_concurrent_senders_serve_each_subscriber_exactly_once(
    session: AsyncSession, mailroom: Mailroom, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await make_article(session, title="News", is_featured=True, published_at=datetime.now(UTC))
    emails = [f"reader{n}@example.com" for n in range(30)]
    await _confirmed(session, *emails)

    runs = await asyncio.gather(
        *(digest.send_digest(sessions, mailroom.settings) for _ in range(3))
    )

    assert sum(run.sent for run in runs) == 30
    assert sorted(message["To"] for message in mailroom.inbox.messages) == sorted(emails)


async def test_only_confirmed_subscribers_get_it_in_their_language(
    session: AsyncSession, mailroom: Mailroom, sessions: async_sessionmaker[AsyncSession]
) -> None:
    now = datetime.now(UTC)
    await make_article(session, title="News", is_featured=True, published_at=now)
    await make_article(session, title="ამბები", locale="ka", is_featured=True, published_at=now)
    await _confirmed(session, "en@example.com")
    await _confirmed(session, "ka@example.com", locale="ka")
    session.add(NewsletterSubscriber(email="pending@example.com", locale="en"))
    session.add(
        NewsletterSubscriber(
            email="gone@example.com", locale="en", status=SubscriberStatus.UNSUBSCRIBED
        )
    )
    await session.commit()

    run = await digest.send_digest(sessions, mailroom.settings)

    assert run.sent == 2
    assert sorted(run.locales) == ["en", "ka"]
    [georgian] = mailroom.inbox.to("ka@example.com")
    assert georgian["Subject"].startswith("დღის მთავარი ამბები")
    assert "ამბები" in text_of(georgian)
    assert mailroom.inbox.to("pending@example.com") == mailroom.inbox.to("gone@example.com") == []


async def test_a_refused_delivery_is_given_back_and_retried(
    session: AsyncSession, mailroom: Mailroom, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await make_article(session, title="News", is_featured=True, published_at=datetime.now(UTC))
    await _confirmed(session, "full@example.com", "fine@example.com")
    mailroom.inbox.refuse.add("full@example.com")

    first = await digest.send_digest(sessions, mailroom.settings)
    mailroom.inbox.refuse.clear()
    second = await digest.send_digest(sessions, mailroom.settings)

    assert (first.sent, first.failed, second.sent, second.failed) == (1, 1, 1, 0)
    assert len(mailroom.inbox.to("full@example.com")) == 1
    assert len(mailroom.inbox.to("fine@example.com")) == 1


async def test_no_articles_means_no_mail(
    session: AsyncSession, mailroom: Mailroom, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _confirmed(session, "reader@example.com")

    run = await digest.send_digest(sessions, mailroom.settings)

    assert (run.sent, mailroom.inbox.messages) == (0, [])


async def test_the_command_line_sends_the_digest(
    session: AsyncSession, mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_article(session, title="News", is_featured=True, published_at=datetime.now(UTC))
    await _confirmed(session, "reader@example.com")
    for name, value in {
        "CMS_DATABASE_URL": mailroom.settings.database_url,
        "CMS_SMTP_HOST": "127.0.0.1",
        "CMS_SMTP_PORT": str(mailroom.settings.smtp_port),
    }.items():
        monkeypatch.setenv(name, value)

    result = await asyncio.to_thread(CliRunner().invoke, cli, ["digest", "send"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Sent 1 digest(s) in en")
    assert len(mailroom.inbox.to("reader@example.com")) == 1
