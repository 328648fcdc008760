"""Every statement of the public operations reads through an index and never sorts a whole table,
on SQLite and PostgreSQL, at 10k (S) and 100k (M) articles.

Each operation runs through the schema as an anonymous reader; an engine hook records the SQL it
sends with its parameters, and the test asks the database for the plan of each statement.

- A big table (articles, their tags, covers, view buckets, programme slots) is never read whole:
  no `SCAN <table>` on SQLite, no `Seq Scan` (nor an index scan without a condition) on
  PostgreSQL. Small tables are read whole on purpose: categories (tens of rows, loaded once per
  request as the menu tree) and live streams (a handful of channels).
- Nothing sorts a big table. On PostgreSQL, `EXPLAIN (ANALYZE, FORMAT JSON)` counts the rows
  each `Sort` takes; they must stay under a fifth of the articles, so a sort of a tag's articles,
  a day's view buckets or a merge of page-sized slices passes, a sort of a category does not.
  SQLite's plan carries no row counts, so a temporary B-tree is allowed only where the operation
  says what bounds its input (the rows of one tag, the search hits, a window of days).
- SQLite runs without ANALYZE: a laptop database never gets one (the application does not run
  it), so the plans must be right on SQLite's default guesses. The `sqlite-analyzed` copy of the
  same file holds after ANALYZE too, as the benchmark's databases do. PostgreSQL is vacuumed and
  analysed after loading, as autovacuum does on a real one.

Loading S (10k articles) took 15-26 s on SQLite and 23-36 s on PostgreSQL on the shared
machine; M, ten times the rows, is too slow for every run and waits for CMS_TEST_LARGE_PLANS.
"""

import json
import os
import re
import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cms.db import create_engine, create_sessionmaker
from cms.migrations import upgrade
from cms.services.articles import FeedKey
from cms.services.viewer import ANONYMOUS
from cms.settings import Settings
from cms.storage import storage_for
from cms.transfer.articles import ArticleBatch
from cms.transfer.keys import article_records, articles_by_public_id, load_keys
from cms.transfer.progress import Silent
from cms.transfer.writer import ImportOptions, Writer
from schema import build_schema
from schema.context import Context
from schema.pagination import encode_cursor
from tests import plan_dataset
from tests.conftest import POSTGRES_ADMIN_URL, _postgres_database

BIG_TABLES = frozenset(
    {
        "article",
        "article_tag",
        "article_author",
        "article_slug_history",
        "article_view_bucket",
        "article_search",
        "media",
        "programme_slot",
        "revision",
    }
)
"""Tables that grow with the archive; the others (categories, tags by slug, streams, users by
id) are small or read by their unique keys."""

SMALL_SORT_ROWS = 500
"""A sort of at most this many rows is a merge of page-sized slices, not of a table."""

BACKENDS = ["sqlite", "sqlite-analyzed"] + (["postgresql"] if POSTGRES_ADMIN_URL else [])
SIZES = ["S", "M"] if os.environ.get("CMS_TEST_LARGE_PLANS") else ["S"]
"""M (100k articles) takes minutes to load, so it runs when CMS_TEST_LARGE_PLANS is set."""


@dataclass(frozen=True, slots=True)
class Planned:
    """A loaded database and what the operations ask of it."""

    backend: str
    size: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    articles: int
    samples: dict[str, Any]


async def _load(engine: AsyncEngine, size: str) -> float:
    started = time.perf_counter()
    await upgrade(engine)
    async with engine.begin() as connection:
        await plan_dataset.load(connection, size, datetime.now(UTC))
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            vacuum = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await vacuum.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - started


_SQLITE_FILES: dict[str, Path] = {}


async def _sqlite_file(size: str, folder: Path) -> Path:
    """The loaded SQLite file of a size, built once per session and copied for variants."""
    if size not in _SQLITE_FILES:
        path = folder / f"plans_{size}.db"
        engine = create_engine(_settings(f"sqlite+aiosqlite:///{path}", folder))
        try:
            took = await _load(engine, size)
        finally:
            await engine.dispose()
        print(f"\nloaded {size} on SQLite in {took:.1f} s")
        _SQLITE_FILES[size] = path
    return _SQLITE_FILES[size]


def _settings(url: str, folder: Path) -> Settings:
    return Settings(
        _env_file=None, database_url=url, media_root=folder, site_url="https://news.example"
    )


