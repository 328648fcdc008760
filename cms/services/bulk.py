"""Acting on many articles at once: publish, archive, schedule or tag a list.

Each article is its own transaction with its own permission check, through the same services a
single mutation uses, so one refusal or failure never undoes the others and every article gets
its own answer. What all articles share (the list, the time, the tags) is checked first: a
mistake there is answered once, with nothing done.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cms.errors import CmsError
from cms.models import Article
from cms.services import workflow
from cms.services import writing as writing_service
from cms.services.editorial import EditorialContext, get_for_editing, tag_slugs
from cms.services.lifecycle import Transition
from cms.services.viewer import Viewer
from cms.settings import Settings

MAX_ARTICLES = 100
Action = Callable[[EditorialContext, str], Awaitable[Article]]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One article's answer: the article as saved, or what stopped it."""

    public_id: str
    article: Article | None = None
    error: CmsError | None = None


def checked_ids(ids: Sequence[str]) -> list[str]:
    """The public ids once each, in the order given."""
    unique = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    if not unique:
        raise CmsError("Give at least one article's `publicId`.", field="ids")
    if len(unique) > MAX_ARTICLES:
        raise CmsError(
            f"At most {MAX_ARTICLES} articles at once; you gave {len(unique)}.", field="ids"
        )
    return unique


async def run_each(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    viewer: Viewer,
    ids: Sequence[str],
    action: Action,
) -> list[Outcome]:
    outcomes = []
    for public_id in checked_ids(ids):
        async with sessions() as session:
            ec = EditorialContext(session, settings, viewer)
            try:
                outcomes.append(Outcome(public_id, article=await action(ec, public_id)))
            except CmsError as error:
                outcomes.append(Outcome(public_id, error=error))
    return outcomes


def publish(ec: EditorialContext, public_id: str) -> Awaitable[Article]:
    return workflow.transition(ec, public_id, Transition.PUBLISH)


def archive(ec: EditorialContext, public_id: str) -> Awaitable[Article]:
    return workflow.transition(ec, public_id, Transition.ARCHIVE)


def schedule(publish_at: datetime) -> Action:
    if publish_at.tzinfo is None:
        raise CmsError(
            "Give the time with its offset, e.g. 2026-12-01T09:00:00+04:00.", field="publish_at"
        )
    workflow.check_lead_time(publish_at, "publish_at", "The scheduled time")
    return lambda ec, public_id: workflow.transition(
        ec, public_id, Transition.SCHEDULE, scheduled_at=publish_at
    )


def add_tags(names: Sequence[str]) -> Action:
    """Add `names` after each article's own tags (tags it has already stay where they are)."""
    wanted = [name.strip() for name in names if name.strip()]
    if not wanted:
        raise CmsError("Give at least one tag.", field="tags")

    async def tag(ec: EditorialContext, public_id: str) -> Article:
        article = await get_for_editing(ec, public_id)
        assert article.id is not None
        current = await tag_slugs(ec.session, article.id)
        changes = {"tags": [*current, *wanted]}
        return await writing_service.update_article(ec, public_id, article.version, changes)

    return tag
