"""When each demo story was written, published or scheduled, and how often it was read.

Everything is relative to the moment of seeding, so the demo always looks fresh: published stories
spread over the last 30 days, denser towards today (the breaking one newest, a couple of hours
old); scheduled ones wait in the next day or so; drafts carry the newest timestamps of all, so a
feed that forgets the "published only" rule shows them on top at once.
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cms.models import ArticleStatus
from cms.seed.stories import Story

WINDOW = timedelta(days=29, hours=12)
NEWEST_AFTER_BREAKING = timedelta(hours=3)
RECENCY = 1.5  # above 1, stories crowd towards the present, as on a live news site


@dataclass(frozen=True, slots=True)
class Timing:
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None
    scheduled_at: datetime | None = None
    views: int = 0


def _minutes(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(seconds=round(rng.uniform(low, high) * 60))


def _views(rng: random.Random, age: timedelta) -> int:
    """Log-normal, as readership is: a few stories take most views; new ones had less time."""
    ramp = min(1.0, 0.15 + age / timedelta(hours=36))
    return max(3, math.floor(rng.lognormvariate(7.2, 1.0) * ramp))


def _published_groups(stories: Sequence[Story], rng: random.Random) -> list[list[Story]]:
    """Published stories grouped with their translations; the breaking group comes first."""
    groups: dict[str, list[Story]] = {}
    for story in stories:
        if story.status == ArticleStatus.PUBLISHED:
            groups.setdefault(story.pair or story.key, []).append(story)
    ordered = sorted(groups.values(), key=lambda group: group[0].key)
    rng.shuffle(ordered)
    ordered.sort(key=lambda group: not any(story.breaking for story in group))
    for group in ordered:
        group.sort(key=lambda story: story.locale != "ka")  # the Georgian desk files first
    return ordered


def plan(stories: Sequence[Story], now: datetime, rng: random.Random) -> dict[str, Timing]:
    """Timestamps and views by story key; published times are distinct and strictly past."""
    now = now.replace(microsecond=0)
    timings: dict[str, Timing] = {}
    groups = _published_groups(stories, rng)
    later = max(1, len(groups) - 1)
    newer = timedelta(0)  # the age of the previous, newer group: a translation never passes it
    for index, group in enumerate(groups):
        if index == 0:
            age = _minutes(rng, 95, 160)
        else:
            share = ((index - 1 + rng.uniform(0.1, 0.9)) / later) ** RECENCY
            age = NEWEST_AFTER_BREAKING + (WINDOW - NEWEST_AFTER_BREAKING) * share
            age = timedelta(seconds=round(age.total_seconds()))
        for position, story in enumerate(group):
            follow_up = min(_minutes(rng, 20, 75), (age - newer) / (len(group) + 1))
            published = now - age + timedelta(seconds=round(follow_up.total_seconds())) * position
            timings[story.key] = Timing(
                created_at=published - _minutes(rng, 45, 480),
                updated_at=published,
                published_at=published,
                views=_views(rng, now - published),
            )
        newer = age
    scheduled = drafts = 0
    for story in stories:
        match story.status:
            case ArticleStatus.SCHEDULED:
                scheduled += 1
                at = now + timedelta(hours=5 + 19 * (scheduled - 1))
                timings[story.key] = Timing(
                    created_at=now - timedelta(days=2, hours=scheduled),
                    updated_at=now - _minutes(rng, 100, 180),
                    scheduled_at=at.replace(minute=0, second=0),
                )
            case ArticleStatus.IN_REVIEW:
                timings[story.key] = Timing(
                    created_at=now - timedelta(hours=26), updated_at=now - _minutes(rng, 190, 240)
                )
            case ArticleStatus.ARCHIVED:
                published = now - timedelta(days=41, hours=5)
                timings[story.key] = Timing(
                    created_at=published - timedelta(hours=3),
                    updated_at=now - timedelta(days=6),
                    published_at=published,
                    views=_views(rng, timedelta(days=41)),
                )
            case ArticleStatus.DRAFT:
                drafts += 1
                created = now - timedelta(minutes=30) + timedelta(minutes=4 * drafts)
                timings[story.key] = Timing(
                    created_at=created, updated_at=created + _minutes(rng, 2, 8)
                )
    return timings
