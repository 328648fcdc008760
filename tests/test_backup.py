"""`cms backup` while a real server takes writes, and `cms restore` into a fresh instance: the
snapshot is one point in time, the restored instance holds and serves the same content, and a
restore refuses what it cannot do safely before writing anything."""

import asyncio
import hashlib
import io
import json
import os
import secrets
import sys
import tarfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from cms.backup import BackupError, Manifest, create_backup, restore_backup
from cms.db import create_engine, create_sessionmaker
from cms.migrations import alembic_config, upgrade
from cms.models import Article, ArticleStatus, Role, metadata
from cms.services.media.library import MediaDetails, MediaLibrary
from cms.services.viewer import Viewer
from cms.settings import Settings
from cms.storage import S3Storage, storage_for
from cms.web.app import create_app
from tests.builders import make_article, make_category, make_stream, make_tag, make_token, make_user
from tests.conftest import POSTGRES_ADMIN_URL, stored_keys
from tests.live_server import ROOT, live_server
from tests.media_files import PDF, photo
from tests.polling import until

NewDatabase = Callable[[], Awaitable[str]]
CREATE = """
mutation Create($input: CreateArticleInput!) {
  createArticle(input: $input) { article { publicId } errors { field message } }
}
"""
FRONT_PAGE = """
{
  articles(first: 50) {
    totalCount
    edges { node {
      publicId slug title lead body publishedAt readingTimeMinutes
      category { slug name } tags { slug name } authors { name }
      cover { url width height alt placeholder srcset(format: WEBP) }
    } }
  }
  search(query: "harbour", first: 10) { edges { snippet node { slug } } }
  liveNow { title poster { url alt } }
}
"""
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
OLDER = "da88c279f41d"


@pytest.fixture
async def new_database(backend: str, tmp_path: Path) -> AsyncIterator[NewDatabase]:
    """Empty databases of the backend under test, dropped again after the test."""
    created: list[str] = []

    async def admin(statement: str) -> None:
        assert POSTGRES_ADMIN_URL is not None
        engine = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(statement))
        await engine.dispose()

    async def make() -> str:
        name = f"cms_test_{secrets.token_hex(4)}"
        if backend == "sqlite":
            return f"sqlite+aiosqlite:///{tmp_path / name}.db"
        await admin(f'CREATE DATABASE "{name}"')
        created.append(name)
        assert POSTGRES_ADMIN_URL is not None
        return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(False)

    yield make
    for name in created:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def source(settings: Settings, tmp_path: Path) -> Settings:
    """The suite's database with a media folder of this test's own."""
    return settings.model_copy(update={"media_root": tmp_path / "source-media"})


async def _target(source: Settings, new_database: NewDatabase, tmp_path: Path) -> Settings:
    """A fresh instance beside `source`: a new database and an empty store of the same kind."""
    update: dict[str, Any] = {
        "database_url": await new_database(),
        "media_root": tmp_path / "restored-media",
    }
    if source.media_storage == "s3":
        bucket = f"restored-{secrets.token_hex(4)}"
        update |= {
            "s3_bucket": bucket,
            "media_url": source.media_url.replace(f"/{source.s3_bucket}/", f"/{bucket}/"),
        }
    target = source.model_copy(update=update)
    if target.media_storage == "s3":
        S3Storage.from_settings(target).client.create_bucket(Bucket=target.s3_bucket or "")
    return target


@pytest.fixture
async def target(source: Settings, new_database: NewDatabase, tmp_path: Path) -> Settings:
    return await _target(source, new_database, tmp_path)


def _environment(settings: Settings) -> dict[str, str]:
    return {
        "CMS_DATABASE_URL": settings.database_url,
        "CMS_MEDIA_ROOT": str(settings.media_root),
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0",
    }


