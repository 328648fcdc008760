"""The article lifecycle: one transition table. Who may take which step is in `roles`."""

from enum import StrEnum

from cms.errors import CmsError
from cms.models import Article, ArticleStatus

S = ArticleStatus


class Transition(StrEnum):
    SUBMIT = "submit for review"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    UNPUBLISH = "unpublish"
    ARCHIVE = "archive"


TRANSITIONS: dict[Transition, tuple[frozenset[ArticleStatus], ArticleStatus]] = {
    Transition.SUBMIT: (frozenset({S.DRAFT}), S.IN_REVIEW),
    Transition.PUBLISH: (frozenset({S.DRAFT, S.IN_REVIEW, S.SCHEDULED}), S.PUBLISHED),
    Transition.SCHEDULE: (frozenset({S.DRAFT, S.IN_REVIEW, S.SCHEDULED}), S.SCHEDULED),
    Transition.UNPUBLISH: (frozenset({S.IN_REVIEW, S.SCHEDULED, S.PUBLISHED, S.ARCHIVED}), S.DRAFT),
    Transition.ARCHIVE: (frozenset({S.DRAFT, S.IN_REVIEW, S.PUBLISHED}), S.ARCHIVED),
}


def target_status(article: Article, transition: Transition) -> ArticleStatus:
    """The status `transition` leads to, or a `CmsError` naming the current status."""
    allowed_from, target = TRANSITIONS[transition]
    if article.status not in allowed_from:
        starts = ", ".join(sorted(status.value for status in allowed_from))
        raise CmsError(
            f"Cannot {transition.value} an article that is {article.status.value}; "
            f"only from {starts}.",
            field="status",
        )
    return target
