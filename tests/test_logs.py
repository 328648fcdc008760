"""What `cms serve` logs: one JSON event per line in production format, readable text in
development; each request named by id, operation, role, duration and cache outcome; the
application's own INFO events; never a password, token or email address."""

import json
import logging
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from cms.log_config import Redact
from cms.models import ArticleStatus, Role, User
from cms.models.columns import utcnow
from cms.services.passwords import hash_password
from tests.builders import make_article
from tests.live_server import cms_serve
from tests.polling import until

EMAIL = "tamar@newsroom.example"
PASSWORD = "a long and private passphrase"
SIGN_IN = """
mutation SignIn($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { token errors { message } }
}
"""
WHO = {"query": "query WhoAmI { me { displayName } }", "operationName": "WhoAmI"}
FRONT = {"query": "query Front { articles(first: 1) { totalCount } }", "operationName": "Front"}


def _env(database_url: str, tmp_path: Path, log_format: str) -> dict[str, str]:
    return {
        "CMS_DATABASE_URL": database_url,
        "CMS_MEDIA_ROOT": str(tmp_path / "media"),
        "CMS_LOG_FORMAT": log_format,
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0.2",
        "CMS_DIGEST_TIME": "",
    }


async def test_json_logs_name_each_request_and_none_of_its_secrets(
    database_url: str, session: AsyncSession, tmp_path: Path
) -> None:
    session.add(
        User(
            email=EMAIL,
            display_name="Tamar",
            role=Role.EDITOR,
            password_hash=hash_password(PASSWORD),
        )
    )
    await make_article(
        session,
        title="Due a minute ago",
        status=ArticleStatus.SCHEDULED,
        scheduled_at=utcnow() - timedelta(minutes=1),
        published_at=None,
    )
    await session.commit()
    log = tmp_path / "server.log"
    with cms_serve(_env(database_url, tmp_path, "json"), log) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            variables = {"email": EMAIL.upper(), "password": PASSWORD}
            signed_in = await client.post(
                "/graphql", json={"query": SIGN_IN, "variables": variables}
            )
            token = signed_in.json()["data"]["login"]["token"]
            headers = {"Authorization": f"Bearer {token}"}
            assert (await client.post("/graphql", json=WHO, headers=headers)).status_code == 200
        async with httpx.AsyncClient(base_url=url) as reader:
            for _ in range(2):
                await reader.post("/graphql", json=FRONT)
            await until(lambda: "scheduler: published" in log.read_text(), what="a publication")
    text = log.read_text()
    events = [json.loads(line) for line in text.splitlines()]
    requests = {
        (e.get("operation"), e.get("cache")): e for e in events if e["logger"] == "cms.request"
    }
    who = requests[("WhoAmI", None)]
    assert (who["role"], who["status"], who["level"]) == ("editor", 200, "INFO")
    assert requests[("SignIn", None)]["role"] == "anonymous"
    assert len(who["request_id"]) == 32
    assert who["duration_ms"] > 0
    assert requests[("Front", "MISS")]["role"] == "anonymous"
    assert requests[("Front", "HIT")]["role"] == "anonymous"
    assert any(e["message"].startswith("scheduler: published") for e in events)
    for secret in (EMAIL, EMAIL.upper(), PASSWORD, token):
        assert secret not in text


def test_development_logs_are_readable_text(
    database_url: str, session: AsyncSession, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    with cms_serve(_env(database_url, tmp_path, "text"), log) as url:
        httpx.post(f"{url}/graphql", json=FRONT)
    request_line = next(line for line in log.read_text().splitlines() if "POST /graphql" in line)
    assert " INFO    cms.request: POST /graphql 200 " in request_line
    assert request_line.endswith("operation=Front role=anonymous cache=MISS")


def test_an_email_or_token_written_into_a_message_is_masked() -> None:
    record = logging.LogRecord(
        "cms.test", logging.INFO, __file__, 1, "mail to %s failed (%s)", None, None
    )
    record.args = ("nino@newsroom.example", "Authorization: Bearer abc.DEF-123")
    Redact().filter(record)
    assert record.getMessage() == "mail to [email] failed (Authorization: Bearer [token])"


def test_a_path_cannot_forge_a_line_in_a_text_log(
    database_url: str, session: AsyncSession, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    with cms_serve(_env(database_url, tmp_path, "text"), log) as url:
        httpx.get(f"{url}/nothing%0A2026-01-01 00:00:00,000 INFO    cms.request: forged")
    lines = log.read_text().splitlines()
    assert not any(line.startswith("2026-01-01") for line in lines)
    assert any("GET /nothing\\n2026-01-01" in line for line in lines)
