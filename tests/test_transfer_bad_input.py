"""Bad input to `cms import ndjson`: each problem is named with its item, the rest goes in, and
`--strict` writes nothing; no item is ever half-imported."""

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from cms.models import Article, ArticleTag, AuthorProfile
from cms.settings import Settings
from cms.transfer.format import dumps
from cms.transfer.ndjson_import import FormatError
from cms.transfer.writer import ImportOptions
from tests.builders import make_article, make_category, make_tag, make_user
from tests.transfer_helpers import export_to, import_from


async def _exported(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings, at: Path
) -> Path:
    category = await make_category(session, slug="economy")
    tag = await make_tag(session, slug="wine")
    author = await make_user(session, email="nino@newsroom.example")
    for n in range(3):
        await make_article(
            session, public_id=f"{n:013x}", slug=f"story-{n}", category_id=category.id,
            tags=[tag], authors=[author],
        )  # fmt: skip
    await session.commit()
    return await export_to(sessions, settings, at)


def _rewrite(folder: Path, name: str, records: list[dict[str, Any]], tail: bytes = b"") -> None:
    """Write a file and put its new checksum in the manifest, as a hand-edited export would."""
    data = b"".join(dumps(record) for record in records) + tail
    (folder / name).write_bytes(data)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][name] = {"records": len(records), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _articles(folder: Path) -> list[dict[str, Any]]:
    lines = (folder / "articles.ndjson").read_bytes().splitlines()
    return [json.loads(line) for line in lines]


async def _count(session: AsyncSession, entity: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(entity)) or 0)


async def _clear_articles(session: AsyncSession) -> None:
    for article in (await session.scalars(select(Article))).all():
        await session.delete(article)
    await session.commit()


async def test_an_unknown_format_version_is_refused_before_anything_is_read(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    folder = await _exported(session, sessions, settings, tmp_path / "export")
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps(manifest | {"version": 99}))

    with pytest.raises(FormatError, match="format version 99"):
        await import_from(sessions, settings, folder)


async def test_a_truncated_file_is_reported_and_its_whole_lines_are_imported(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    folder = await _exported(session, sessions, settings, tmp_path / "export")
    await _clear_articles(session)
    data = (folder / "articles.ndjson").read_bytes()
    (folder / "articles.ndjson").write_bytes(data[: len(data) - 40])

    report = await import_from(sessions, settings, folder)

    problems = {(p.item, p.message) for p in report.errors}
    assert ("articles.ndjson", "does not match the manifest's checksum (damaged or truncated)") in (
        problems
    )
    assert ("articles.ndjson line 3", "not a complete JSON record (is the file truncated?)") in (
        problems
    )
    assert report.created["articles"] == 2


async def test_a_bad_item_is_named_and_the_rest_is_imported(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    folder = await _exported(session, sessions, settings, tmp_path / "export")
    await _clear_articles(session)
    good, short_id, unknown_tag = _articles(folder)
    short_id["public_id"] = "12345"
    unknown_tag["tags"] = ["wine", "no-such-tag"]
    _rewrite(folder, "articles.ndjson", [good, short_id, unknown_tag])

    report = await import_from(sessions, settings, folder)

    assert [(p.item, p.message) for p in report.errors] == [
        (
            "articles.ndjson line 2 (public id 12345)",
            "public id '12345' is not 13 lowercase hexadecimal characters",
        ),
        (
            f"articles.ndjson line 3 (public id {unknown_tag['public_id']})",
            "the tag 'no-such-tag' is not in the import nor in this database",
        ),
    ]
    assert await _count(session, Article) == 1
    assert await _count(session, ArticleTag) == 1


async def test_a_public_id_given_twice_with_different_content_is_refused_the_second_time(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    folder = await _exported(session, sessions, settings, tmp_path / "export")
    await _clear_articles(session)
    first, *_ = _articles(folder)
    _rewrite(folder, "articles.ndjson", [first, first | {"title": "Another story"}])

    report = await import_from(sessions, settings, folder)

    assert [p.message for p in report.errors] == [
        f"public id {first['public_id']} appears twice in this import, differently"
    ]
    titles = (await session.scalars(select(Article.title))).all()
    assert titles == [first["title"]]


async def test_a_strict_import_with_one_bad_item_writes_nothing(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    folder = await _exported(session, sessions, settings, tmp_path / "export")
    await _clear_articles(session)
    good, bad, also_good = _articles(folder)
    _rewrite(folder, "articles.ndjson", [good, bad | {"status": "LOST"}, also_good])

    report = await import_from(sessions, settings, folder, ImportOptions(strict=True))

    assert [p.message for p in report.errors] == [
        "status 'LOST' is not one of DRAFT, IN_REVIEW, SCHEDULED, PUBLISHED, ARCHIVED"
    ]
    assert await _count(session, Article) == 0


async def test_an_author_link_that_is_not_a_web_address_is_refused(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    folder = await _exported(session, sessions, settings, tmp_path / "export")
    wire = {"slug": "wire", "names": {"en": "Wire"}, "links": [
        {"label": "Site", "url": "javascript:alert(1)"}]}  # fmt: skip
    _rewrite(folder, "authors.ndjson", [wire])

    report = await import_from(sessions, settings, folder)

    assert [(p.item, p.message) for p in report.errors] == [
        (
            "authors.ndjson line 1 (slug wire)",
            "link 1: 'javascript:alert(1)' is not an http(s) address",
        )
    ]
    assert await _count(session, AuthorProfile) == 1
