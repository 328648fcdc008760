"""Two application hosts run from the deployment recipe, sharing a PostgreSQL primary and its
streaming replica, Redis and an S3-compatible store: what one does, the other shows at once.

Each host is a `cms serve --workers 2` process of its own, started the way the recipe's
containers start, from `docs/deploy/newsroom.env` with only its addresses and secrets pointed at
the servers the test starts (a real replica from `tests/replication.py`, Redis, moto's S3
server, an HTTP receiver standing in for the CDN's purge API). The hosts are separate processes
on separate ports, not network namespaces: they share no memory, file or socket, so every fact
one learns from the other crosses PostgreSQL, Redis or the store, as between two machines, and
the test needs neither root nor a network set-up to run in CI. The compose file itself needs a
Docker engine, which CI does not have.

The webhook test alone gets a pair of its own that may send to a receiver on loopback, which
production refuses (see `VARIANTS`).
"""

import hashlib
import hmac
import json
import os
import secrets
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cms.db import create_engine, create_sessionmaker
from cms.models import (
    ArticleStatus,
    AuditEntry,
    DeliveryStatus,
    Role,
    WebhookDelivery,
    WebhookEvent,
)
from cms.settings import Settings
from cms.storage import S3Storage
from tests.builders import make_article, make_token, make_user
from tests.live_server import ROOT, free_port, stop_server, wait_until_healthy
from tests.media_files import photo
from tests.polling import until
from tests.replication import ReplicatedPair
from tests.webhook_receiver import Received, Receiver, webhook_receiver
from tests.ws import graphql_socket

RECIPE = ROOT / "docs" / "deploy" / "newsroom.env"
REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET = secrets.token_urlsafe(32)
HOME = "{ articles(first: 5) { edges { node { title } } } }"
PUBLISH = "mutation P($id: String!) { publishArticle(input: {id: $id}) { errors { message } } }"
PUBLISHED = "subscription { articlePublished { title } }"
UPLOAD = json.dumps(
    {
        "query": "mutation U($input: UploadMediaInput!) "
        "{ uploadMedia(input: $input) { media { id url } errors { message } } }",
        "variables": {"input": {"file": None, "alt": "Parliament at dusk"}},
    }
)
LIBRARY = "{ mediaLibrary(first: 5) { edges { node { id url } } } }"
REGISTER = """
mutation R($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { id } secret errors { message } }
}
"""
WEBHOOKS = "webhooks"
"""The `hosts` of the webhook test: the recipe, and the two settings a loopback receiver needs.

Production refuses `CMS_WEBHOOK_ALLOWED_NETWORKS` (a webhook must not reach a private network),
and the only receiver a test can run listens on loopback, so these hosts run as development with
loopback admitted. Nothing else changes: the delivery worker reads no other setting that
`CMS_ENV` decides. The recipe itself is left as it is, and the other tests run it as production.
"""
VARIANTS = {
    WEBHOOKS: {"CMS_ENV": "development", "CMS_WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.0/8"]'},
}


def recipe() -> dict[str, str]:
    """The recipe's settings, as `docker compose` reads its `env_file`."""
    lines = RECIPE.read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {name: value for name, value in pairs}


