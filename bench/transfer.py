"""Import speed: `python -m bench.transfer [--size S|M] [--database-url URL]`.

Builds the benchmark dataset (`bench.dataset`), exports it with `cms export`, imports the export
into an empty database with `cms import ndjson`, then writes a WordPress export (WXR) of the same
articles and imports that with `cms import wordpress`. Each command runs in its own process,
so its peak memory (VmHWM) and CPU time (`wait4`) are its own; the figures are articles per
second of wall time and of CPU time (on a shared machine the second is the steadier one), and
peak resident memory. The dataset's covers name files that were never stored, so they are dropped
before the export: this measures articles, not picture copying.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

import orjson
from sqlalchemy import text

from bench.dataset import ensure_dataset
from cms.db import create_engine
from cms.migrations import upgrade
from cms.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import atexit, os, runpy, sys

def peak():
    status = open("/proc/self/status").read()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    open(os.environ["BENCH_PEAK_FILE"], "w").write(line.split()[1])

atexit.register(peak)
sys.argv = ["cms", *sys.argv[1:]]
runpy.run_module("cms.cli", run_name="__main__")
"""
"""Runs `cms` and writes its peak resident memory (VmHWM, kB) at exit. Not `wait4`'s maxrss:
Linux carries the parent's resident size at `fork` into the child's, which would report the
benchmark's own memory for every command."""


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    seconds: float
    cpu_seconds: float
    peak_mb: float
    articles: int

    def line(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        cpu_rate = self.articles / self.cpu_seconds if self.cpu_seconds else 0.0
        return (
            f"{self.name:<22} {self.articles:>8,} articles {self.seconds:>7.1f} s "
            f"{rate:>6,.0f} articles/s  (CPU {self.cpu_seconds:>6.1f} s, {cpu_rate:>6,.0f}/CPU-s)"
            f"  peak {self.peak_mb:>5.0f} MB"
        )


def run(name: str, args: list[str], database_url: str, media: Path, articles: int) -> Step:
    """One `cms` command in a child process, timed, with that child's own peak memory."""
    env = os.environ | {
        "CMS_DATABASE_URL": database_url,
        "CMS_MEDIA_ROOT": str(media),
        "PYTHONPATH": str(ROOT),
    }
    started = time.perf_counter()
    summary, peak = media.with_suffix(".txt"), media.with_suffix(".peak")
    env["BENCH_PEAK_FILE"] = str(peak)
    with summary.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", CHILD, *args], cwd=ROOT, env=env, stdout=output
        )
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} failed: cms {' '.join(args)}\n{summary.read_text()[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return Step(name, seconds, cpu, int(peak.read_text()) / 1024, articles)


async def prepare(database_url: str, size: str) -> None:
    engine = create_engine(Settings(_env_file=None, database_url=database_url))
    try:
        await ensure_dataset(engine, size)
        async with engine.connect() as connection:
            # Checked one by one, the covers' foreign keys would make the delete quadratic.
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await connection.execute(text("UPDATE article SET cover_id = NULL"))
            await connection.execute(text("DELETE FROM media"))
            await connection.commit()
    finally:
        await engine.dispose()


async def migrate(database_url: str) -> None:
    engine = create_engine(Settings(_env_file=None, database_url=database_url))
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def _item(number: int, record: dict[str, object]) -> str:
    status = {"PUBLISHED": "publish", "DRAFT": "draft"}.get(str(record["status"]), "draft")
    when = str(record.get("published_at") or record["created_at"])[:19].replace("T", " ")
    tags = "".join(
        f'<category domain="post_tag" nicename="{t}"><![CDATA[{t}]]></category>'
        for t in record["tags"]  # type: ignore[attr-defined]
    )
    category = record.get("category")
    if category:
        tags += f'<category domain="category" nicename="{category}">{category}</category>'
    return (
        f"<item><title>{escape(str(record['title']))}</title>"
        f"<content:encoded><![CDATA[{record['body']}]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[{record['lead']}]]></excerpt:encoded>"
        f"<wp:post_id>{number}</wp:post_id><wp:post_date_gmt>{when}</wp:post_date_gmt>"
        f"<wp:post_name>{record['slug']}</wp:post_name><wp:status>{status}</wp:status>"
        f"<wp:post_type>post</wp:post_type>{tags}</item>\n"
    )


def write_wxr(export: Path, target: Path) -> int:
    """The exported articles as one WordPress export, written line by line."""
    count = 0
    with target.open("w") as out, (export / "articles.ndjson").open("rb") as articles:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
            "<wp:base_site_url>https://bench.example</wp:base_site_url>\n"
        )
        for line in articles:
            count += 1
            out.write(_item(count, orjson.loads(line)))
        out.write("</channel></rss>\n")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=["S", "M"], default="S")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cms-transfer-bench-") as folder:
        work = Path(folder)
        source = f"sqlite+aiosqlite:///{work / 'source.db'}"
        asyncio.run(prepare(source, args.size))
        export = work / "export"
        steps = []
        export_step = run("cms export", ["export", str(export)], source, work / "m0", 0)
        articles = int(
            orjson.loads((export / "manifest.json").read_text())["files"]["articles.ndjson"][
                "records"
            ]
        )
        steps.append(replace(export_step, articles=articles))
        target = f"sqlite+aiosqlite:///{work / 'ndjson.db'}"
        asyncio.run(migrate(target))
        steps.append(run("cms import ndjson", ["import", "ndjson", str(export)], target,
                         work / "m1", articles))  # fmt: skip
        wxr = work / "export.xml"
        posts = write_wxr(export, wxr)
        target = f"sqlite+aiosqlite:///{work / 'wordpress.db'}"
        asyncio.run(migrate(target))
        steps.append(run("cms import wordpress", ["import", "wordpress", str(wxr)], target,
                         work / "m2", posts))  # fmt: skip
    print(f"Dataset {args.size}, SQLite, {os.cpu_count()} cores")
    for step in steps:
        print(step.line())


if __name__ == "__main__":
    main()
