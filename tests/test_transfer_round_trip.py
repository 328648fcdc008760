"""Export and import of our own format: a round trip into an empty database gives the same
files and answers the README's queries the same; a second import changes nothing."""

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import col, select

from cms.models import Article, ArticleAuthor, AuthorProfile, User, metadata
from cms.seed import seed_demo
from cms.settings import Settings
from cms.transfer.export import ExportOptions
from cms.transfer.writer import ImportOptions
from tests.conftest import Gql
from tests.transfer_helpers import data_files, empty_media, export_to, import_from

README_QUERIES = [
    """{
      articles(first: 5, locale: "en") {
        pageInfo { hasNextPage endCursor }
        edges { node {
          title slug publishedAtLocal
          category { name slug }
          cover { url(width: 640) alt }
        } }
      }
    }""",
    """{
      article(slug: "annual-inflation-eases-to-2-1-as-food-and-fuel-prices-cool", locale: "en") {
        title lead body readingTimeMinutes
        tags { name }
        related(first: 3) { title slug }
      }
    }""",
    '{ categories(locale: "en") { name slug } }',
]

NEXT_PAGE = """query ($after: String) {
  articles(first: 5, locale: "en", after: $after) { edges { node { title slug } } }
}"""


async def _empty(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(table.delete())


async def _answers(gql: Gql) -> list[Any]:
    """The answers, with the first page's cursor replaced by the page it leads to: a cursor is
    opaque and names the database's own row, which an import into another database renumbers."""
    answers = []
    for query in README_QUERIES:
        result = await gql(query)
        assert result.errors is None, result.errors
        answers.append(result.data)
    page_info = answers[0]["articles"]["pageInfo"]
    following = await gql(NEXT_PAGE, {"after": page_info.pop("endCursor")})
    assert following.errors is None, following.errors
    page_info["next"] = following.data
    return answers


async def test_the_demo_newsroom_comes_back_whole_into_an_empty_database(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    gql: Gql,
    tmp_path: Path,
) -> None:
    await seed_demo(session, settings)
    before = await _answers(gql)
    first = await export_to(sessions, settings, tmp_path / "first", ExportOptions(True, True))
    await _empty(engine)
    empty_media(settings)

    report = await import_from(sessions, settings, first)

    assert report.errors == []
    assert report.created["articles"] == 51
    assert await _answers(gql) == before
    second = await export_to(sessions, settings, tmp_path / "second", ExportOptions(True, True))
    assert data_files(second) == data_files(first)
    manifests = [json.loads((f / "manifest.json").read_text()) for f in (first, second)]
    for manifest in manifests:
        del manifest["created_at"]
    assert manifests[0] == manifests[1]


async def test_importing_the_same_export_twice_changes_nothing_the_second_time(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    tmp_path: Path,
) -> None:
    await seed_demo(session, settings)
    folder = await export_to(sessions, settings, tmp_path / "export")

    report = await import_from(sessions, settings, folder)

    assert report.errors == []
    assert report.changed == 0
    assert report.unchanged["articles"] == 51
    assert report.unchanged["media"] == 52


async def test_a_dry_run_reports_what_would_change_and_writes_nothing(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    tmp_path: Path,
) -> None:
    await seed_demo(session, settings)
    folder = await export_to(sessions, settings, tmp_path / "export")
    await _empty(engine)

    report = await import_from(sessions, settings, folder, ImportOptions(dry_run=True))

    assert report.created["articles"] == 51
    assert "Dry run: nothing was written." in report.summary()
    assert data_files(await export_to(sessions, settings, tmp_path / "after")) == {
        name: b"" for name in data_files(folder) if name.endswith(".ndjson")
    }


async def test_an_import_purges_the_caches_once_at_the_end(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    tmp_path: Path,
) -> None:
    await seed_demo(session, settings)
    folder = await export_to(sessions, settings, tmp_path / "export")
    await _empty(engine)
    purges: list[set[str]] = []

    async def purge(tags: set[str]) -> None:
        purges.append(tags)

    await import_from(sessions, settings, folder, purge=purge)
    await import_from(sessions, settings, folder, purge=purge)

    assert len(purges) == 1
    assert {"feed:all", "categories", "tags", "live"} <= purges[0]
    assert sum(tag.startswith("article:") for tag in purges[0]) == 51


def _as_version_1(folder: Path) -> dict[str, list[str]]:
    """The export rewritten as version 1 wrote it: no profiles, no curated extras, bylines by
    account email (a profile without an account had no place then). Returns those bylines."""
    accounts = {
        record["slug"]: record["account"]
        for record in map(json.loads, (folder / "authors.ndjson").read_text().splitlines())
    }
    bylines, lines = {}, []
    for line in (folder / "articles.ndjson").read_text().splitlines():
        record = json.loads(line)
        for added in ("expires_at", "corrections", "live_blog"):
            del record[added]
        record["authors"] = [accounts[slug] for slug in record["authors"] if accounts[slug]]
        bylines[record["public_id"]] = record["authors"]
        lines.append(json.dumps(record, sort_keys=True))
    (folder / "articles.ndjson").write_text("\n".join(lines) + "\n")
    manifest = json.loads((folder / "manifest.json").read_text())
    for dropped in ("authors.ndjson", "home_slots.ndjson"):
        (folder / dropped).unlink()
        del manifest["files"][dropped]
    data = (folder / "articles.ndjson").read_bytes()
    manifest["files"]["articles.ndjson"]["sha256"] = hashlib.sha256(data).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest | {"version": 1}))
    return bylines


async def test_a_version_1_export_is_read_with_bylines_by_account(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    tmp_path: Path,
) -> None:
    await seed_demo(session, settings)
    folder = await export_to(sessions, settings, tmp_path / "export")
    bylines = _as_version_1(folder)
    await _empty(engine)

    report = await import_from(sessions, settings, folder)

    assert report.errors == []
    assert report.created["articles"] == 51
    query = (
        select(Article.public_id, User.email)
        .join(ArticleAuthor, col(ArticleAuthor.article_id) == col(Article.id))
        .join(AuthorProfile, col(AuthorProfile.id) == col(ArticleAuthor.author_id))
        .join(User, col(User.id) == col(AuthorProfile.user_id))
        .order_by(col(ArticleAuthor.position))
    )
    found: dict[str, list[str]] = {public_id: [] for public_id in bylines}
    for public_id, email in await session.execute(query):
        found[public_id].append(email)
    assert found == bylines
    assert any(bylines.values())