@asynccontextmanager
async def _database_url(backend: str, size: str, folder: Path) -> AsyncIterator[str]:
    if backend == "postgresql":
        async with _postgres_database() as url:
            engine = create_engine(_settings(url, folder))
            try:
                took = await _load(engine, size)
            finally:
                await engine.dispose()
            print(f"\nloaded {size} on PostgreSQL in {took:.1f} s")
            yield url
        return
    path = await _sqlite_file(size, folder)
    if backend == "sqlite-analyzed":
        copy = folder / f"plans_{size}_analyzed.db"
        shutil.copy(path, copy)
        path = copy
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture(
    scope="session",
    params=[(b, s) for s in SIZES for b in BACKENDS],
    ids=[f"{b}-{s}" for s in SIZES for b in BACKENDS],
)
async def planned(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Planned]:
    backend, size = request.param
    folder = tmp_path_factory.getbasetemp() / "plans"
    folder.mkdir(exist_ok=True)
    async with _database_url(backend, size, folder) as url:
        settings = _settings(url, folder)
        engine = create_engine(settings)
        try:
            if backend == "sqlite-analyzed":
                async with engine.connect() as connection:
                    await connection.execute(text("ANALYZE"))
                    await connection.commit()
            async with engine.connect() as connection:
                samples = await _samples(connection)
                articles = int(await connection.scalar(text("SELECT count(*) FROM article")) or 0)
            yield Planned(
                backend,
                size,
                engine,
                create_sessionmaker(engine),
                settings,
                articles,
                samples,
            )
        finally:
            await engine.dispose()


_NEWEST = "ORDER BY published_at DESC, id DESC"


async def _deep_cursor(connection: Any, where: str, **params: Any) -> str:
    """The `after` of page 50 (or of the last full page of a shorter list)."""
    total = await connection.scalar(
        text(f"SELECT count(*) FROM article a WHERE status = 'PUBLISHED' AND {where}"), params
    )
    offset = min(49 * 20, total - 21) - 1
    row = (
        await connection.execute(
            text(
                f"SELECT a.published_at, a.id FROM article a WHERE status = 'PUBLISHED' "
                f"AND {where} {_NEWEST} LIMIT 1 OFFSET {offset}"
            ),
            params,
        )
    ).one()
    moment = row.published_at
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return encode_cursor(FeedKey(moment.replace(tzinfo=UTC), row.id))


async def _samples(connection: Any) -> dict[str, Any]:
    article = (
        await connection.execute(
            text(
                f"SELECT slug, locale FROM article WHERE status = 'PUBLISHED' {_NEWEST} "
                "LIMIT 1 OFFSET 100"
            )
        )
    ).one()
    parent = (
        await connection.execute(
            text(
                "SELECT c.id, c.slug FROM category c WHERE c.parent_id IS NULL AND EXISTS "
                "(SELECT 1 FROM category k WHERE k.parent_id = c.id) ORDER BY c.id LIMIT 1"
            )
        )
    ).one()
    leaf = (
        await connection.execute(
            text(
                "SELECT c.id, c.slug FROM category c WHERE c.parent_id IS NOT NULL "
                "ORDER BY c.id LIMIT 1"
            )
        )
    ).one()
    family = tuple(
        await connection.scalars(
            text("SELECT id FROM category WHERE id = :c OR parent_id = :c"), {"c": parent.id}
        )
    )
    in_family = f"a.category_id IN ({', '.join(str(i) for i in family)})"
    tag = (await connection.execute(text("SELECT id, slug FROM tag ORDER BY id LIMIT 1"))).one()
    with_tag = "EXISTS (SELECT 1 FROM article_tag t WHERE t.article_id = a.id AND t.tag_id = :t)"
    return {
        "article_slug": article.slug,
        "article_locale": article.locale,
        "parent_slug": parent.slug,
        "parent_deep": await _deep_cursor(connection, in_family),
        "leaf_slug": leaf.slug,
        "leaf_deep": await _deep_cursor(connection, "a.category_id = :c", c=leaf.id),
        "tag_slug": tag.slug,
        "tag_deep": await _deep_cursor(connection, with_tag, t=tag.id),
        "home_deep": await _deep_cursor(connection, "1 = 1"),
    }


HOME = """
query Home($locale: String, $after: String) {
  articles(first: 20, locale: $locale, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id publicId title slug lead publishedAt publishedAtLocal views
      category { name slug }
      cover { url width height alt }
    } }
  }
}
"""

ARTICLE = """
query Article($slug: String!, $locale: String!) {
  article(slug: $slug, locale: $locale) {
    publicId slug title lead body readingTimeMinutes views
    publishedAt publishedAtLocal updatedAt sourceName sourceUrl
    category { name slug }
    tags { name slug }
    authors { name }
    cover { url width height alt caption credit }
    related(first: 5) { title slug publishedAt }
    translations { locale slug title }
  }
}
"""

