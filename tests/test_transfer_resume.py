"""An import killed with SIGKILL midway, then run again: nothing is duplicated, nothing lost.

The import runs as the real command in its own process; the test waits until some batches are
committed, kills it, checks that no article is half-written, and runs the command again.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from cms.db import create_engine
from cms.migrations import upgrade
from cms.models import Article, ArticleTag, Category, Tag, User
from cms.settings import Settings
from tests.live_server import ROOT
from tests.polling import until
from tests.wxr_files import Post, write_wxr, wxr

POSTS = 3000


def _command(source: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "cms.cli", "import", "wordpress", str(source)],
            cwd=ROOT,
            env=os.environ | env | {"PYTHONPATH": str(ROOT)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )


async def _count(engine: AsyncEngine, what: Any) -> int:
    async with engine.connect() as connection:
        query: Any = select(func.count()).select_from(what)
        return int(await connection.scalar(query) or 0)


async def test_an_import_killed_midway_and_run_again_is_whole_and_has_no_duplicates(
    blank_database_url: str, tmp_path: Path
) -> None:
    posts = [
        Post(n, f"Story {n}", name=f"story-{n}", categories=["news"], tags=["a", "b"])
        for n in range(1, POSTS + 1)
    ]
    source = write_wxr(tmp_path, wxr(posts, categories={"news": ""}, tags=("a", "b")))
    env = {"CMS_DATABASE_URL": blank_database_url, "CMS_MEDIA_ROOT": str(tmp_path / "media")}
    engine = create_engine(Settings(_env_file=None, database_url=blank_database_url))
    await upgrade(engine)
    try:
        first = _command(source, env, tmp_path / "first.log")

        async def some_committed() -> bool:
            assert first.poll() is None, "the import ended before it could be interrupted"
            return await _count(engine, Article) >= 200

        await until(some_committed, seconds=120, what="a first committed batch")
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        interrupted = await _count(engine, Article)
        assert 0 < interrupted < POSTS
        assert await _count(engine, ArticleTag) == 2 * interrupted

        second = _command(source, env, tmp_path / "second.log")
        second.wait(timeout=600)

        assert second.returncode == 0, (tmp_path / "second.log").read_text()
        assert await _count(engine, Article) == POSTS
        assert await _count(engine, ArticleTag) == 2 * POSTS
        assert (await _count(engine, Category), await _count(engine, Tag)) == (1, 2)
        assert await _count(engine, User) == 1
        async with engine.connect() as connection:
            slugs = set((await connection.scalars(select(col(Article.slug)))).all())
        assert slugs == {f"story-{n}" for n in range(1, POSTS + 1)}
    finally:
        await engine.dispose()
