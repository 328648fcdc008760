"""Imports and webhooks: silent by default, one `import.completed` event with `summary`, each
published article's own event with `each`, in the outbox after real imports of both kinds."""

from collections.abc import AsyncIterator
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import col, select

from cms.models import Article, ArticleStatus, Role, WebhookEvent, metadata
from cms.services.media.library import MediaLibrary
from cms.services.viewer import Viewer
from cms.settings import Settings
from cms.storage import storage_for
from cms.transfer.report import Report
from cms.transfer.wordpress.run import WordPressOptions, import_wordpress
from cms.transfer.writer import ImportOptions, ImportWebhooks
from tests.builders import make_article, make_category, make_tag, make_user
from tests.conftest import Gql
from tests.transfer_helpers import export_to, import_from
from tests.wxr_files import Post, write_wxr, wxr

KINDS = ["ndjson", "wordpress"]
POSTS = [
    Post(1, "Wine exports rise", name="wine-exports-rise", categories=["wine"], tags=["exports"]),
    Post(2, "Harvest begins", name="harvest-begins", categories=["economy"]),
    Post(3, "Tbilisi votes", name="tbilisi-votes"),
    Post(4, "A draft", status="draft", date_gmt="0000-00-00 00:00:00"),
]
WXR_TERMS: dict[str, Any] = {"categories": {"economy": "", "wine": "economy"}, "tags": ("exports",)}
REGISTER = """
mutation R($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { events } errors { field message } }
}
"""


async def _empty(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(table.delete())


async def _ndjson_export(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], settings: Settings, at: Path
) -> Path:
    """An export of two categories, a tag, three published articles and a draft, taken from a
    database that is emptied afterwards."""
    async with sessions() as session:
        economy = await make_category(session, slug="economy")
        await make_category(session, slug="wine", parent_id=economy.id)
        exports = await make_tag(session, slug="exports")
        for n in range(3):
            await make_article(session, category_id=economy.id, tags=[exports], slug=f"story-{n}")
        await make_article(session, status=ArticleStatus.DRAFT, slug="a-draft")
        await session.commit()
    folder = await export_to(sessions, settings, at)
    await _empty(engine)
    return folder


@pytest.fixture(params=KINDS)
async def source(
    request: pytest.FixtureRequest,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    tmp_path: Path,
) -> tuple[str, Path]:
    """What each test imports into an empty database: an export of ours, or a WordPress file;
    either way two categories, a tag, three published articles and a draft."""
    if request.param == "ndjson":
        return "ndjson", await _ndjson_export(engine, sessions, settings, tmp_path / "export")
    return "wordpress", write_wxr(tmp_path, wxr(POSTS, **WXR_TERMS))


async def _import(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    source: tuple[str, Path],
    webhooks: ImportWebhooks,
    **options: Any,
) -> Report:
    kind, path = source
    chosen = ImportOptions(webhooks=webhooks, **options)
    if kind == "ndjson":
        report = await import_from(sessions, settings, path, chosen)
    else:
        report = await import_wordpress(
            sessions, settings, path, chosen, WordPressOptions(download=False)
        )
    assert report.errors == [], report.summary()
    return report


async def _events(session: AsyncSession) -> list[WebhookEvent]:
    return list((await session.scalars(select(WebhookEvent).order_by(col(WebhookEvent.id)))).all())


async def _published(session: AsyncSession) -> set[str]:
    query = select(Article.public_id).where(col(Article.status) == ArticleStatus.PUBLISHED)
    return set((await session.scalars(query)).all())


async def test_by_default_an_import_writes_no_webhook_events(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    source: tuple[str, Path],
) -> None:
    report = await _import(sessions, settings, source, ImportWebhooks.NONE)

    assert report.created["articles"] == 4
    assert await _events(session) == []


async def test_a_summary_is_one_import_completed_event_with_the_counts(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    source: tuple[str, Path],
) -> None:
    await _import(sessions, settings, source, ImportWebhooks.SUMMARY, batch_size=2)

    [event] = await _events(session)
    assert event.topic == "import.completed"
    assert event.data == {
        "kind": source[0],
        "articles": {"created": 4, "updated": 0},
        "categories": {"created": 2, "updated": 0},
        "tags": {"created": 1, "updated": 0},
    }


async def test_each_published_article_gets_its_own_event(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    source: tuple[str, Path],
) -> None:
    await _import(sessions, settings, source, ImportWebhooks.EACH, batch_size=2)

    events = await _events(session)
    assert {event.topic for event in events} == {"article.published"}
    assert sorted(event.data["publicId"] for event in events) == sorted(await _published(session))
    assert len(events) == 3


@pytest.mark.parametrize("webhooks", [ImportWebhooks.SUMMARY, ImportWebhooks.EACH])
async def test_a_dry_run_writes_no_event(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    source: tuple[str, Path],
    webhooks: ImportWebhooks,
) -> None:
    report = await _import(sessions, settings, source, webhooks, dry_run=True)

    assert report.created["articles"] == 4
    assert await _events(session) == []


async def test_importing_the_same_again_announces_nothing_new(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    source: tuple[str, Path],
) -> None:
    await _import(sessions, settings, source, ImportWebhooks.EACH)
    before = await _events(session)

    for webhooks in (ImportWebhooks.EACH, ImportWebhooks.SUMMARY):
        report = await _import(sessions, settings, source, webhooks)
        assert report.changed == 0

    assert await _events(session) == before


async def test_each_announces_an_edited_article_as_updated_and_a_withdrawn_one_as_unpublished(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    tmp_path: Path,
) -> None:
    first = ("wordpress", write_wxr(tmp_path, wxr(POSTS, **WXR_TERMS)))
    await _import(sessions, settings, first, ImportWebhooks.NONE)
    edited = [
        Post(1, "Wine exports rise by 12%", name="wine-exports-rise", categories=["wine"],
             tags=["exports"]),
        Post(2, "Harvest begins", name="harvest-begins", categories=["economy"], status="draft"),
        *POSTS[2:],
    ]  # fmt: skip
    again = tmp_path / "again"
    again.mkdir()

    second = ("wordpress", write_wxr(again, wxr(edited, **WXR_TERMS)))

    report = await _import(sessions, settings, second, ImportWebhooks.EACH)

    assert report.updated["articles"] == 2
    slugs = {event.topic: event.data["slug"] for event in await _events(session)}
    assert slugs == {
        "article.updated": "wine-exports-rise",
        "article.unpublished": "harvest-begins",
    }


@pytest.fixture
async def media_library(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[MediaLibrary]:
    """The `gql` fixture's settings, with loopback admitted as a webhook destination."""
    admitted = settings.model_copy(update={"webhook_allowed_networks": [ip_network("127.0.0.0/8")]})
    library = MediaLibrary(admitted, storage_for(admitted), sessions)
    yield library
    await library.close()


async def test_an_endpoint_can_ask_for_import_completed(gql: Gql, session: AsyncSession) -> None:
    admin = await make_user(session, role=Role.ADMIN)
    await session.commit()
    variables = {"input": {"url": "http://127.0.0.1:9/hook", "events": ["IMPORT_COMPLETED"]}}

    result = await gql(REGISTER, variables, viewer=Viewer(admin))

    assert result.errors is None, result.errors
    payload = result.data["createWebhookEndpoint"]
    assert payload == {"endpoint": {"events": ["IMPORT_COMPLETED"]}, "errors": []}