CATEGORY = """
query Category($slug: String!, $after: String) {
  category(slug: $slug) {
    name slug
    articles(first: 20, after: $after) {
      edges { node { id title slug lead publishedAt views cover { url width height alt } } }
      pageInfo { endCursor hasNextPage }
    }
  }
}
"""

TAG = """
query Tag($slug: String!, $after: String) {
  tag(slug: $slug) {
    name
    articles(first: 20, after: $after) {
      totalCount
      edges { node { title slug publishedAt } }
      pageInfo { endCursor hasNextPage }
    }
  }
}
"""

SEARCH = """
query Search($q: String!) {
  search(query: $q, locale: "ka", first: 10) {
    edges { snippet node { title slug publishedAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

MOST_READ = """
query MostRead($category: String) {
  mostRead(period: WEEK, locale: "ka", category: $category, first: 5) {
    views article { title slug }
  }
}
"""

LIVE_NOW = """
{
  categories(locale: "ka", menuOnly: true) { name slug children { name slug } }
  liveNow {
    title isOnAir playbackUrl
    nowPlaying { title startsAt endsAt }
    upNext { title startsAt }
  }
}
"""


@dataclass(frozen=True, slots=True)
class Case:
    """An operation, its variables from the samples, and what bounds a sort it needs, if any."""

    name: str
    document: str
    variables: Callable[[dict[str, Any]], dict[str, Any]]
    bounded_sort: str | None = None


CASES = [
    Case("home", HOME, lambda s: {}),
    Case("home_ka_page_50", HOME, lambda s: {"locale": "ka", "after": s["home_deep"]}),
    Case(
        "article",
        ARTICLE,
        lambda s: {"slug": s["article_slug"], "locale": s["article_locale"]},
    ),
    Case("category_page_1", CATEGORY, lambda s: {"slug": s["parent_slug"]}),
    Case(
        "category_page_50",
        CATEGORY,
        lambda s: {"slug": s["parent_slug"], "after": s["parent_deep"]},
    ),
    Case("leaf_category_page_1", CATEGORY, lambda s: {"slug": s["leaf_slug"]}),
    Case(
        "leaf_category_page_50",
        CATEGORY,
        lambda s: {"slug": s["leaf_slug"], "after": s["leaf_deep"]},
    ),
    Case(
        "tag_page_1",
        TAG,
        lambda s: {"slug": s["tag_slug"]},
        bounded_sort="the articles of one tag, found through the tag's index",
    ),
    Case(
        "tag_page_50",
        TAG,
        lambda s: {"slug": s["tag_slug"], "after": s["tag_deep"]},
        bounded_sort="the articles of one tag, found through the tag's index",
    ),
    Case(
        "search",
        SEARCH,
        lambda s: {"q": "ღვინო ექსპორტი ბიუჯეტი"},
        bounded_sort="ranking sorts the hits, which the full-text index finds",
    ),
    Case(
        "most_read",
        MOST_READ,
        lambda s: {},
        bounded_sort="the view buckets of the week, a range of the (day, views) index",
    ),
    Case(
        "most_read_category",
        MOST_READ,
        lambda s: {"category": s["parent_slug"]},
        bounded_sort="the view buckets of the week, a range of the (day, views) index",
    ),
    Case(
        "live_now",
        LIVE_NOW,
        lambda s: {},
        bounded_sort="the slots not yet ended, a range of the (stream_id, ends_at) index",
    ),
]


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str
    parameters: Any


@contextmanager
def _recording(engine: AsyncEngine) -> Iterator[list[Statement]]:
    seen: list[Statement] = []

    def record(_c: Any, _cursor: Any, sql: str, parameters: Any, *_rest: Any) -> None:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append(Statement(sql, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def _run(planned: Planned, case: Case) -> list[Statement]:
    schema = build_schema(planned.settings)
    context = Context(settings=planned.settings, sessions=planned.sessions, viewer=ANONYMOUS)
    with _recording(planned.engine) as statements:
        result = await schema.execute(
            case.document, variable_values=case.variables(planned.samples), context_value=context
        )
    assert result.errors is None, result.errors
    return statements


_SQLITE_ACCESS = re.compile(r"^(SCAN|SEARCH) (\w+)(?: AS \w+)?")


def _sqlite_table(name: str) -> str:
    """The table behind an alias SQLAlchemy made (`article_1`, `anon_2`)."""
    return re.sub(r"_\d+$", "", name)


def sqlite_problems(lines: list[str], case: Case) -> list[str]:
    problems = []
    reads_big = any(
        (access := _SQLITE_ACCESS.match(line)) and _sqlite_table(access.group(2)) in BIG_TABLES
        for line in lines
    )
    for line in lines:
        access = _SQLITE_ACCESS.match(line)
        if access is not None:
            table = _sqlite_table(access.group(2))
            full = access.group(1) == "SCAN" and "VIRTUAL TABLE INDEX" not in line
            if table in BIG_TABLES and full:
                problems.append(f"reads all of {table}: {line}")
        # "RIGHT PART OF ORDER BY" sorts only rows that share the index's prefix (one
        # article's tags, say), never more.
        whole = "USE TEMP B-TREE" in line and "RIGHT PART" not in line
        if whole and reads_big and case.bounded_sort is None:
            problems.append(f"sorts rows nothing bounds: {line}")
    return problems


async def _sqlite_plan(planned: Planned, statement: Statement) -> list[str]:
    async with planned.engine.connect() as connection:
        rows = await connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement.sql}", statement.parameters
        )
        return [str(row._mapping["detail"]) for row in rows]


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def postgres_problems(plan: dict[str, Any], case: Case, articles: int) -> list[str]:
    problems = []
    for node in _nodes(plan):
        kind, table = node["Node Type"], node.get("Relation Name")
        if table in BIG_TABLES and kind == "Seq Scan":
            problems.append(f"reads all of {table} ({kind})")
        unbounded = "Index Cond" not in node and "Bitmap" not in kind
        if table in BIG_TABLES and "Index" in kind and unbounded:
            problems.append(f"walks a whole index of {table} ({node.get('Index Name')})")
        if kind in ("Sort", "Incremental Sort"):
            taken = sum(c["Actual Rows"] * c["Actual Loops"] for c in node["Plans"])
            if taken > SMALL_SORT_ROWS and case.bounded_sort is None:
                problems.append(f"sorts {taken} rows of {articles} articles")
            if taken > articles // 5:
                problems.append(f"sorts {taken} rows, a fifth of the {articles} articles or more")
    return problems


async def _postgres_plan(planned: Planned, statement: Statement) -> dict[str, Any]:
    async with planned.engine.connect() as connection:
        found = await connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, FORMAT JSON) {statement.sql}", statement.parameters
        )
        document = found.scalar_one()
    plan: dict[str, Any] = (json.loads(document) if isinstance(document, str) else document)[0]
    tree: dict[str, Any] = plan["Plan"]
    return tree


async def _plan_report(planned: Planned, statements: list[Statement], case: Case) -> list[str]:
    """Each statement whose plan has a problem, with its plan and the problems."""
    report = []
    for statement in statements:
        if planned.backend == "postgresql":
            plan = await _postgres_plan(planned, statement)
            problems = postgres_problems(plan, case, planned.articles)
            shown = json.dumps(plan, indent=1)
        else:
            lines = await _sqlite_plan(planned, statement)
            problems = sqlite_problems(lines, case)
            shown = "\n".join(lines)
        if problems:
            report.append(f"{statement.sql}\n{shown}\n-> " + "\n-> ".join(problems))
    return report


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_public_operations_read_through_indexes(planned: Planned, case: Case) -> None:
    statements = await _run(planned, case)
    assert statements
    report = await _plan_report(planned, statements, case)
    assert not report, "\n\n".join(report)


IMPORT = Case("import batch", "", lambda s: {})
"""An import's batch: no operation, and nothing it reads may need a sort."""


