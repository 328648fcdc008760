"""The benchmark's dataset shape (BENCHMARK.md) at 10k or 100k articles, loaded fast enough for a
test session: the plan tests need the row counts and their spread, not 600-word bodies.

Everything the planner weighs is as in `bench.rows`: categories with children, ~3 tags an
article, locales 70/30, distinct publish times over three years with ids shuffled against them,
drafts holding the newest times, one cover and
one of 40 authors each, a former slug for every tenth. Bodies are a sentence, so the full-text index
still has words to find. Around them: three days of view buckets per article (the window "most
read" sums) and two channels with an hourly programme from two years ago to next week.
Rows go in through Core `executemany` in large chunks in one transaction.
"""

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bench import lorem, rows
from cms.models import (
    Article,
    ArticleAuthor,
    ArticleSlugHistory,
    ArticleStatus,
    ArticleTag,
    ArticleViewBucket,
    AuthorProfile,
    Category,
    LiveStream,
    LiveStreamStatus,
    Media,
    ProgrammeSlot,
    Tag,
    User,
)

CHUNK = 5_000
AUTHORS = 40
SEED = 20_250_601
Row = dict[str, Any]


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _article(rng: random.Random, n: int, article_id: int, moment: datetime, draft: bool) -> Row:
    vocabulary = lorem.GEORGIAN if rng.random() < 0.7 else lorem.ENGLISH
    text = lorem.sentence(rng, vocabulary, 20)
    return {
        "id": article_id,
        "public_id": f"{rng.getrandbits(52):013x}",
        "locale": "ka" if vocabulary is lorem.GEORGIAN else "en",
        "slug": f"{lorem.words(rng, lorem.ENGLISH, 3).replace(' ', '-')}-{n}",
        "title": lorem.sentence(rng, vocabulary, 8)[:-1],
        "lead": lorem.sentence(rng, vocabulary, 12),
        "body": f"<p>{text}</p>",
        "body_text": text,
        "reading_time_minutes": 1,
        "status": ArticleStatus.DRAFT if draft else ArticleStatus.PUBLISHED,
        "published_at": moment,
        "created_at": moment,
        "updated_at": moment,
        "source_name": rng.choice(lorem.SOURCES),
        "cover_id": article_id,
        "is_featured": rng.random() < 0.05,
        "is_breaking": False,
        "is_live_blog": False,
        "views": int(rng.lognormvariate(6.7, 1.4)),
        "version": 1,
    }


def _cover(media_id: int, moment: datetime) -> Row:
    return {
        "id": media_id,
        "kind": "IMAGE",
        "storage_key": f"images/{media_id}.jpg",
        "checksum": f"{media_id:064x}",
        "mime_type": "image/jpeg",
        "size_bytes": 100_000,
        "width": 1600,
        "height": 900,
        "alt": "",
        "caption": "",
        "credit": "",
        "focal_x": 0.5,
        "focal_y": 0.5,
        "renditions": [],
        "renditions_done_at": moment,
        "created_at": moment,
    }


def _articles(rng: random.Random, size: rows.Size, today: date) -> Iterator[tuple[str, Row]]:
    """(table, row) for every article with its cover, tag links and view buckets."""
    ids = list(range(1, size.articles + 1))
    rng.shuffle(ids)
    start = rows.END - timedelta(seconds=rows.SPAN_SECONDS)
    offsets = sorted(rng.sample(range(rows.SPAN_SECONDS), size.published))
    times = [start + timedelta(seconds=s) for s in offsets]
    times += [rows.END + timedelta(minutes=n + 1) for n in range(size.drafts)]
    shift = today - rows.END.date()
    for n, moment in enumerate(times):
        draft = n >= size.published
        article_id = ids[n]
        row = _article(rng, n, article_id, moment, draft)
        row["category_id"] = (n % size.categories) + 1 if draft else rng.randint(1, size.categories)
        yield "media", _cover(article_id, moment)
        yield "article", row
        if n % 10 == 0:
            # A tenth of the archive was renamed once: its old address still leads to it.
            former = {"locale": row["locale"], "slug": f"{row['slug']}-first", "retired_at": moment}
            yield "slug_history", {"article_id": article_id, **former}
        author = {"article_id": article_id, "author_id": article_id % AUTHORS + 1, "position": 0}
        yield "article_author", author
        for position, tag_id in enumerate(rng.sample(range(1, size.tags + 1), 3)):
            yield "article_tag", {"article_id": article_id, "tag_id": tag_id, "position": position}
        if not draft:
            for day in range(3):
                read_on = moment.date() + shift + timedelta(days=day)
                views = rng.randint(1, 5_000)
                yield "bucket", {"article_id": article_id, "day": read_on, "views": views}


