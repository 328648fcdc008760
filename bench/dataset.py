"""Build the benchmark dataset: `python -m bench.dataset --database-url URL [--size S]`.

Rows go in through Core bulk inserts in chunks on SQLite, and through asyncpg's binary COPY on
PostgreSQL (size S in seconds rather than the minute and a half its inserts take), because the
ORM unit of work would take minutes. A database that already holds the expected dataset is
reused as it is.
"""

import argparse
import asyncio
import enum
import json
import random
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from sqlalchemy import JSON, Table, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bench import rows
from cms.db import create_engine, is_sqlite
from cms.migrations import upgrade
from cms.models import Article, ArticleTag, Category, Media, Tag
from cms.settings import Settings

CHUNK = 1_000
SEED = 20_250_601
_TABLES: dict[str, Table] = {
    "category": Category.__table__,  # type: ignore[attr-defined]
    "tag": Tag.__table__,  # type: ignore[attr-defined]
    "media": Media.__table__,  # type: ignore[attr-defined]
    "article": Article.__table__,  # type: ignore[attr-defined]
    "article_tag": ArticleTag.__table__,  # type: ignore[attr-defined]
}


def _chunks(items: Iterable[rows.Row], size: int = CHUNK) -> Iterator[list[rows.Row]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


async def _insert(connection: AsyncConnection, table: str, items: Iterable[rows.Row]) -> None:
    if connection.dialect.name == "postgresql":
        await _copy(connection, _TABLES[table], list(items))
        return
    for chunk in _chunks(items):
        await connection.execute(insert(_TABLES[table]), chunk)


def _copy_value(value: object, as_json: bool) -> object:
    """What SQLAlchemy would bind: JSON as text, enums as their value."""
    if as_json:
        return json.dumps(value)
    return value.value if isinstance(value, enum.Enum) else value


async def _copy(connection: AsyncConnection, table: Table, items: list[rows.Row]) -> None:
    """COPY the rows in the caller's transaction, through the asyncpg connection under it."""
    if not items:
        return
    names = list(items[0])
    as_json = [isinstance(table.c[name].type, JSON) for name in names]
    records = [
        tuple(_copy_value(row[name], j) for name, j in zip(names, as_json, strict=True))
        for row in items
    ]
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table(table.name, records=records, columns=names)


async def _advance_sequences(connection: AsyncConnection) -> None:
    """Explicit ids leave PostgreSQL's sequences at 1; move them past the rows we wrote."""
    for table in ("category", "tag", "media", "article"):
        await connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )


async def generate(connection: AsyncConnection, size: rows.Size, seed: int) -> None:
    """Write the whole dataset in one transaction (the caller's)."""
    rng = random.Random(seed)
    await _insert(connection, "category", rows.categories(rng, size))
    await _insert(connection, "tag", rows.tags(rng, size))
    covers: list[rows.Row] = []
    articles: list[rows.Row] = []
    links: list[rows.Row] = []
    for cover, article, article_links in rows.articles(rng, seed, size):
        covers.append(cover)
        articles.append(article)
        links.extend(article_links)
        if len(articles) == CHUNK:
            await _flush(connection, covers, articles, links)
    await _flush(connection, covers, articles, links)
    if connection.dialect.name == "postgresql":
        await _advance_sequences(connection)


async def _flush(
    connection: AsyncConnection,
    covers: list[rows.Row],
    articles: list[rows.Row],
    links: list[rows.Row],
) -> None:
    await _insert(connection, "media", covers)
    await _insert(connection, "article", articles)
    await _insert(connection, "article_tag", links)
    for pending in (covers, articles, links):
        pending.clear()


async def ensure_dataset(engine: AsyncEngine, size_name: str = "S", seed: int = SEED) -> bool:
    """Migrate, then build the dataset unless it is there; True when it was built now."""
    size = rows.SIZES[size_name]
    await upgrade(engine)
    async with engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(_TABLES["article"]))
    if count == size.articles:
        return False
    if count:
        raise SystemExit(f"The database holds {count} other articles; give an empty database.")
    async with engine.begin() as connection:
        await generate(connection, size, seed)
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
    return True


def sqlite_parent(database_url: str) -> Path:
    """The folder of a SQLite file, which must exist before SQLite creates the file."""
    return Path(make_url(database_url).database or ".").resolve().parent


async def _main(database_url: str, size_name: str, seed: int) -> None:
    engine = create_engine(Settings(_env_file=None, database_url=database_url))
    started = time.perf_counter()
    try:
        built = await ensure_dataset(engine, size_name, seed)
    finally:
        await engine.dispose()
    verb = "Built" if built else "Reused"
    print(f"{verb} dataset {size_name} in {time.perf_counter() - started:.1f} s: {database_url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url", required=True, help="sqlite+aiosqlite:///path or postgresql+asyncpg://…"
    )
    parser.add_argument("--size", choices=sorted(rows.SIZES), default="S")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    if is_sqlite(args.database_url):
        sqlite_parent(args.database_url).mkdir(parents=True, exist_ok=True)
    asyncio.run(_main(args.database_url, args.size, args.seed))


if __name__ == "__main__":
    main()
