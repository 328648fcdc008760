"""Every demo story in one sequence, and the checks that catch what hand-written data gets wrong."""

from collections import Counter
from collections.abc import Iterable, Sequence

from cms.models import ArticleStatus
from cms.seed import (
    articles_en_markets,
    articles_en_sectors,
    articles_ka_markets,
    articles_ka_sectors,
    unpublished,
)
from cms.seed.stories import Story
from cms.services.slugs import slugify

STORIES: tuple[Story, ...] = (
    *articles_ka_markets.STORIES,
    *articles_ka_sectors.STORIES,
    *articles_en_markets.STORIES,
    *articles_en_sectors.STORIES,
    *unpublished.STORIES,
)


def _repeated(values: Iterable[object]) -> list[object]:
    return [value for value, count in Counter(values).items() if count > 1]


def check_stories(
    stories: Sequence[Story],
    *,
    categories: set[str],
    tags: set[str],
    authors: set[str],
    desks: set[str],
) -> None:
    """Raise ValueError on a broken reference, a repeated key or slug, or a lone translation."""
    problems: list[str] = []
    if repeated := _repeated(story.key for story in stories):
        problems.append(f"repeated keys {repeated}")
    if repeated := _repeated((story.locale, slugify(story.title)) for story in stories):
        problems.append(f"repeated slugs {repeated}")
    for story in stories:
        unknown = (
            ({story.category} - categories)
            | (set(story.tags) - tags)
            | ({story.author} - authors)
            | ({story.desk} - desks)
        )
        if unknown:
            problems.append(f"{story.key} refers to unknown {sorted(unknown)}")
        if story.breaking and story.status != ArticleStatus.PUBLISHED:
            problems.append(f"{story.key} is breaking but not published")
    pairs: dict[str, list[str]] = {}
    for story in stories:
        if story.pair is not None:
            pairs.setdefault(story.pair, []).append(story.locale)
    for pair, locales in pairs.items():
        if sorted(locales) != ["en", "ka"]:
            problems.append(f"translation group {pair} has locales {locales}")
    if problems:
        raise ValueError("demo stories: " + "; ".join(problems))