class PurgeReceiver(BaseHTTPRequestHandler):
    """Stands in for the CDN's purge API: records the surrogate keys it is sent."""

    keys: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        self.keys.extend(json.loads(body)["surrogateKeys"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@dataclass(frozen=True, slots=True)
class Hosts:
    a: str
    b: str
    env: dict[str, str]
    pair: ReplicatedPair
    store: S3Storage
    media_url: str


def _cms(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cms.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@contextmanager
def host(env: dict[str, str], folder: Path) -> Iterator[str]:
    """One host: `cms serve` as the recipe's app containers run it, in a folder of its own."""
    folder.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "cms.cli", "serve", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2", "--no-access-log"], env=env, cwd=folder
    )
    try:
        wait_until_healthy(process, url, seconds=180)
        yield url
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def hosts(
    request: pytest.FixtureRequest,
    replicated: ReplicatedPair,
    s3_endpoint: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Hosts]:
    """The two hosts, run from the recipe; a test parametrized with a name from `VARIANTS` gets
    hosts of their own with those settings added (pytest stops the other pair first, so no
    worker of the recipe's hosts takes part in what the test looks at)."""
    try:
        Redis.from_url(REDIS_URL).ping()
    except RedisError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; CI starts it")
    purges = ThreadingHTTPServer(("127.0.0.1", 0), PurgeReceiver)
    threading.Thread(target=purges.serve_forever, daemon=True).start()
    settings = recipe()
    local = {
        "CMS_SECRET_KEY": SECRET,
        "CMS_DATABASE_URL": replicated.primary_url,
        "CMS_DATABASE_REPLICA_URLS": replicated.replica_url,
        "CMS_REDIS_URL": REDIS_URL,
        "CMS_REDIS_PREFIX": f"two-hosts-{secrets.token_hex(4)}",
        "CMS_S3_ENDPOINT_URL": s3_endpoint,
        "CMS_S3_SECRET_ACCESS_KEY": "test",
        "CMS_MEDIA_URL": f"{s3_endpoint}/{settings['CMS_S3_BUCKET']}/",
        "CMS_CDN_PURGE_URL": f"http://127.0.0.1:{purges.server_address[1]}/surrogate-keys",
        # The recipe's 5 s would only make the test wait.
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0.2",
    }
    assert set(local) <= set(settings), "the test only points the recipe's own settings"
    variant = VARIANTS[request.param] if hasattr(request, "param") else {}
    outside = {name: value for name, value in os.environ.items() if not name.startswith("CMS_")}
    env = outside | settings | local | variant
    values: dict[str, Any] = {k[4:].lower(): v for k, v in (settings | local).items()}
    shared = Settings(_env_file=None, **values)
    store = S3Storage.from_settings(shared)
    # A second pair of hosts in the module finds the bucket the first pair made.
    with suppress(store.client.exceptions.BucketAlreadyOwnedByYou):
        store.client.create_bucket(Bucket=store.bucket)
    root = tmp_path_factory.mktemp("hosts")
    try:
        for step in (("check", "--connect"), ("migrate",)):
            done = _cms(*step, env=env, cwd=root)
            assert done.returncode == 0, done.stderr
        with host(env, root / "a") as a, host(env, root / "b") as b:
            yield Hosts(a, b, env, replicated, store, shared.media_url)
    finally:
        purges.shutdown()
        purges.server_close()


@asynccontextmanager
async def primary(hosts: Hosts) -> AsyncIterator[AsyncSession]:
    engine = create_engine(Settings(_env_file=None, database_url=hosts.pair.primary_url))
    try:
        async with create_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()


async def _editor(session: AsyncSession, role: Role = Role.EDITOR) -> dict[str, str]:
    editor = await make_user(session, email=f"ed-{secrets.token_hex(4)}@x.example", role=role)
    return {"authorization": f"Bearer {await make_token(session, editor)}"}


async def _titles(client: httpx.AsyncClient, url: str) -> tuple[list[str], str]:
    response = await client.get(f"{url}/graphql", params={"query": HOME})
    assert response.status_code == 200, response.text
    titles = [e["node"]["title"] for e in response.json()["data"]["articles"]["edges"]]
    return titles, response.headers.get("x-cache", "")


async def test_the_recipe_passes_cms_check_and_reaches_every_server(
    hosts: Hosts, tmp_path: Path
) -> None:
    checked = _cms("check", "--connect", env=hosts.env, cwd=tmp_path)

    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""
    assert checked.stdout.splitlines() == [
        f"Reached database postgresql+asyncpg://postgres@127.0.0.1:{hosts.pair.primary_port}/newsroom.",
        f"Reached replica postgresql+asyncpg://postgres@127.0.0.1:{hosts.pair.replica_port}/newsroom.",
        "Reached Redis.",
        "Reached bucket newsroom-media.",
        "The settings are fit for production.",
    ]


async def test_a_publish_on_one_host_is_fresh_on_the_other_at_once(hosts: Hosts) -> None:
    async with primary(hosts) as session:
        headers = await _editor(session)
        drafts = [
            await make_article(session, title=f"Vote count, hour {n}", status=ArticleStatus.DRAFT)
            for n in range(3)
        ]
        await session.commit()

    async with httpx.AsyncClient() as client:
        for draft in drafts:
            await _titles(client, hosts.b)
            _, warm = await _titles(client, hosts.b)
            published = await client.post(
                f"{hosts.a}/graphql",
                json={"query": PUBLISH, "variables": {"id": draft.public_id}},
                headers=headers,
            )
            titles, _ = await _titles(client, hosts.b)

            assert warm == "HIT"
            assert published.json()["data"]["publishArticle"]["errors"] == []
            assert titles[0] == draft.title
    await until(
        lambda: all(f"article:{d.public_id}" in PurgeReceiver.keys for d in drafts),
        what="the CDN hearing of each publish",
    )


async def test_a_subscriber_on_one_host_hears_a_publish_on_the_other(hosts: Hosts) -> None:
    async with primary(hosts) as session:
        headers = await _editor(session)
        draft = await make_article(session, title="Polls close", status=ArticleStatus.DRAFT)
        await session.commit()

    async with graphql_socket(hosts.b.removeprefix("http://")) as reader:
        await reader.subscribe("1", PUBLISHED)

        async def listening() -> bool:
            async with httpx.AsyncClient() as client:
                health = await client.get(f"{hosts.b}/healthz")
            return bool(health.json()["subscribers"] >= 1)

        # The count is per worker and a poll reaches either of host B's two: it is asked until
        # the one holding the socket answers.
        await until(listening, what="the subscription on host B")
        async with httpx.AsyncClient() as client:
            await client.post(
                f"{hosts.a}/graphql",
                json={"query": PUBLISH, "variables": {"id": draft.public_id}},
                headers=headers,
            )
        message = await reader.receive()

    assert message["payload"] == {"data": {"articlePublished": {"title": "Polls close"}}}


async def test_the_scheduler_publishes_each_article_once_across_hosts(hosts: Hosts) -> None:
    due = datetime.now(UTC) - timedelta(seconds=1)
    async with primary(hosts) as session:
        scheduled = [
            await make_article(
                session,
                title=f"Scheduled {n}",
                status=ArticleStatus.SCHEDULED,
                scheduled_at=due,
            )
            for n in range(6)
        ]
        await session.commit()
    ids = [article.id for article in scheduled]

    async def all_published() -> bool:
        async with primary(hosts) as session:
            published = await session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(col(AuditEntry.action) == "article.publish_scheduled")
                .where(col(AuditEntry.entity_id).in_(ids))
            )
        return published == len(ids)

    await until(all_published, what="the scheduler publishing every article")
    async with primary(hosts) as session:
        rows = await session.execute(
            select(col(AuditEntry.entity_id), func.count())
            .where(col(AuditEntry.action) == "article.publish_scheduled")
            .where(col(AuditEntry.entity_id).in_(ids))
            .group_by(col(AuditEntry.entity_id))
        )
        publishes = {entity_id: count for entity_id, count in rows.all()}

    assert publishes == dict.fromkeys(ids, 1)


async def test_media_uploaded_on_one_host_is_served_from_the_shared_store(hosts: Hosts) -> None:
    async with primary(hosts) as session:
        headers = await _editor(session)
        await session.commit()
    image = photo(120, 80)

    async with httpx.AsyncClient() as client:
        uploaded = await client.post(
            f"{hosts.a}/graphql",
            data={"operations": UPLOAD, "map": '{"0": ["variables.input.file"]}'},
            files={"0": ("dusk.jpg", image, "image/jpeg")},
            headers=headers | {"apollo-require-preflight": "true"},
        )
        media = uploaded.json()["data"]["uploadMedia"]["media"]
        listed = await client.post(f"{hosts.b}/graphql", json={"query": LIBRARY}, headers=headers)
    key = media["url"].removeprefix(hosts.media_url)
    stored = hosts.store.client.get_object(Bucket=hosts.store.bucket, Key=key)["Body"].read()

    assert {"id": media["id"], "url": media["url"]} in [
        edge["node"] for edge in listed.json()["data"]["mediaLibrary"]["edges"]
    ]
    assert media["url"].startswith(hosts.media_url)
    assert stored[:2] == b"\xff\xd8"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as receiver:
        yield receiver


def _signed(secret: str, request: Received) -> bool:
    """The check of docs/webhooks.md: HMAC-SHA256 of `<timestamp>.<body>` under the secret."""
    signed = request.headers["x-cms-timestamp"].encode() + b"." + request.body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.headers["x-cms-signature"])


