"""Files a WordPress import must not trust: entity bombs and external entities are refused before
anything is read, and a malformed or cut-short file is named with where it breaks."""

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cms.models import Article, User
from cms.settings import Settings
from cms.transfer.wordpress.run import WordPressOptions, import_wordpress
from cms.transfer.writer import ImportOptions
from tests.wxr_files import Post, write_wxr, wxr

BOMB = """<!DOCTYPE rss [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>"""
REFUSED = (
    "the file declares XML entities ({}); a WordPress export never does, and they can make a "
    "parser read local files or exhaust memory, so it is refused"
)


async def _articles(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Article)) or 0)


async def _run(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, source: Path, strict: bool
) -> list[tuple[str, str]]:
    report = await import_wordpress(
        sessions, settings, source, ImportOptions(strict=strict), WordPressOptions()
    )
    return [(p.item, p.message) for p in report.errors]


async def test_an_entity_bomb_is_refused_and_nothing_is_written(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    text = wxr([Post(1, "&d;")], preamble=BOMB)
    source = write_wxr(tmp_path, text)

    errors = await _run(sessions, settings, source, strict=False)

    assert errors == [("export.xml", REFUSED.format("EntitiesForbidden"))]
    assert await _articles(session) == 0
    assert await session.scalar(select(func.count()).select_from(User)) == 0


async def test_an_external_entity_is_refused_and_the_file_it_names_is_never_read(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    secret = tmp_path / "secret.txt"
    secret.write_text("root password")
    preamble = f'<!DOCTYPE rss [<!ENTITY leak SYSTEM "file://{secret}">]>'
    source = write_wxr(tmp_path, wxr([Post(1, "Leak", content="&leak;")], preamble=preamble))

    errors = await _run(sessions, settings, source, strict=False)

    assert errors == [("export.xml", REFUSED.format("EntitiesForbidden"))]
    assert await _articles(session) == 0


async def test_a_truncated_file_keeps_the_posts_before_the_break_and_says_where(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    text = wxr([Post(n, f"Post {n}", name=f"post-{n}") for n in range(1, 4)])
    cut = text[: text.index("<title>Post 3")]
    source = write_wxr(tmp_path, cut)

    errors = await _run(sessions, settings, source, strict=False)

    assert len(errors) == 1
    assert errors[0][0] == "export.xml"
    assert errors[0][1].startswith("the XML is malformed or cut short at line ")
    assert await _articles(session) == 2


async def test_a_strict_import_of_a_broken_file_writes_nothing(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    text = wxr([Post(n, f"Post {n}", name=f"post-{n}") for n in range(1, 4)])
    source = write_wxr(tmp_path, text.replace("<title>Post 2</title>", "<title>Post 2</titl>"))

    errors = await _run(sessions, settings, source, strict=True)

    assert len(errors) == 1
    assert "mismatched tag" in errors[0][1]
    assert await _articles(session) == 0
    assert await session.scalar(select(func.count()).select_from(User)) == 0
