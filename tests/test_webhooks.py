"""Webhooks: an admin registers an endpoint, a content change is written to the outbox in its
own transaction, and the worker delivers it, signed, to a real HTTP receiver; failures are
retried with backoff and dead-lettered, and a dead delivery can be sent again."""

import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from cms.models import ArticleStatus, DeliveryStatus, Role, WebhookDelivery, WebhookEvent
from cms.services.media.library import MediaLibrary
from cms.services.viewer import Viewer
from cms.services.webhooks.delivery import WebhookSender
from cms.settings import Settings
from cms.storage import storage_for
from tests.builders import make_article, make_user
from tests.conftest import Gql
from tests.webhook_receiver import Answer, Receiver, webhook_receiver

REGISTER = """
mutation R($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    endpoint { id url events active } secret errors { field message code }
  }
}
"""
PUBLISH = "mutation P($id: String!) { publishArticle(input: {id: $id}) { errors { message } } }"
UNPUBLISH = "mutation U($id: String!) { unpublishArticle(input: {id: $id}) { errors { message } } }"
RETITLE = """
mutation T($id: String!, $version: Int!) {
  updateArticle(input: {id: $id, version: $version, title: "Retitled"}) { errors { field } }
}
"""
DELIVERIES = """
query D($endpoint: Int!, $after: String, $status: WebhookDeliveryStatus) {
  webhookDeliveries(endpoint: $endpoint, first: 1, after: $after, status: $status) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id eventId event status attempts responseStatus durationMs error deliveredAt }
  }
}
"""
REDELIVER = """
mutation A($id: Int!) {
  redeliverWebhook(input: {id: $id}) { delivery { id status attempts } errors { message } }
}
"""
UPDATE = """
mutation U($input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(input: $input) { endpoint { url active events } errors { field } }
}
"""
DELETE = (
    "mutation D($id: Int!) { deleteWebhookEndpoint(input: {id: $id}) { deleted errors { code } } }"
)


@pytest.fixture
def hook_settings(settings: Settings) -> Settings:
    """Loopback admitted (the receiver listens there), three quick tries, a short timeout."""
    return settings.model_copy(
        update={
            "webhook_allowed_networks": [ip_network("127.0.0.0/8")],
            "webhook_max_attempts": 3,
            "webhook_retry_base_seconds": 0.0,
            "webhook_timeout_seconds": 1.0,
        }
    )


