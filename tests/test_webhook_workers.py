"""Webhook delivery across workers: each event reaches an endpoint once however many workers
(in one process or in separate server processes sharing the database) look for work, and an
event committed while no worker ran is delivered once one starts."""

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from ipaddress import ip_network

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from cms.db import create_engine, create_sessionmaker
from cms.models import (
    ArticleStatus,
    DeliveryStatus,
    Role,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookTopic,
)
from cms.services.viewer import Viewer
from cms.services.webhooks import outbox
from cms.services.webhooks.delivery import WebhookSender
from cms.settings import Settings
from tests.builders import make_article, make_token, make_user
from tests.conftest import Gql
from tests.live_server import live_server
from tests.polling import until
from tests.webhook_receiver import Receiver, webhook_receiver

PUBLISH = "mutation P($id: String!) { publishArticle(input: {id: $id}) { errors { message } } }"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as receiver:
        yield receiver


async def add_endpoint(session: AsyncSession, url: str) -> None:
    topics = [WebhookTopic.ARTICLE_PUBLISHED.value, WebhookTopic.TAG_CREATED.value]
    session.add(WebhookEndpoint(url=url, events=topics, secret="s" * 32))
    await session.commit()


async def all_delivered(session: AsyncSession, count: int) -> bool:
    session.expire_all()
    statuses = (await session.scalars(select(WebhookDelivery.status))).all()
    return len(statuses) == count and set(statuses) == {DeliveryStatus.DELIVERED}


def event_ids(receiver: Receiver) -> list[str]:
    return [json.loads(body)["id"] for body in receiver.bodies()]


def test_the_wait_between_tries_doubles_within_its_jitter_and_its_cap(settings: Settings) -> None:
    tuned = settings.model_copy(
        update={"webhook_retry_base_seconds": 10.0, "webhook_retry_max_seconds": 60.0}
    )
    low = WebhookSender(async_sessionmaker(), tuned, jitter=lambda: 0.0)
    high = WebhookSender(async_sessionmaker(), tuned, jitter=lambda: 0.999)

    waits = [low.retry_delay(n).total_seconds() for n in range(1, 6)]

    assert waits == [5.0, 10.0, 20.0, 30.0, 30.0]
    assert high.retry_delay(1) < timedelta(seconds=15)
    assert high.retry_delay(5) < timedelta(seconds=90)


async def test_two_workers_on_their_own_engines_send_each_event_once(
    settings: Settings, session: AsyncSession, receiver: Receiver
) -> None:
    await add_endpoint(session, receiver.url)
    for n in range(30):
        outbox.record(session, WebhookTopic.TAG_CREATED, id=n, slug=f"tag-{n}")
    await session.commit()
    tuned = settings.model_copy(
        update={
            "webhook_allowed_networks": [ip_network("127.0.0.0/8")],
            "webhook_poll_seconds": 0.01,
        }
    )
    engines = [create_engine(tuned), create_engine(tuned)]
    workers = [
        asyncio.create_task(WebhookSender(create_sessionmaker(engine), tuned).run_forever())
        for engine in engines
    ]
    try:
        await until(lambda: all_delivered(session, 30), what="30 deliveries")
    finally:
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        for engine in engines:
            await engine.dispose()

    assert len(event_ids(receiver)) == 30
    assert len(set(event_ids(receiver))) == 30
    attempts = (await session.scalars(select(WebhookDelivery.attempts))).all()
    assert set(attempts) == {1}


async def test_two_server_processes_deliver_backlog_and_new_events_once(
    gql: Gql, session: AsyncSession, database_url: str, receiver: Receiver, tmp_path: object
) -> None:
    """Events committed while no server ran wait in the outbox; two servers then start, and an
    editor publishes on both: every event reaches the receiver once."""
    await add_endpoint(session, receiver.url)
    editor = await make_user(session, role=Role.EDITOR)
    token = await make_token(session, editor)
    stories = [
        (await make_article(session, status=ArticleStatus.DRAFT)).public_id for _ in range(10)
    ]
    await session.commit()
    for story in stories[:4]:
        result = await gql(PUBLISH, {"id": story}, viewer=Viewer(editor))
        assert result.data["publishArticle"]["errors"] == []
    env = {
        "CMS_DATABASE_URL": database_url,
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0",
        "CMS_MEDIA_ROOT": str(tmp_path),
        "CMS_WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
        "CMS_WEBHOOK_POLL_SECONDS": "0.05",
    }

    with live_server(env) as url_a, live_server(env) as url_b:
        await until(lambda: all_delivered(session, 4), what="the backlog delivered")
        for n, story in enumerate(stories[4:]):
            async with httpx.AsyncClient(base_url=(url_a, url_b)[n % 2]) as client:
                published = await client.post(
                    "/graphql",
                    json={"query": PUBLISH, "variables": {"id": story}},
                    headers={"Authorization": f"Bearer {token}"},
                )
            assert published.json()["data"]["publishArticle"]["errors"] == []
        await until(lambda: all_delivered(session, 10), what="every publish delivered")

    received = [json.loads(body)["data"]["publicId"] for body in receiver.bodies()]
    assert sorted(received) == sorted(stories)
    query = select(WebhookDelivery.attempts).order_by(col(WebhookDelivery.id))
    assert set((await session.scalars(query)).all()) == {1}
