"""The seeded rows of the benchmark dataset, as plain dicts ready for Core bulk inserts.

Publish times are distinct seconds over three years; ids are shuffled against them so that an
`ORDER BY id` never passes for newest-first; drafts hold the newest timestamps of all, so a missing
"published only" filter puts them on top of every feed and related list.
"""

import hashlib
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench import lorem
from cms.models import ArticleStatus, MediaKind
from cms.services.text import reading_time_minutes

Row = dict[str, Any]
END = datetime(2025, 6, 1, tzinfo=UTC)
SPAN_SECONDS = 3 * 365 * 24 * 3600
COVER_SIZES = ((1600, 900), (1200, 800), (1080, 1350), (2048, 1152))


@dataclass(frozen=True, slots=True)
class Size:
    """One row of the dataset table in BENCHMARK.md."""

    published: int
    drafts: int
    categories: int
    children: int
    tags: int

    @property
    def articles(self) -> int:
        return self.published + self.drafts


SIZES = {
    "S": Size(published=10_000, drafts=300, categories=10, children=3, tags=120),
    "M": Size(published=100_000, drafts=3_000, categories=50, children=15, tags=1_000),
}


def categories(rng: random.Random, size: Size) -> list[Row]:
    """Roots first, then children each under a distinct root, so inserts respect the FK."""
    roots = size.categories - size.children
    parents = rng.sample(range(1, roots + 1), size.children)
    rows = []
    for n in range(1, size.categories + 1):
        en, ka = rng.choice(lorem.ENGLISH), rng.choice(lorem.GEORGIAN)
        rows.append(
            {
                "id": n,
                "slug": f"{en}-{n}",
                "names": {"en": f"{en.title()} {n}", "ka": f"{ka} {n}"},
                "descriptions": {"en": lorem.sentence(rng, lorem.ENGLISH, 12)},
                "parent_id": parents[n - roots - 1] if n > roots else None,
                "position": n,
                "show_in_menu": True,
                "created_at": END - timedelta(seconds=SPAN_SECONDS + n),
            }
        )
    return rows


def tags(rng: random.Random, size: Size) -> list[Row]:
    return [
        {
            "id": n,
            "slug": f"{rng.choice(lorem.ENGLISH)}-{n}",
            "names": {
                "en": lorem.words(rng, lorem.ENGLISH, 2),
                "ka": lorem.words(rng, lorem.GEORGIAN, 2),
            },
            "created_at": END - timedelta(seconds=SPAN_SECONDS + n),
        }
        for n in range(1, size.tags + 1)
    ]


def _times(rng: random.Random, size: Size) -> list[datetime]:
    """Every article's time, oldest first: distinct published seconds, then the drafts, newest."""
    start = END - timedelta(seconds=SPAN_SECONDS)
    offsets = sorted(rng.sample(range(SPAN_SECONDS), size.published))
    published = [start + timedelta(seconds=offset) for offset in offsets]
    return published + [END + timedelta(minutes=n + 1) for n in range(size.drafts)]


def cover(rng: random.Random, seed: int, media_id: int, moment: datetime) -> Row:
    checksum = hashlib.sha256(f"bench-{seed}-{media_id}".encode()).hexdigest()
    width, height = rng.choice(COVER_SIZES)
    return {
        "id": media_id,
        "kind": MediaKind.IMAGE,
        "storage_key": f"images/{checksum[:2]}/{checksum}.jpg",
        "checksum": checksum,
        "mime_type": "image/jpeg",
        "size_bytes": rng.randint(80_000, 600_000),
        "width": width,
        "height": height,
        "duration_seconds": None,
        "alt": lorem.sentence(rng, lorem.ENGLISH, 8),
        "caption": "",
        "credit": rng.choice(lorem.SOURCES),
        "focal_x": 0.5,
        "focal_y": 0.5,
        "dominant_color": f"#{rng.getrandbits(24):06x}",
        "placeholder": None,
        "renditions": [],
        # Marked done: the dataset has no files, and the server must not spend its first
        # minutes failing to render ten thousand covers while it is being measured.
        "renditions_done_at": moment,
        "original_filename": f"cover-{media_id}.jpg",
        "uploaded_by_id": None,
        "created_at": moment,
    }


def article(rng: random.Random, n: int, article_id: int, moment: datetime, draft: bool) -> Row:
    """Article number `n` in time order; `published_at` is set on drafts too, on purpose."""
    vocabulary = lorem.GEORGIAN if rng.random() < 0.7 else lorem.ENGLISH
    locale = "ka" if vocabulary is lorem.GEORGIAN else "en"
    body = lorem.body(rng, vocabulary)
    return {
        "id": article_id,
        "public_id": f"{rng.getrandbits(52):013x}",
        "locale": locale,
        "translation_group": None,
        "slug": f"{lorem.words(rng, lorem.ENGLISH, 5).replace(' ', '-')}-{n}",
        "title": lorem.sentence(rng, vocabulary, rng.randint(6, 12))[:-1],
        "lead": lorem.sentence(rng, vocabulary, 40),
        "body": body.html,
        "body_text": body.text,
        "reading_time_minutes": reading_time_minutes(body.text),
        "status": ArticleStatus.DRAFT if draft else ArticleStatus.PUBLISHED,
        "published_at": moment,
        "scheduled_at": None,
        "created_at": moment - timedelta(minutes=rng.randint(5, 600)),
        "updated_at": moment,
        "source_name": rng.choice(lorem.SOURCES),
        "source_url": None,
        "cover_id": article_id,
        "is_featured": rng.random() < 0.05,
        "is_breaking": False,
        "breaking_until": None,
        "is_live_blog": False,
        "seo_title": None,
        "seo_description": None,
        "views": int(rng.lognormvariate(math.log(800), 1.4)),
        "version": 1,
        "created_by_id": None,
        "updated_by_id": None,
    }


def articles(rng: random.Random, seed: int, size: Size) -> Iterator[tuple[Row, Row, list[Row]]]:
    """(cover, article, its tag links) per article, oldest first; drafts spread over categories."""
    ids = list(range(1, size.articles + 1))
    rng.shuffle(ids)
    for n, moment in enumerate(_times(rng, size)):
        draft = n >= size.published
        row = article(rng, n, ids[n], moment, draft)
        row["category_id"] = (n % size.categories) + 1 if draft else rng.randint(1, size.categories)
        links = [
            {"article_id": ids[n], "tag_id": tag_id, "position": position}
            for position, tag_id in enumerate(rng.sample(range(1, size.tags + 1), 3))
        ]
        yield cover(rng, seed, ids[n], moment), row, links
