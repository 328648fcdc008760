"""Who may call which field, by role, as GraphQL errors. The role sets and the finer rules (whose
article) live once, in `cms.services.roles`.

Anonymous callers get `UNAUTHENTICATED`, signed-in callers without the role `FORBIDDEN`; the
README's permission table lists the same rules and a test checks every mutation against it.
"""

from typing import Any

from graphql import GraphQLError
from strawberry.permission import BasePermission

from cms.models import Role
from cms.services import roles as role_rules
from schema.context import Info

SIGN_IN_FIRST = "Sign in first: run the `login` mutation."
SESSION_ENDED = (
    "Your session has ended (it expired, or you signed out elsewhere): sign in again "
    "(the console's Sign in form, or the `login` mutation)."
)


def unauthenticated(message: str = SIGN_IN_FIRST) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "UNAUTHENTICATED"})


def forbidden(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "FORBIDDEN"})


def roles(admitted: frozenset[Role]) -> type[BasePermission]:
    """A permission class admitting signed-in users with one of the `admitted` roles."""

    class RolePermission(BasePermission):
        roles = admitted

        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            user = info.context.viewer.user
            if user is None:
                raise unauthenticated(SESSION_ENDED if info.context.token else SIGN_IN_FIRST)
            if user.role not in admitted:
                names = ", ".join(sorted(role.value for role in admitted))
                raise forbidden(f"This needs one of the roles {names}; you are {user.role.value}.")
            return True

    return RolePermission


SIGNED_IN = roles(role_rules.EVERY_ROLE)
PUBLISHERS = roles(role_rules.PUBLISHERS)
EDITORS = roles(role_rules.EDITORS)
ADMINS = roles(role_rules.ADMINS)