@pytest.mark.parametrize("hosts", [WEBHOOKS], indirect=True)
async def test_webhooks_are_delivered_once_across_hosts(hosts: Hosts, receiver: Receiver) -> None:
    """An endpoint registered on host A, articles published on both hosts, and all four
    workers looking for deliveries: the receiver gets each event exactly once, signed."""
    async with primary(hosts) as session:
        admin = await _editor(session, Role.ADMIN)
        editor = await _editor(session)
        drafts = [
            await make_article(session, title=f"Turnout, ward {n}", status=ArticleStatus.DRAFT)
            for n in range(8)
        ]
        await session.commit()

    async def outbox_drained() -> bool:
        async with primary(hosts) as session:
            waiting = await session.scalar(
                select(func.count()).where(col(WebhookEvent.dispatched_at).is_(None))
            )
        return waiting == 0

    # Events of the earlier tests (publishes, uploads) had no endpoint to go to: once the workers
    # have handled every one, none of them can reach the endpoint registered now.
    await until(outbox_drained, what="the workers emptying the outbox")
    async with httpx.AsyncClient() as client:
        registered = await client.post(
            f"{hosts.a}/graphql",
            json={
                "query": REGISTER,
                "variables": {"input": {"url": receiver.url, "events": ["ARTICLE_PUBLISHED"]}},
            },
            headers=admin,
        )
        payload = registered.json()["data"]["createWebhookEndpoint"]
        assert payload["errors"] == [], payload
        endpoint, secret = payload["endpoint"]["id"], payload["secret"]
        for n, draft in enumerate(drafts):
            published = await client.post(
                f"{(hosts.a, hosts.b)[n % 2]}/graphql",
                json={"query": PUBLISH, "variables": {"id": draft.public_id}},
                headers=editor,
            )
            assert published.json()["data"]["publishArticle"]["errors"] == []

    await until(lambda: len(receiver.bodies()) >= len(drafts), what="a webhook per publish")

    async def delivery_log() -> list[WebhookDelivery]:
        async with primary(hosts) as session:
            query = select(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint)
            return list((await session.scalars(query)).all())

    async def settled() -> bool:
        log = await delivery_log()
        return len(log) >= len(drafts) and DeliveryStatus.PENDING not in {d.status for d in log}

    # The receiver answers before the worker writes DELIVERED, so the log is waited for too.
    # Once no delivery in it is pending, no worker has anything left to send to the endpoint:
    # the checks below cannot be overtaken by a late duplicate.
    await until(settled, what="the delivery log settled")
    log = await delivery_log()
    with receiver.lock:
        received = list(receiver.received)
    ids = [request.headers["x-cms-event-id"] for request in received]
    bodies = [json.loads(request.body) for request in received]

    assert sorted(ids) == sorted({str(d.event_id) for d in log})
    assert len(ids) == len(set(ids)) == len(drafts)
    assert [body["id"] for body in bodies] == ids
    assert sorted(body["data"]["publicId"] for body in bodies) == sorted(
        d.public_id for d in drafts
    )
    assert {request.headers["x-cms-event"] for request in received} == {"article.published"}
    assert all(_signed(secret, request) for request in received)
    assert [(d.status, d.attempts) for d in log] == [(DeliveryStatus.DELIVERED, 1)] * len(drafts)