def _programme(now: datetime) -> Iterator[tuple[str, Row]]:
    for stream_id in (1, 2):
        yield (
            "live_stream",
            {
                "id": stream_id,
                "slug": f"channel-{stream_id}",
                "title": f"Channel {stream_id}",
                "description": "",
                "status": LiveStreamStatus.LIVE,
                "is_primary": stream_id == 1,
                "position": stream_id,
                "created_at": now,
                "updated_at": now,
            },
        )
    hour = now.replace(minute=0, second=0, microsecond=0)
    for stream_id in (1, 2):
        for n in range(-2 * 365 * 24, 7 * 24):
            starts = hour + timedelta(hours=n)
            yield (
                "slot",
                {
                    "stream_id": stream_id,
                    "title": f"Programme {n}",
                    "description": "",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=1),
                },
            )


TABLES = {
    "media": _table(Media),
    "article": _table(Article),
    "slug_history": _table(ArticleSlugHistory),
    "article_tag": _table(ArticleTag),
    "article_author": _table(ArticleAuthor),
    "bucket": _table(ArticleViewBucket),
    "live_stream": _table(LiveStream),
    "slot": _table(ProgrammeSlot),
}


async def _insert_all(connection: AsyncConnection, items: Iterator[tuple[str, Row]]) -> None:
    """Insert in chunks, flushing parents before children so foreign keys hold."""
    order = list(TABLES)
    pending: dict[str, list[Row]] = {name: [] for name in order}
    while chunk := list(islice(items, CHUNK * 4)):
        for name, row in chunk:
            pending[name].append(row)
        for name in order:
            if pending[name]:
                await connection.execute(insert(TABLES[name]), pending[name])
                pending[name].clear()


async def load(connection: AsyncConnection, size_name: str, now: datetime) -> None:
    """Fill a migrated, empty database; the caller's transaction commits it."""
    size = rows.SIZES[size_name]
    rng = random.Random(SEED)
    await connection.execute(insert(_table(Category)), rows.categories(rng, size))
    await connection.execute(insert(_table(Tag)), rows.tags(rng, size))
    authors = [
        {"id": n, "email": f"author{n}@news.example", "display_name": f"Author {n}"}
        for n in range(1, AUTHORS + 1)
    ]
    await connection.execute(insert(_table(User)), authors)
    profile = {"bios": {}, "links": [], "is_organization": False, "created_at": now}
    profiles = [
        profile | {"id": n, "slug": f"author-{n}", "names": {"en": f"Author {n}"}}
        for n in range(1, AUTHORS + 1)
    ]
    await connection.execute(insert(_table(AuthorProfile)), profiles)
    await _insert_all(connection, _articles(rng, size, now.astimezone(UTC).date()))
    await _insert_all(connection, _programme(now))
    if connection.dialect.name == "postgresql":
        await _advance_sequences(connection)


async def _advance_sequences(connection: AsyncConnection) -> None:
    """Explicit ids leave PostgreSQL's sequences at 1; a row the tests add gets the next id."""
    for table in {_table(Category), _table(Tag), _table(User), _table(AuthorProfile),
                  *TABLES.values()}:  # fmt: skip
        if "id" in table.c:
            await connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f'(SELECT max(id) FROM "{table.name}"))'
                )
            )
