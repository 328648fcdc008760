"""Views sent to a real multi-worker uvicorn server land exactly, each reader counted once."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import Article
from tests.builders import make_article

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3
READERS = 40


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(database_url: str, media_root: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CMS_DATABASE_URL": database_url,
        "CMS_MEDIA_ROOT": str(media_root),
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0",
        "CMS_VIEW_FLUSH_SECONDS": "0.5",
    }
    command = [
        *(sys.executable, "-m", "uvicorn", "cms.app:create_app", "--factory"),
        *("--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS)),
        *("--log-level", "warning", "--no-access-log"),
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"server exited with {process.returncode}"
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("server did not answer /healthz within 60 s")


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
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = _serve(database_url, tmp_path, port)
    try:
        await asyncio.to_thread(_wait_until_healthy, process, url)
        # Every pair is sent twice, by two different clients, so repeats cross workers.
        slices = [pairs[n::4] for n in range(4)] + [pairs[n::4][::-1] for n in (1, 2, 3, 0)]
        await asyncio.gather(*(_send(url, part) for part in slices))
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(process.wait, 60)

    for article in articles:
        await session.refresh(article)
    assert [article.views for article in articles] == [READERS] * len(articles)
