"""Who may do what: the role sets every check uses, at the GraphQL edge and in the services alike,
and the rules on whose article a writer may touch.

Contributors write their own drafts and send them for review; authors also publish their own;
editors and admins act on every article; admins alone manage accounts and read the audit log.
"""

from typing import TYPE_CHECKING

from cms.errors import CmsError
from cms.models import Article, ArticleStatus, Role
from cms.services.lifecycle import Transition

if TYPE_CHECKING:
    from cms.services.viewer import Viewer

EVERY_ROLE = frozenset(Role)
PUBLISHERS = frozenset({Role.AUTHOR, Role.EDITOR, Role.ADMIN})
EDITORS = frozenset({Role.EDITOR, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})


class Forbidden(CmsError):
    code = "FORBIDDEN"


def _owns(viewer: "Viewer", article: Article) -> bool:
    return viewer.user is not None and article.created_by_id == viewer.user.id


def check_can_edit(viewer: "Viewer", article: Article) -> None:
    """Editors edit everything; others their own articles, contributors only while unpublished."""
    user = viewer.user
    if user is None:
        raise Forbidden("Sign in to edit articles.")
    if user.role in EDITORS:
        return
    if not _owns(viewer, article):
        raise Forbidden("You can only edit your own articles.")
    unpublished = (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW)
    if user.role is Role.CONTRIBUTOR and article.status not in unpublished:
        raise Forbidden(f"Contributors cannot edit an article that is {article.status.value}.")


def check_can_read_history(viewer: "Viewer", article: Article) -> None:
    """Revisions hold what was cut before publication (a source's name, a draft's claims):
    editors read every article's history, writers their own articles' only."""
    user = viewer.user
    if user is None:
        raise Forbidden("Sign in to read revisions.")
    if user.role not in EDITORS and not _owns(viewer, article):
        raise Forbidden("You can only read the revisions of your own articles.")


def check_can_transition(viewer: "Viewer", article: Article, transition: Transition) -> None:
    check_can_edit(viewer, article)
    user = viewer.user
    assert user is not None
    if transition is Transition.SUBMIT or user.role in EDITORS:
        return
    if transition is Transition.ARCHIVE or user.role not in PUBLISHERS:
        raise Forbidden(f"Your role ({user.role.value}) cannot {transition.value} articles.")