async def cms(settings: Settings, *arguments: str) -> tuple[int, str]:
    """Run the `cms` command line as an operator would, against `settings`' instance."""
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "cms.cli", *arguments),
        cwd=ROOT,
        env=os.environ | _environment(settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


async def scalar(url: str, query: str) -> Any:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(text(query))
    finally:
        await engine.dispose()


async def tables(url: str) -> list[str]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()


async def table_checksums(url: str) -> dict[str, tuple[int, str]]:
    """Rows and a SHA-256 of every row, per table of the models, in primary-key order."""
    engine = create_async_engine(url, poolclass=NullPool)
    found = {}
    try:
        async with engine.connect() as connection:
            for table in metadata.sorted_tables:
                query = select(table).order_by(*table.primary_key.columns)
                rows = (await connection.execute(query)).all()
                found[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    finally:
        await engine.dispose()
    return found


def rewrite(
    archive: Path, change: Callable[[str, bytes], bytes], names: dict[str, str] | None = None
) -> Path:
    """A copy of `archive` with each member's bytes passed through `change(name, data)`, and
    members renamed by `names`."""
    copy = archive.with_name("changed-" + archive.name)
    with tarfile.open(archive) as reader, tarfile.open(copy, "w") as writer:
        for member in reader.getmembers():
            extracted = reader.extractfile(member)
            assert extracted is not None
            data = change(member.name, extracted.read())
            member.size = len(data)
            member.name = (names or {}).get(member.name, member.name)
            writer.addfile(member, io.BytesIO(data))
    return copy


def read_manifest(archive: Path) -> Manifest:
    with tarfile.open(archive) as reader:
        extracted = reader.extractfile("manifest.json")
        assert extracted is not None
        return Manifest.model_validate_json(extracted.read())


def manifest_change(**values: Any) -> Callable[[str, bytes], bytes]:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        return json.dumps(json.loads(data) | values).encode()

    return change


async def upload(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    data: bytes,
    viewer: Viewer,
    alt: str,
) -> int:
    """A real file through the media library, renditions included."""
    library = MediaLibrary(settings, storage_for(settings), sessions)
    try:
        media = await library.add(data, MediaDetails(alt=alt), viewer)
        await library.idle()
    finally:
        await library.close()
    assert media.id is not None
    return media.id


# --- a snapshot while the server writes ---


@dataclass
class Writer:
    """An editor's client creating articles, each with a tag of its own and a shared one."""

    url: str
    token: str
    attempted: int = 0
    acknowledged: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with httpx.AsyncClient(base_url=self.url, headers=headers, timeout=60) as client:
            while not stop.is_set():
                self.attempted += 1
                n = self.attempted
                article = {
                    "locale": "en",
                    "title": f"Harbour report {n}",
                    "lead": f"Ships in port, day {n}.",
                    "body": f"<p>Cargo volumes, report {n}.</p>",
                    "tags": [f"harbour-{n}", "ports"],
                }
                response = await client.post(
                    "/graphql", json={"query": CREATE, "variables": {"input": article}}
                )
                assert response.json()["data"]["createArticle"]["errors"] == []
                self.acknowledged += 1


async def test_a_backup_taken_while_articles_are_written_is_one_point_in_time(
    session: AsyncSession, source: Settings, target: Settings
) -> None:
    editor = await make_user(session, role=Role.EDITOR)
    token = await make_token(session, editor)
    await session.commit()
    archive = target.media_root.parent / "live.tar"
    with live_server(_environment(source)) as url:
        writer, stop = Writer(url, token), asyncio.Event()
        writing = asyncio.create_task(writer.run(stop))
        await until(lambda: writer.acknowledged >= 5, seconds=60, what="five articles written")
        before = writer.acknowledged
        code, output = await cms(source, "backup", str(archive))
        attempted_by_end, acknowledged_by_end = writer.attempted, writer.acknowledged
        stop.set()
        await writing
    assert code == 0, output
    assert acknowledged_by_end > before, "the writer kept writing while the backup ran"

    manifest = await restore_backup(target, archive)

    restored = target.database_url
    articles = await scalar(restored, "SELECT count(*) FROM article")
    assert before <= articles <= attempted_by_end
    assert manifest.rows("article") == articles
    # Each createArticle wrote, in one transaction, an article, its new tag, two tag links, an
    # author, a revision and an audit entry: a snapshot of one moment holds all or none of them.
    assert await scalar(restored, "SELECT count(*) FROM tag") == articles + 1
    assert await scalar(restored, "SELECT count(*) FROM article_tag") == 2 * articles
    assert await scalar(restored, "SELECT count(*) FROM article_author") == articles
    assert await scalar(restored, "SELECT count(*) FROM revision") == articles
    audit = "SELECT count(*) FROM audit_entry WHERE action = 'article.create'"
    assert await scalar(restored, audit) == articles
    incomplete = """
        SELECT count(*) FROM article a WHERE
          (SELECT count(*) FROM article_tag t WHERE t.article_id = a.id) <> 2
          OR NOT EXISTS (SELECT 1 FROM revision r WHERE r.article_id = a.id AND r.version = 1)
    """
    assert await scalar(restored, incomplete) == 0


# --- a restored instance ---


async def test_a_restored_instance_holds_and_serves_the_same_content(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    media_settings: Settings,
    new_database: NewDatabase,
    tmp_path: Path,
) -> None:
    editor = await make_user(session, role=Role.EDITOR, display_name="Nino Beridze")
    await session.commit()
    viewer = Viewer(editor)
    cover = await upload(media_settings, sessions, photo(800, 600), viewer, "Batumi harbour")
    poster = await upload(media_settings, sessions, photo(640, 360, seed=2), viewer, "Studio")
    await upload(media_settings, sessions, PDF, viewer, "Annual report")
    economy = await make_category(session, slug="economy")
    ports = await make_tag(session, slug="ports", names={"en": "Ports", "ka": "პორტები"})
    for n in range(3):
        await make_article(
            session,
            title=f"Harbour traffic grows {n}",
            body_text=f"The harbour handled more cargo {n}.",
            category_id=economy.id,
            cover_id=cover,
            tags=[ports],
            authors=[editor],
        )
    await make_article(session, title="Draft harbour plan", status=ArticleStatus.DRAFT)
    await make_stream(session, title="Business Live", poster_id=poster, is_primary=True)
    await session.commit()
    archive = tmp_path / "newsroom.tar"
    await create_backup(media_settings, archive)
    target = await _target(media_settings, new_database, tmp_path)

    await restore_backup(target, archive)

    assert await table_checksums(target.database_url) == await table_checksums(
        media_settings.database_url
    )
    source_store, target_store = storage_for(media_settings), storage_for(target)
    keys = await stored_keys(source_store)
    assert len(keys) > 3, "originals and renditions"
    assert await stored_keys(target_store) == keys
    for key in keys:
        assert await target_store.get(key) == await source_store.get(key)
    answers = []
    for settings in (media_settings, target):
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://news.example") as web:
            answer = (await web.post("/graphql", json={"query": FRONT_PAGE})).json()
            cover_url = answer["data"]["articles"]["edges"][0]["node"]["cover"]["url"]
            if settings.media_storage == "local":
                image = (await web.get(cover_url)).content
            else:  # the bucket's URL; moto answers unsigned requests with 403
                key = cover_url.removeprefix(settings.media_url_for(""))
                image = await storage_for(settings).get(key)
        await app.state.engine.dispose()
        assert "errors" not in answer
        assert hashlib.sha256(image).hexdigest() in cover_url
        answers.append(json.dumps(answer).replace(settings.media_url_for(""), "MEDIA/"))
    assert answers[0] == answers[1]
    assert json.loads(answers[0])["data"]["articles"]["totalCount"] == 3


# --- what a restore refuses ---


async def _one_article_backup(session: AsyncSession, source: Settings, title: str) -> Path:
    await make_article(session, title=title)
    await session.commit()
    archive = source.media_root.parent / "one.tar"
    await create_backup(source, archive)
    return archive


async def _backup_with_a_report(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], source: Settings
) -> Path:
    """An archive holding one article and one uploaded PDF, for tests that tamper with media."""
    editor = await make_user(session, role=Role.EDITOR)
    await session.commit()
    await upload(source, sessions, PDF, Viewer(editor), "Annual report")
    return await _one_article_backup(session, source, "With a report")


async def test_a_database_with_content_is_replaced_only_with_force(
    session: AsyncSession, source: Settings, target: Settings
) -> None:
    archive = await _one_article_backup(session, source, "From the archive")
    engine = create_engine(target)
    await upgrade(engine)
    async with create_sessionmaker(engine)() as other:
        await make_article(other, title="Already here")
        await other.commit()
    await engine.dispose()
    titles = "SELECT min(title) || '/' || count(*) FROM article"

    code, output = await cms(target, "restore", str(archive))
    assert code == 1
    assert "already holds content" in output
    assert "--force" in output
    assert await scalar(target.database_url, titles) == "Already here/1"

    code, output = await cms(target, "restore", "--force", str(archive))
    assert code == 0, output
    assert await scalar(target.database_url, titles) == "From the archive/1"


async def test_an_archive_from_a_newer_version_is_refused(
    session: AsyncSession, source: Settings, target: Settings
) -> None:
    archive = await _one_article_backup(session, source, "Tomorrow's schema")
    newer = rewrite(archive, manifest_change(alembic_revision="f00dfeedbeef"))

    with pytest.raises(BackupError, match="newer version"):
        await restore_backup(target, newer)

    assert await tables(target.database_url) == []


async def test_an_archive_from_an_older_migration_is_migrated_after_restoring(
    source: Settings, target: Settings, new_database: NewDatabase, tmp_path: Path
) -> None:
    older = source.model_copy(update={"database_url": await new_database()})
    engine = create_engine(older)
    await upgrade(engine, OLDER)
    article = Article(locale="en", slug="before", title="Written before live blogs")
    async with engine.begin() as connection:
        known = await connection.run_sync(
            lambda sync: {column["name"] for column in inspect(sync).get_columns("article")}
        )
        row = {c.name: getattr(article, c.name) for c in Article.__table__.columns}  # type: ignore[attr-defined]
        # Only the columns of that older schema: the model may have grown since.
        await connection.execute(
            insert(Article).values({k: v for k, v in row.items() if k in known and k != "id"})
        )
    await engine.dispose()
    archive = tmp_path / "older.tar"
    manifest = await create_backup(older, archive)
    assert manifest.alembic_revision == OLDER

    await restore_backup(target, archive)

    assert await scalar(target.database_url, "SELECT version_num FROM alembic_version") == HEAD
    assert "live_blog_update" in await tables(target.database_url)
    assert await scalar(target.database_url, "SELECT title FROM article") == (
        "Written before live blogs"
    )


async def test_a_damaged_archive_is_refused_before_anything_is_written(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    source: Settings,
    target: Settings,
) -> None:
    archive = await _backup_with_a_report(session, sessions, source)

    def flip_a_byte(name: str, data: bytes) -> bytes:
        if name.startswith("media/"):
            return data[:10] + bytes([data[10] ^ 1]) + data[11:]
        return data

    with pytest.raises(BackupError, match="damaged"):
        await restore_backup(target, rewrite(archive, flip_a_byte))

    assert await tables(target.database_url) == []
    assert await stored_keys(storage_for(target)) == []


async def test_an_archive_restores_only_into_its_kind_of_database(
    session: AsyncSession, source: Settings, target: Settings, backend: str
) -> None:
    archive = await _one_article_backup(session, source, "Kind matters")
    other = "postgresql" if backend == "sqlite" else "sqlite"
    relabelled = rewrite(archive, manifest_change(database=_database_kind(archive, other)))

    with pytest.raises(BackupError, match="restores into the kind of database"):
        await restore_backup(target, relabelled)

    assert await tables(target.database_url) == []


def _database_kind(archive: Path, kind: str) -> dict[str, Any]:
    return read_manifest(archive).database.model_dump() | {"kind": kind}


async def test_an_archive_cannot_write_outside_the_media_store(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    source: Settings,
    target: Settings,
) -> None:
    archive = await _backup_with_a_report(session, sessions, source)
    media = read_manifest(archive).media[0]
    escaping = media.model_copy(update={"key": "../escaped.pdf", "path": "media/../escaped.pdf"})
    crafted = rewrite(
        archive,
        manifest_change(media=[escaping.model_dump()]),
        names={media.path: escaping.path},
    )

    with pytest.raises(BackupError, match="cannot hold"):
        await restore_backup(target, crafted)

    assert not (target.media_root.parent / "escaped.pdf").exists()
    assert await tables(target.database_url) == []


async def test_an_archive_is_readable_by_its_owner_only(
    session: AsyncSession, source: Settings
) -> None:
    archive = await _one_article_backup(session, source, "Subscribers' addresses inside")

    assert archive.stat().st_mode & 0o777 == 0o600


# --- what a backup refuses ---


async def test_a_backup_missing_a_media_file_writes_no_archive(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    source: Settings,
    tmp_path: Path,
) -> None:
    editor = await make_user(session, role=Role.EDITOR)
    await session.commit()
    media_id = await upload(source, sessions, PDF, Viewer(editor), "Annual report")
    key = await session.scalar(
        text("SELECT storage_key FROM media WHERE id = :id"), {"id": media_id}
    )
    await storage_for(source).delete(str(key))
    archive = tmp_path / "broken.tar"

    with pytest.raises(BackupError, match="could not be read"):
        await create_backup(source, archive)

    assert sorted(path.name for path in await asyncio.to_thread(tmp_path.iterdir)) == [
        "source-media"
    ]
