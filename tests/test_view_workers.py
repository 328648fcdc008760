"""Views sent to a real multi-worker uvicorn server land exactly, each reader counted once."""

import asyncio
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import Article
from tests.builders import make_article
from tests.live_server import live_server

WORKERS = 3
READERS = 40


async def _send(url: str, pairs: list[tuple[int, str]]) -> None:
    """One client (its own connections) sending beacons for (reader, article) pairs."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for reader, public_id in pairs:
            response = await client.post(
                f"/views/{public_id}", headers={"user-agent": f"Mozilla/5.0 reader-{reader}"}
            )
            assert response.status_code == 204


async def test_views_from_several_workers_add_up_exactly(
    session: AsyncSession, database_url: str, tmp_path: Path
) -> None:
    articles: list[Article] = [await make_article(session) for _ in range(5)]
    await session.commit()
    pairs = [(reader, a.public_id) for reader in range(READERS) for a in articles]
    env = {
        "CMS_DATABASE_URL": database_url,
        "CMS_MEDIA_ROOT": str(tmp_path),
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0",
        "CMS_VIEW_FLUSH_SECONDS": "0.5",
    }
    # Stopping the server (SIGTERM) at the end of the block makes every worker flush its views.
    with live_server(env, "--workers", str(WORKERS)) as url:
        # Every pair is sent twice, by two different clients, so repeats cross workers.
        slices = [pairs[n::4] for n in range(4)] + [pairs[n::4][::-1] for n in (1, 2, 3, 0)]
        await asyncio.gather(*(_send(url, part) for part in slices))

    for article in articles:
        await session.refresh(article)
    assert [article.views for article in articles] == [READERS] * len(articles)
