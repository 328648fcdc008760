"""`/metrics`: Prometheus text for a scraper with the token, nothing for anyone else, and the
sum of every worker's counts under `cms serve --workers 2`."""

import asyncio
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from cms.settings import Settings
from tests.conftest import app_client
from tests.live_server import cms_serve

TOKEN = "scrape-token-for-tests"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}
FRONT = {"query": "query Front { articles(first: 3) { totalCount } }", "operationName": "Front"}
REQUESTS = 60


def _requests_of(text: str, operation: str) -> float:
    """`cms_http_requests_total` summed over the series of one operation."""
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "cms_http_requests"
        for sample in family.samples
        if sample.name == "cms_http_requests_total" and sample.labels["operation"] == operation
    )


async def test_without_a_token_setting_there_is_no_metrics_endpoint(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/metrics", headers=SCRAPER)).status_code == 404


async def test_a_scrape_without_the_right_token_is_refused(
    settings: Settings, session: AsyncSession
) -> None:
    async with app_client(settings.model_copy(update={"metrics_token": TOKEN})) as client:
        missing = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert (missing.status_code, missing.headers["www-authenticate"]) == (401, "Bearer")
    assert wrong.status_code == 403
    assert "cms_http_requests" not in missing.text + wrong.text


async def test_a_scrape_counts_operations_cache_outcomes_and_executions(
    settings: Settings, session: AsyncSession
) -> None:
    async with app_client(settings.model_copy(update={"metrics_token": TOKEN})) as client:
        before = _requests_of((await client.get("/metrics", headers=SCRAPER)).text, "Front")
        for _ in range(3):
            assert (await client.post("/graphql", json=FRONT)).status_code == 200
        scrape = await client.get("/metrics", headers=SCRAPER)
    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain")
    assert _requests_of(scrape.text, "Front") == before + 3
    for series in (
        'cms_response_cache_lookups_total{outcome="hit"}',
        "cms_graphql_executions_total{execution=",
        "cms_db_connections_in_use",
        "cms_subscriptions_open",
        "cms_scheduler_lag_seconds_bucket",
        "cms_digest_mails_total",
    ):
        assert series in scrape.text


async def test_a_scrape_while_requests_run_sums_every_worker(
    database_url: str, session: AsyncSession, tmp_path: Path
) -> None:
    env = {
        "CMS_DATABASE_URL": database_url,
        "CMS_MEDIA_ROOT": str(tmp_path / "media"),
        "CMS_METRICS_TOKEN": TOKEN,
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0",
        "CMS_DIGEST_TIME": "",
        "CMS_RATE_LIMIT_ANONYMOUS": "off",
        "CMS_RATE_LIMIT_CACHED": "off",
    }
    with cms_serve(env, tmp_path / "server.log", "--workers", "2") as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:

            async def load() -> None:
                for _ in range(REQUESTS // 6):
                    batch = [client.post("/graphql", json=FRONT) for _ in range(6)]
                    assert all(r.status_code == 200 for r in await asyncio.gather(*batch))

            running = asyncio.create_task(load())
            seen: list[float] = []
            while not running.done():
                scrape = await client.get("/metrics", headers=SCRAPER)
                assert scrape.status_code == 200
                seen.append(_requests_of(scrape.text, "Front"))
            await running
            final = _requests_of((await client.get("/metrics", headers=SCRAPER)).text, "Front")
    assert seen == sorted(seen)
    assert final == REQUESTS


def test_production_refuses_a_short_metrics_token() -> None:
    with pytest.raises(ValidationError, match="CMS_METRICS_TOKEN has 5 characters"):
        Settings(_env_file=None, env="production", secret_key="s" * 40, metrics_token="short")