async def _import_batch_statements(planned: Planned) -> list[Statement]:
    """A dry-run import of a batch: two articles already there (one edited), one new."""
    async with planned.sessions() as session:
        public_ids = list(
            await session.scalars(text("SELECT public_id FROM article ORDER BY id LIMIT 2"))
        )
        writer_keys = await load_keys(session)
        there = await article_records(
            session, await articles_by_public_id(session, public_ids), writer_keys
        )
    new = {**there[0], "public_id": "0123456789abc", "slug": "a-story-new-here"}
    edited = {**there[1], "title": "An edited headline"}
    items = [(f"record {n}", record) for n, record in enumerate([there[0], edited, new])]
    writer = await Writer.open(
        planned.sessions,
        planned.settings,
        storage_for(planned.settings),
        ImportOptions(dry_run=True),
        "ndjson",
    )
    try:
        with _recording(planned.engine) as statements:
            await ArticleBatch(writer).write(items, Silent())
    finally:
        await writer.session.rollback()
        await writer.session.close()
    assert writer.report.created["articles"] == 1, writer.report.summary()
    assert writer.report.updated["articles"] == 1, writer.report.summary()
    return statements


async def test_an_import_batch_reads_through_indexes(planned: Planned) -> None:
    """Each batch looks up the rows its records may already have (by public id, by current and
    former slug, the links of the articles found); one read of a whole table per batch would
    make an import slow down with every batch it writes."""
    statements = await _import_batch_statements(planned)
    assert statements
    report = await _plan_report(planned, statements, IMPORT)
    assert not report, "\n\n".join(report)