@pytest.fixture
async def media_library(
    hook_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[MediaLibrary]:
    """The `gql` fixture runs with the library's settings: these ones."""
    library = MediaLibrary(hook_settings, storage_for(hook_settings), sessions)
    yield library
    await library.close()


@pytest.fixture
def sender(hook_settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> WebhookSender:
    return WebhookSender(sessions, hook_settings)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as receiver:
        yield receiver


@pytest.fixture
async def admin(session: AsyncSession) -> Viewer:
    user = await make_user(session, role=Role.ADMIN, email="admin@newsroom.example")
    await session.commit()
    return Viewer(user)


@pytest.fixture
async def editor(session: AsyncSession) -> Viewer:
    user = await make_user(session, role=Role.EDITOR, email="editor@newsroom.example")
    await session.commit()
    return Viewer(user)


async def register(gql: Gql, admin: Viewer, url: str, **extra: Any) -> dict[str, Any]:
    events = extra.pop("events", ["ARTICLE_PUBLISHED", "ARTICLE_UNPUBLISHED", "ARTICLE_UPDATED"])
    result = await gql(REGISTER, {"input": {"url": url, "events": events, **extra}}, viewer=admin)
    assert result.errors is None, result.errors
    payload: dict[str, Any] = result.data["createWebhookEndpoint"]
    return payload


async def drain(sender: WebhookSender) -> None:
    """Run the worker until nothing is due (retries are due at once with a zero base wait)."""
    while await sender.run_once():
        pass


def documented_verifier() -> Callable[..., bool]:
    """The `verify` function of docs/webhooks.md, run as a receiver would copy it."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "webhooks.md").read_text()
    [snippet] = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)
    verify: Callable[..., bool] = namespace["verify"]
    return verify


async def deliveries(session: AsyncSession) -> list[WebhookDelivery]:
    session.expire_all()
    query = select(WebhookDelivery).order_by(col(WebhookDelivery.id))
    return list((await session.scalars(query)).all())


async def test_a_publish_is_posted_to_the_endpoint_signed_with_its_secret(
    gql: Gql,
    session: AsyncSession,
    admin: Viewer,
    editor: Viewer,
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    registered = await register(gql, admin, receiver.url)
    story = await make_article(session, status=ArticleStatus.DRAFT, slug="lari-rises")
    await session.commit()

    published = await gql(PUBLISH, {"id": story.public_id}, viewer=editor)
    await drain(sender)

    assert published.data["publishArticle"]["errors"] == []
    [sent] = receiver.received
    body = json.loads(sent.body)
    assert (body["event"], sent.headers["x-cms-event"]) == ("article.published",) * 2
    assert body["data"] == {
        "publicId": story.public_id,
        "locale": "en",
        "slug": "lari-rises",
        "categoryId": None,
    }
    assert sent.headers["x-cms-event-id"] == body["id"]
    verify = documented_verifier()
    assert verify(registered["secret"], sent.headers, sent.body)
    assert not verify("another secret of 32 characters", sent.headers, sent.body)
    assert not verify(registered["secret"], sent.headers, sent.body.replace(b"lari", b"euro"))
    [logged] = await deliveries(session)
    assert (logged.status, logged.attempts, logged.response_status) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )


async def test_an_endpoint_hears_only_the_events_it_chose(
    gql: Gql,
    session: AsyncSession,
    admin: Viewer,
    editor: Viewer,
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    await register(gql, admin, receiver.url, events=["ARTICLE_UNPUBLISHED"])
    story = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()

    await gql(PUBLISH, {"id": story.public_id}, viewer=editor)
    await gql(UNPUBLISH, {"id": story.public_id}, viewer=editor)
    await drain(sender)

    assert [json.loads(body)["event"] for body in receiver.bodies()] == ["article.unpublished"]


async def test_a_drafts_edits_are_not_announced_and_a_refused_edit_writes_nothing(
    gql: Gql,
    session: AsyncSession,
    admin: Viewer,
    editor: Viewer,
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    await register(gql, admin, receiver.url)
    draft = await make_article(session, status=ArticleStatus.DRAFT)
    live = await make_article(session)
    await session.commit()

    draft_edit = await gql(RETITLE, {"id": draft.public_id, "version": 1}, viewer=editor)
    stale_edit = await gql(RETITLE, {"id": live.public_id, "version": 7}, viewer=editor)
    await drain(sender)

    assert draft_edit.data["updateArticle"]["errors"] == []
    assert stale_edit.data["updateArticle"]["errors"] == [{"field": "version"}]
    assert (await session.scalars(select(WebhookEvent))).all() == []
    assert receiver.received == []


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def _pending(session: AsyncSession) -> int:
    query = select(WebhookDelivery).where(col(WebhookDelivery.status) == DeliveryStatus.PENDING)
    return len((await session.scalars(query)).all())


async def test_metrics_show_the_queue_and_how_each_attempt_ended(
    gql: Gql,
    session: AsyncSession,
    admin: Viewer,
    editor: Viewer,
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    failed = _sample("cms_webhook_attempts_total", outcome="failed")
    dead = _sample("cms_webhook_attempts_total", outcome="dead")
    await register(gql, admin, receiver.url)
    story = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()
    receiver.answer = Answer(status=500)

    await gql(PUBLISH, {"id": story.public_id}, viewer=editor)
    await sender.report_queue()
    waiting = _sample("cms_webhook_queue_depth", kind="events")
    await sender.dispatch()
    await sender.report_queue()
    queued = _sample("cms_webhook_queue_depth", kind="deliveries")
    await drain(sender)
    await sender.report_queue()

    assert waiting >= 1
    assert queued == await _pending(session) + 1 >= 1
    assert _sample("cms_webhook_queue_depth", kind="deliveries") == await _pending(session)
    assert _sample("cms_webhook_queue_depth", kind="dead") >= 1
    assert _sample("cms_webhook_attempts_total", outcome="failed") == failed + 2
    assert _sample("cms_webhook_attempts_total", outcome="dead") == dead + 1


async def test_a_failing_endpoint_is_retried_then_dead_lettered_and_can_be_redelivered(
    gql: Gql,
    session: AsyncSession,
    admin: Viewer,
    editor: Viewer,
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    registered = await register(gql, admin, receiver.url)
    story = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()
    receiver.answer = Answer(status=500)

    published = await gql(PUBLISH, {"id": story.public_id}, viewer=editor)
    await drain(sender)

    assert published.data["publishArticle"]["errors"] == []
    assert len({json.loads(body)["id"] for body in receiver.bodies()}) == 1
    assert len(receiver.received) == 3
    endpoint = registered["endpoint"]["id"]
    dead = await gql(DELIVERIES, {"endpoint": endpoint, "status": "DEAD"}, viewer=admin)
    [logged] = dead.data["webhookDeliveries"]["nodes"]
    assert (logged["status"], logged["attempts"], logged["responseStatus"]) == ("DEAD", 3, 500)
    assert logged["error"] == "The endpoint answered 500."

    receiver.answer = Answer(status=204)
    again = await gql(REDELIVER, {"id": logged["id"]}, viewer=admin)
    await drain(sender)

    assert again.data["redeliverWebhook"]["delivery"]["status"] == "PENDING"
    assert len(receiver.received) == 4
    page = await gql(DELIVERIES, {"endpoint": endpoint}, viewer=admin)
    connection = page.data["webhookDeliveries"]
    assert connection["totalCount"] == 2
    assert connection["nodes"][0]["status"] == "DELIVERED"
    assert connection["nodes"][0]["eventId"] == logged["eventId"]
    older = await gql(
        DELIVERIES,
        {"endpoint": endpoint, "after": connection["pageInfo"]["endCursor"]},
        viewer=admin,
    )
    assert [node["id"] for node in older.data["webhookDeliveries"]["nodes"]] == [logged["id"]]
    assert older.data["webhookDeliveries"]["pageInfo"]["hasNextPage"] is False


async def test_an_endpoint_that_never_answers_times_out_without_holding_up_a_publish(
    gql: Gql,
    session: AsyncSession,
    admin: Viewer,
    editor: Viewer,
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    await register(gql, admin, receiver.url)
    story = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()
    receiver.answer = Answer(delay=3.0)

    published = await gql(PUBLISH, {"id": story.public_id}, viewer=editor)
    assert published.data["publishArticle"]["errors"] == []
    await sender.run_once()

    [logged] = await deliveries(session)
    assert (logged.status, logged.attempts, logged.response_status) == (
        DeliveryStatus.PENDING,
        1,
        None,
    )
    assert logged.error == "No answer within 1 seconds."


async def test_a_redirect_to_a_private_address_is_not_followed(
    gql: Gql,
    session: AsyncSession,
    admin: Viewer,
    editor: Viewer,
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    await register(gql, admin, receiver.url)
    story = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()
    receiver.answer = Answer(status=307, location="http://169.254.169.254/latest/meta-data/")

    await gql(PUBLISH, {"id": story.public_id}, viewer=editor)
    await drain(sender)

    [logged] = await deliveries(session)
    assert (logged.status, logged.attempts, logged.response_status) == (
        DeliveryStatus.DEAD,
        3,
        307,
    )
    assert logged.error is not None
    assert "do not follow redirects" in logged.error
    assert {item.path for item in receiver.received} == {"/hooks"}


async def test_an_endpoint_nobody_listens_on_is_retried(
    gql: Gql, session: AsyncSession, admin: Viewer, editor: Viewer, sender: WebhookSender
) -> None:
    with webhook_receiver() as gone:
        url = gone.url
    await register(gql, admin, url)
    story = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()

    published = await gql(PUBLISH, {"id": story.public_id}, viewer=editor)
    await sender.run_once()

    assert published.data["publishArticle"]["errors"] == []
    [logged] = await deliveries(session)
    assert (logged.status, logged.attempts) == (DeliveryStatus.PENDING, 1)
    assert logged.error is not None
    assert logged.error.startswith("ConnectError")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.1.2.3/hooks", "not on the public internet"),
        ("http://169.254.169.254/latest/meta-data/", "not on the public internet"),
        ("ftp://hooks.example/", "http:// or https://"),
    ],
)
async def test_a_destination_the_address_guard_refuses_cannot_be_registered(
    gql: Gql, admin: Viewer, url: str, message: str
) -> None:
    result = await gql(
        REGISTER, {"input": {"url": url, "events": ["ARTICLE_PUBLISHED"]}}, viewer=admin
    )

    payload = result.data["createWebhookEndpoint"]
    assert payload["endpoint"] is None
    [error] = payload["errors"]
    assert error["field"] == "url"
    assert message in error["message"]
    assert (await gql("{ webhookEndpoints { id } }", viewer=admin)).data == {"webhookEndpoints": []}


async def test_a_short_secret_and_an_empty_event_list_are_refused_per_field(
    gql: Gql, admin: Viewer, receiver: Receiver
) -> None:
    short = await gql(
        REGISTER,
        {"input": {"url": receiver.url, "events": ["TAG_CREATED"], "secret": "hunter2"}},
        viewer=admin,
    )
    empty = await gql(REGISTER, {"input": {"url": receiver.url, "events": []}}, viewer=admin)

    assert [e["field"] for e in short.data["createWebhookEndpoint"]["errors"]] == ["secret"]
    assert [e["field"] for e in empty.data["createWebhookEndpoint"]["errors"]] == ["events"]


@pytest.mark.parametrize(("role", "code"), [(None, "UNAUTHENTICATED"), (Role.EDITOR, "FORBIDDEN")])
async def test_only_admins_read_webhooks(
    gql: Gql, session: AsyncSession, role: Role | None, code: str
) -> None:
    viewer = Viewer(await make_user(session, role=role)) if role else Viewer(None)

    result = await gql("{ webhookEndpoints { id secret: url } }", viewer=viewer)

    assert result.errors is not None
    assert result.errors[0].extensions == {"code": code}


async def test_taxonomy_and_live_stream_changes_are_announced(
    gql: Gql,
    session: AsyncSession,
    admin: Viewer,
    editor: Viewer,
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    await register(gql, admin, receiver.url, events=["TAG_CREATED", "LIVE_STREAM_CHANGED"])

    await gql(
        'mutation { createTag(input: {names: [{locale: "en", text: "Elections"}]}) '
        "{ errors { message } } }",
        viewer=editor,
    )
    await gql(
        'mutation { createLiveStream(input: {title: "TV Live", slug: "tv"}) '
        "{ errors { message } } }",
        viewer=editor,
    )
    await drain(sender)

    events = [json.loads(body) for body in receiver.bodies()]
    assert sorted((e["event"], e["data"]["slug"]) for e in events) == [
        ("live_stream.changed", "tv"),
        ("tag.created", "elections"),
    ]


async def test_a_paused_endpoint_hears_nothing_and_an_unwanted_event_leaves_nothing_behind(
    gql: Gql,
    session: AsyncSession,
    admin: Viewer,
    editor: Viewer,
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    registered = await register(gql, admin, receiver.url)
    story = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()
    endpoint = registered["endpoint"]["id"]

    paused = await gql(UPDATE, {"input": {"id": endpoint, "active": False}}, viewer=admin)
    await gql(PUBLISH, {"id": story.public_id}, viewer=editor)
    await drain(sender)

    assert paused.data["updateWebhookEndpoint"]["endpoint"]["active"] is False
    assert receiver.received == []
    assert (await session.scalars(select(WebhookEvent))).all() == []


async def test_an_endpoint_can_be_changed_within_the_rules_and_deleted(
    gql: Gql, admin: Viewer, receiver: Receiver
) -> None:
    registered = await register(gql, admin, receiver.url)
    endpoint = registered["endpoint"]["id"]

    refused = await gql(
        UPDATE, {"input": {"id": endpoint, "url": "http://192.168.1.1/"}}, viewer=admin
    )
    narrowed = await gql(
        UPDATE, {"input": {"id": endpoint, "events": ["TAG_DELETED"]}}, viewer=admin
    )
    deleted = await gql(DELETE, {"id": endpoint}, viewer=admin)
    again = await gql(DELETE, {"id": endpoint}, viewer=admin)

    assert refused.data["updateWebhookEndpoint"]["errors"] == [{"field": "url"}]
    assert narrowed.data["updateWebhookEndpoint"]["endpoint"] == {
        "url": receiver.url,
        "active": True,
        "events": ["TAG_DELETED"],
    }
    assert deleted.data["deleteWebhookEndpoint"] == {"deleted": True, "errors": []}
    assert again.data["deleteWebhookEndpoint"]["errors"] == [{"code": "NOT_FOUND"}]
