"""Every demo story in one sequence, and the checks that catch what hand-written data gets wrong.

The stories are the Markdown files under `content/articles/`; their order fixes the articles' ids.
"""

from collections import Counter
from collections.abc import Iterable, Sequence

from cms.models import ArticleStatus
from cms.seed.reader import Document, documents
from cms.seed.stories import Quote, Story
from cms.services.slugs import slugify


def story_from(document: Document) -> Story:
    """A story from its file; a misspelt or missing field is refused naming the story."""
    meta = dict(document.meta)
    try:
        return Story(
            key=document.key,
            text=document.body,
            quote=Quote(**meta.pop("quote")),
            tags=tuple(meta.pop("tags")),
            status=ArticleStatus(meta.pop("status", ArticleStatus.PUBLISHED)),
            **meta,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"demo story {document.key!r}: {error!r}") from error


STORIES: tuple[Story, ...] = tuple(story_from(document) for document in documents("articles"))


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
