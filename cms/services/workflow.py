"""An article's way to readers: status transitions, the featured and breaking flags, deletion,
and the events subscribers hear of them by."""

from datetime import datetime, timedelta
from typing import Any

from cms.after_commit import emit
from cms.errors import CmsError
from cms.events import Event, Topic
from cms.models import Article
from cms.models.columns import utcnow
from cms.services import audit
from cms.services.editorial import (
    Conflict,
    EditorialContext,
    get_for_editing,
    mark_stale,
    retried,
    revise,
    save,
)
from cms.services.lifecycle import Transition, target_status
from cms.services.roles import EDITORS, Forbidden, check_can_transition
from cms.services.webhooks import outbox

SCHEDULE_MARGIN = timedelta(seconds=30)


async def transition(
    ec: EditorialContext,
    public_id: str,
    step: Transition,
    *,
    scheduled_at: datetime | None = None,
) -> Article:
    """Move the article to the step's status. A transition names no version, so a save that
    slips in first is no conflict for the editor: the step is decided again on the saved row."""
    return await retried(
        ec, lambda: _transition(ec, public_id, step, scheduled_at=scheduled_at), Conflict
    )


async def _transition(
    ec: EditorialContext,
    public_id: str,
    step: Transition,
    *,
    scheduled_at: datetime | None = None,
) -> Article:
    article = await get_for_editing(ec, public_id)
    check_can_transition(ec.viewer, article, step)
    status = target_status(article, step)
    before = article.status
    values: dict[str, Any] = {"status": status}
    if step is Transition.SCHEDULE:
        if scheduled_at is None or scheduled_at.tzinfo is None:
            raise CmsError(
                "Give the time with its offset, e.g. 2026-12-01T09:00:00+04:00.",
                field="scheduled_at",
            )
        check_lead_time(scheduled_at, "scheduled_at", "The scheduled time")
        values["scheduled_at"] = scheduled_at
    elif step is Transition.PUBLISH:
        values |= {"published_at": article.published_at or utcnow(), "scheduled_at": None}
    elif step is Transition.UNPUBLISH:
        values |= {"scheduled_at": None, "expires_at": None}
    elif step is Transition.ARCHIVE:
        values["expires_at"] = None
    await save(ec, article, values, article.version)
    await revise(ec, article, f"article.{step.name.lower()}")
    outbox.article_status_changed(ec.session, article, before)
    if step is Transition.PUBLISH:
        emit(ec.session, published_event(article))
    await ec.session.commit()
    return article


def check_lead_time(moment: datetime, field: str, what: str) -> None:
    """`moment` must be far enough ahead for the scheduler to act on it in time."""
    now = utcnow()
    if moment <= now:
        raise CmsError(f"{what} is in the past; choose a later time.", field=field)
    if moment < now + SCHEDULE_MARGIN:
        seconds = int(SCHEDULE_MARGIN.total_seconds())
        raise CmsError(
            f"{what} is less than {seconds} seconds from now, too soon for the scheduler; "
            "choose a later time, or act now.",
            field=field,
        )


def published_event(article: Article) -> Event:
    return Event(
        Topic.ARTICLE_PUBLISHED,
        article=article.public_id,
        locale=article.locale,
        category_id=article.category_id,
    )


def breaking_event(public_id: str, locale: str) -> Event:
    return Event(Topic.BREAKING_CHANGED, article=public_id, locale=locale)


async def set_flags(
    ec: EditorialContext,
    public_id: str,
    *,
    featured: bool | None = None,
    breaking: bool | None = None,
    breaking_until: datetime | None = None,
) -> Article:
    """Feature or mark breaking; like a transition, on the saved row if a save slips in first."""
    return await retried(
        ec,
        lambda: _set_flags(
            ec, public_id, featured=featured, breaking=breaking, breaking_until=breaking_until
        ),
        Conflict,
    )


async def _set_flags(
    ec: EditorialContext,
    public_id: str,
    *,
    featured: bool | None = None,
    breaking: bool | None = None,
    breaking_until: datetime | None = None,
) -> Article:
    if ec.user.role not in EDITORS:
        raise Forbidden("Only editors feature articles or mark breaking news.")
    article = await get_for_editing(ec, public_id)
    values: dict[str, Any] = {}
    if featured is not None:
        values["is_featured"] = featured
    if breaking is not None:
        if breaking and breaking_until is not None and breaking_until <= utcnow():
            raise CmsError("The breaking flag must expire in the future.", field="until")
        values |= {"is_breaking": breaking, "breaking_until": breaking_until if breaking else None}
    await save(ec, article, values, article.version)
    audit.record(
        ec.session,
        ec.viewer,
        "article.flags",
        "article",
        article.id,
        **{
            k: v.isoformat() if isinstance(v, datetime) else v
            for k, v in values.items()
            if k in ("is_featured", "is_breaking", "breaking_until")
        },
    )
    if breaking is not None:
        emit(ec.session, breaking_event(article.public_id, article.locale))
    outbox.article_updated(ec.session, article)
    await ec.session.commit()
    return article


async def delete_article(ec: EditorialContext, public_id: str) -> None:
    if ec.user.role not in EDITORS:
        raise Forbidden("Only editors delete articles.")
    article = await get_for_editing(ec, public_id)
    audit.record(
        ec.session,
        ec.viewer,
        "article.delete",
        "article",
        article.id,
        title=article.title,
        public_id=article.public_id,
    )
    await mark_stale(ec.session, article)
    outbox.article_deleted(ec.session, article)
    await ec.session.delete(article)
    await ec.session.commit()
