"""What editors curate around articles survives a round trip: bylines by author profile (one
without an account), corrections, expiry, live blog entries edited and pinned, tag aliases left
by a merge, and home page slots."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import col, delete, select

from cms.models import (
    Article,
    ArticleAuthor,
    ArticleCorrection,
    ArticleTag,
    AuthorProfile,
    Category,
    HomeSlot,
    HomeZone,
    LiveBlogUpdate,
    Media,
    Tag,
    TagAlias,
    User,
    metadata,
)
from cms.models.home import slot_key
from cms.seed import seed_demo
from cms.settings import Settings
from cms.transfer.export import ExportOptions
from tests.conftest import Gql
from tests.transfer_helpers import data_files, empty_media, export_to, import_from

SLUG = "annual-inflation-eases-to-2-1-as-food-and-fuel-prices-cool"
LATER = datetime(2099, 1, 1, 9, 30, tzinfo=UTC)

CURATED = """{
  article(slug: "SLUG", locale: "en") {
    expiresAt
    authors { slug name bio links { label url } photo { alt } }
    corrections { text correctedAt }
    liveUpdates(first: 10) {
      nodes { body createdAt editedAt pinnedAt author { slug } }
      pinned { body }
    }
  }
  homePage(locale: "en") {
    lead { position curated expiresAt article { slug } }
    top { position curated article { slug } }
    sections { category { slug } slots { position curated article { slug } } }
  }
  tag(slug: "old-name", locale: "en") { slug name }
}""".replace("SLUG", SLUG)


async def _curate(session: AsyncSession) -> None:
    """Editors' work on the README's article, written as the services store it."""
    article = (await session.scalars(select(Article).where(col(Article.slug) == SLUG))).one()
    assert article.id is not None
    article.expires_at, article.is_live_blog = LATER, True
    photo = (await session.scalars(select(Media).order_by(col(Media.checksum)))).first()
    assert photo is not None
    wire = AuthorProfile(
        slug="wire-agency",
        names={"en": "Wire Agency", "ka": "სააგენტო"},
        bios={"en": "News from the wire."},
        photo_id=photo.id,
        links=[{"label": "Site", "url": "https://wire.example"}],
        is_organization=True,
    )
    session.add(wire)
    await session.flush()
    assert wire.id is not None
    session.add(ArticleAuthor(article_id=article.id, author_id=wire.id, position=9))
    session.add(ArticleCorrection(article_id=article.id, text="The rate was 2.1%.",
                                  corrected_at=datetime(2025, 3, 2, tzinfo=UTC)))  # fmt: skip
    writer = (await session.scalars(select(User).order_by(col(User.email)))).first()
    assert writer is not None
    session.add_all(
        [
            LiveBlogUpdate(article_id=article.id, body="<p>First.</p>", author_id=writer.id,
                           created_at=datetime(2025, 3, 1, 8, tzinfo=UTC),
                           edited_at=datetime(2025, 3, 1, 9, tzinfo=UTC),
                           pinned_at=datetime(2025, 3, 1, 10, tzinfo=UTC)),
            LiveBlogUpdate(article_id=article.id, body="<p>Second.</p>",
                           created_at=datetime(2025, 3, 1, 11, tzinfo=UTC)),
        ]
    )  # fmt: skip
    tag_id = (
        await session.scalars(
            select(ArticleTag.tag_id).where(col(ArticleTag.article_id) == article.id)
        )
    ).first()
    assert tag_id is not None
    session.add(TagAlias(slug="old-name", tag_id=tag_id))
    section = (
        await session.scalars(
            select(Category).where(col(Category.parent_id).is_(None)).order_by(col(Category.slug))
        )
    ).first()
    assert section is not None
    for zone, category_id in ((HomeZone.LEAD, None), (HomeZone.CATEGORY, section.id)):
        key = slot_key("en", zone, category_id, 1)
        await session.execute(delete(HomeSlot).where(col(HomeSlot.key) == key))
        session.add(
            HomeSlot(key=key, locale="en", zone=zone,
                     category_id=category_id, position=1, article_id=article.id,
                     expires_at=LATER if zone is HomeZone.LEAD else None)
        )  # fmt: skip
    await session.commit()


async def _empty(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(table.delete())


async def _answer(gql: Gql) -> Any:
    result = await gql(CURATED)
    assert result.errors is None, result.errors
    return result.data


def _records(folder: Path, name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / name).read_text().splitlines()]


async def test_curated_content_comes_back_the_same(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    gql: Gql,
    tmp_path: Path,
) -> None:
    await seed_demo(session, settings)
    await _curate(session)
    before = await _answer(gql)
    assert before["tag"] is not None
    assert before["homePage"]["lead"]["article"]["slug"] == SLUG
    assert before["article"]["authors"][-1]["slug"] == "wire-agency"
    assert before["article"]["liveUpdates"]["pinned"] == [{"body": "<p>First.</p>"}]
    first = await export_to(sessions, settings, tmp_path / "first", ExportOptions(True, True))
    await _empty(engine)
    empty_media(settings)

    report = await import_from(sessions, settings, first)

    assert report.errors == []
    assert await _answer(gql) == before
    second = await export_to(sessions, settings, tmp_path / "second", ExportOptions(True, True))
    assert data_files(second) == data_files(first)


async def test_the_export_names_bylines_aliases_and_slots_by_their_keys(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    tmp_path: Path,
) -> None:
    await seed_demo(session, settings)
    await _curate(session)

    folder = await export_to(sessions, settings, tmp_path / "export")

    article = next(r for r in _records(folder, "articles.ndjson") if r["slug"] == SLUG)
    assert article["authors"][-1] == "wire-agency"
    assert article["expires_at"] == "2099-01-01T09:30:00.000000+00:00"
    assert "The rate was 2.1%." in [c["text"] for c in article["corrections"]]
    assert [e["pinned_at"] is not None for e in article["live_blog"]] == [True, False]
    wire = next(r for r in _records(folder, "authors.ndjson") if r["slug"] == "wire-agency")
    assert (wire["account"], wire["is_organization"]) == (None, True)
    assert any("old-name" in t["aliases"] for t in _records(folder, "tags.ndjson"))
    slots = _records(folder, "home_slots.ndjson")
    curated = [s for s in slots if s["article"] == article["public_id"]]
    assert ("CATEGORY", None) in [(s["zone"], s["expires_at"]) for s in curated]
    assert ("LEAD", article["expires_at"]) in [(s["zone"], s["expires_at"]) for s in curated]
    assert not (folder / "webhooks.ndjson").exists()


async def test_a_second_import_of_curated_content_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    tmp_path: Path,
) -> None:
    await seed_demo(session, settings)
    await _curate(session)
    folder = await export_to(sessions, settings, tmp_path / "export")

    report = await import_from(sessions, settings, folder)

    assert report.errors == []
    assert report.changed == 0
    assert report.unchanged["home_slots"] == len(_records(folder, "home_slots.ndjson"))
    tags = (await session.scalars(select(Tag.slug).join(TagAlias))).all()
    assert len(tags) == 1
