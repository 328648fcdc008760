"""The article lifecycle: one transition table, and who may do what to which article.

Contributors write their own drafts and send them for review; authors also publish their own;
editors and admins act on every article.
"""

from enum import StrEnum

from cms.errors import CmsError
from cms.models import Article, ArticleStatus, Role
from cms.services.viewer import Viewer

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

EDITORS = frozenset({Role.EDITOR, Role.ADMIN})
PUBLISHERS = frozenset({Role.AUTHOR, Role.EDITOR, Role.ADMIN})


class Forbidden(CmsError):
    code = "FORBIDDEN"


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


def _owns(viewer: Viewer, article: Article) -> bool:
    return viewer.user is not None and article.created_by_id == viewer.user.id


def check_can_edit(viewer: Viewer, article: Article) -> None:
    """Editors edit everything; others their own articles, contributors only while unpublished."""
    user = viewer.user
    if user is None:
        raise Forbidden("Sign in to edit articles.")
    if user.role in EDITORS:
        return
    if not _owns(viewer, article):
        raise Forbidden("You can only edit your own articles.")
    if user.role is Role.CONTRIBUTOR and article.status not in (S.DRAFT, S.IN_REVIEW):
        raise Forbidden(f"Contributors cannot edit an article that is {article.status.value}.")


def check_can_read_history(viewer: Viewer, article: Article) -> None:
    """Revisions hold what was cut before publication (a source's name, a draft's claims):
    editors read every article's history, writers their own articles' only."""
    user = viewer.user
    if user is None:
        raise Forbidden("Sign in to read revisions.")
    if user.role not in EDITORS and not _owns(viewer, article):
        raise Forbidden("You can only read the revisions of your own articles.")


def check_can_transition(viewer: Viewer, article: Article, transition: Transition) -> None:
    check_can_edit(viewer, article)
    user = viewer.user
    assert user is not None
    if transition is Transition.SUBMIT or user.role in EDITORS:
        return
    if transition is Transition.ARCHIVE or user.role not in PUBLISHERS:
        raise Forbidden(f"Your role ({user.role.value}) cannot {transition.value} articles.")
